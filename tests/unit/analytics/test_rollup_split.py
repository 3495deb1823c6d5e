"""Where a window reads roll-ups (pure): whole UTC hours before the usable end, partial edges raw, long windows raw;
touched hours merged into ranges; the freshness caption."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from components.admin.rollup_freshness import freshness_text
from core.analytics.kpis import TimeRange
from core.analytics.rollup_keys import LOOKBACK, ceil_hour, floor_hour
from core.analytics.rollup_reads import RollupState, split
from core.analytics.rollups import merge_hours

T = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
H = timedelta(hours=1)


def state(usable_until: datetime, through: datetime | None = None) -> RollupState:
    return RollupState(through or usable_until, usable_until, usable_until)


def test_hours_round_down_and_up() -> None:
    moment = datetime(2026, 11, 21, 15, 20, 30, 5, tzinfo=UTC)
    assert floor_hour(moment) == T and ceil_hour(moment) == T + H
    assert floor_hour(T) == ceil_hour(T) == T


def test_a_window_splits_into_head_body_and_tail() -> None:
    # Kolkata's midnight is 18:30 UTC: today [18:30, now 15:20) -> head 18:30–19:00, body 19:00–15:00, tail.
    window = TimeRange(datetime(2026, 11, 20, 18, 30, tzinfo=UTC), T + timedelta(minutes=20))
    cut = split(window, state(T))
    assert cut.body == TimeRange(datetime(2026, 11, 20, 19, tzinfo=UTC), T)
    assert cut.edges == [
        TimeRange(window.start, datetime(2026, 11, 20, 19, tzinfo=UTC)),
        TimeRange(T, window.end),
    ]


def test_the_body_stops_where_the_rollups_can_no_longer_be_trusted() -> None:
    window = TimeRange(T - timedelta(days=7), T)
    late = T - timedelta(days=2, minutes=30)  # a late event's hour: raw from there on
    cut = split(window, state(floor_hour(late), through=T))
    assert cut.body == TimeRange(window.start, floor_hour(late))
    assert cut.edges == [TimeRange(floor_hour(late), T)]


def test_no_rollups_short_or_long_windows_are_read_raw() -> None:
    assert split(TimeRange(T - H, T), None).body is None
    assert split(TimeRange(T + timedelta(minutes=5), T + timedelta(minutes=50)), state(T + 2 * H)).body is None
    too_long = TimeRange(T - LOOKBACK - H, T)
    assert split(too_long, state(T)).body is None and split(too_long, state(T)).edges == [too_long]
    assert split(TimeRange(T - LOOKBACK, T), state(T)).body == TimeRange(T - LOOKBACK, T)


def test_touched_hours_merge_into_ranges() -> None:
    hours = [T, T - H, T - 5 * H, T + H, T - H]
    assert merge_hours(hours) == [TimeRange(T - 5 * H, T - 4 * H), TimeRange(T - H, T + 2 * H)]
    assert merge_hours([]) == []


def test_freshness_caption() -> None:
    assert freshness_text(None, T).startswith("Counted from the raw events")
    fresh = freshness_text(state(T), T + timedelta(minutes=50))
    assert fresh == "Roll-ups up to 15:00 (Nov 21); from then until now the figures are counted live from the events."
    assert "behind" in freshness_text(state(T), T + timedelta(minutes=61))
