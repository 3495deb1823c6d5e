"""The funnel computed in the database (`funnel_in_database`) equals the pure reference `compute_funnel` on both
databases: on random event sets (200 seeds: orders, windows at the boundary, exclusions, ties in time, repeated
steps) and on hand-built ones with the counts worked out by hand."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from core.analytics.funnel_queries import funnel_in_python
from core.analytics.funnel_sql import funnel_in_database
from core.analytics.funnels import Exclusion, FunnelResult, compute_funnel
from core.models import AnalyticsEvent
from tests.conftest import NOW

T0 = NOW - timedelta(days=3)
MINUTE = timedelta(minutes=1)
US = timedelta(microseconds=1)
STEP_LISTS = [
    ["visit", "signup", "purchase"],
    ["visit", "signup", "purchase", "return"],
    ["visit", "visit", "visit", "visit"],  # the same event as four steps
    ["visit", "signup", "visit"],
    ["visit", "visit", "signup"],
    ["signup", "visit", "signup", "purchase"],
    ["visit"],
]


def _insert(session: Session, rows: list[tuple[str, str, datetime]]) -> None:
    if rows:
        session.execute(
            insert(AnalyticsEvent),
            [{"person_id": p, "event_type": name, "occurred_at": at, "properties": {}} for p, name, at in rows],
        )


def _counts(result: FunnelResult) -> list[int]:
    return [step.count for step in result.steps]


def _random_case(rnd: random.Random) -> dict[str, object]:
    steps = rnd.choice(STEP_LISTS)
    names = [*dict.fromkeys(steps), "purchase", "ticket", "browse"]
    rows = []

    def stamp(minute: int) -> datetime:
        # minutes on a coarse grid (ties in time are common), sometimes a microsecond either side of it
        return T0 + minute * MINUTE + rnd.choice([timedelta(0)] * 4 + [US, -US])

    for person in range(rnd.randint(0, 8)):
        # a few attempts at the funnel (steps kept with 80 %, a few minutes apart, now and then a ticket), then
        # some noise
        for _attempt in range(rnd.randint(1, 3)):
            minute = rnd.randint(0, 16)
            for name in steps[rnd.choice([0, 0, rnd.randrange(len(steps))]) :]:
                if rnd.random() < 0.8:
                    rows.append((f"p{person}", name, stamp(minute)))
                minute += rnd.randint(0, 4)
                if rnd.random() < 0.15:
                    rows.append((f"p{person}", "ticket", stamp(minute)))
        rows += [(f"p{person}", rnd.choice(names), stamp(rnd.randint(0, 24))) for _ in range(rnd.randint(0, 4))]
    start = T0 + rnd.randint(0, 8) * MINUTE
    length = rnd.randint(0, 8) * MINUTE
    if length and rnd.random() < 0.3:
        length -= US  # a range ending just before a grid minute
    exclusion = None
    if len(steps) > 1 and rnd.random() < 0.5:
        from_step = rnd.randint(1, len(steps) - 1)
        exclusion = Exclusion("ticket", from_step, rnd.randint(from_step + 1, len(steps)))
    return {
        "rows": rows,
        "steps": steps,
        "start": start,
        "end": start + length,
        "window": rnd.choice([0, 4, 8, 15, 30]) * MINUTE,
        "order": rnd.choice(["ordered", "strict"]),
        "exclusion": exclusion,
    }


def test_random_event_sets_equal_the_pure_reference(session: Session, backend: str) -> None:
    seen_depths: set[int] = set()
    excluded_somebody = 0
    for seed in range(200):
        case = _random_case(random.Random(seed))
        rows, steps, exclusion = case["rows"], case["steps"], case["exclusion"]
        assert isinstance(rows, list) and isinstance(steps, list)
        _insert(session, rows)
        options = {k: case[k] for k in ("start", "end", "window", "order", "exclusion")}
        got = funnel_in_database(session, steps=steps, **options)  # type: ignore[arg-type]
        # The reference sees what the database path reads: the step events and the exclusion event.
        wanted_names = {*steps, *([exclusion.event] if isinstance(exclusion, Exclusion) else [])}
        expected = compute_funnel(
            [r for r in rows if r[1] in wanted_names],
            steps=steps,
            window=case["window"],  # type: ignore[arg-type]
            order=case["order"],  # type: ignore[arg-type]
            exclusion=exclusion,  # type: ignore[arg-type]
            anchors_between=(case["start"], case["end"]),  # type: ignore[arg-type]
        )
        assert got == expected, f"seed {seed} on {backend}: {case}"
        # the loading path agrees too
        assert funnel_in_python(session, steps=steps, **options) == expected  # type: ignore[arg-type]
        seen_depths.update(k for k, count in enumerate(_counts(got), start=1) if count)
        excluded_somebody += got.excluded_persons > 0
        session.execute(delete(AnalyticsEvent))
    # the random cases reach every depth and exclude somebody now and then (they test something)
    assert seen_depths == {1, 2, 3, 4}
    assert excluded_somebody >= 10, excluded_somebody


def _rows(person: str, *events: tuple[str, timedelta]) -> list[tuple[str, str, datetime]]:
    return [(person, name, T0 + offset) for name, offset in events]


H = timedelta(hours=1)
DAY = timedelta(days=1)


def test_repeated_step_funnel_by_hand(session: Session) -> None:
    views = ["view", "view", "view", "view"]
    rows = _rows("a", *(("view", h * H) for h in (0, 1, 2, 3)))  # four views in a day -> 4
    rows += _rows("b", *(("view", h * H) for h in (0, 1, 2)))  # three -> 3
    # c: from the 0 h view only three fit in 24 h; from the 2 h view 2/20/25/26 h all do -> 4
    rows += _rows("c", *(("view", h * H) for h in (0, 2, 20, 25, 26)))
    rows += _rows("d", ("view", 5 * H), ("signup", 6 * H))  # one view -> 1
    rows += _rows("e", ("view", -H), ("view", 0 * H))  # the first view is before the start: one anchor -> 1
    _insert(session, rows)

    result = funnel_in_database(session, steps=views, start=T0, end=T0 + 3 * DAY, window=DAY)

    assert _counts(result) == [5, 3, 3, 2]
    # step 2: a 1 h, b 1 h, c 18 h -> mean 24000 s, median 3600 s; step 4: a 1 h, c 1 h
    assert result.steps[1].mean_seconds_from_previous == 24000.0
    assert result.steps[1].median_seconds_from_previous == 3600.0
    assert result.steps[3].mean_seconds_from_previous == 3600.0
    # strict order: only funnel events are read, so d's signup is not between anything; the same numbers
    strict = funnel_in_database(session, steps=views, start=T0, end=T0 + 3 * DAY, window=DAY, order="strict")
    assert _counts(strict) == [5, 3, 3, 2]


def test_exclusion_and_persons_who_never_entered(session: Session) -> None:
    steps = ["visit", "signup", "purchase"]
    rows = _rows("a", ("visit", 0 * H), ("ticket", H), ("signup", 2 * H))  # ticket between 1 and 2: out
    rows += _rows("b", ("visit", 0 * H), ("signup", H), ("ticket", 2 * H), ("purchase", 3 * H))  # kept: 3
    rows += _rows("c", ("signup", H), ("purchase", 2 * H))  # never visited: not in the funnel
    rows += _rows("d", ("visit", 0 * H), ("ticket", 0 * H))  # ticket at the visit's instant, no signup: out
    rows += _rows("e", ("visit", 0 * H))  # visit only: 1
    _insert(session, rows)

    result = funnel_in_database(
        session, steps=steps, start=T0, end=T0 + DAY, window=DAY, exclusion=Exclusion("ticket", 1, 2)
    )
    # kept: b (3), e (1) -> 2, 1, 1; a and d are excluded
    assert _counts(result) == [2, 1, 1]
    assert result.excluded_persons == 2
    later = funnel_in_database(session, steps=steps, start=T0, end=T0 + DAY, window=DAY, exclusion=("ticket", 2, 3))
    # only b's ticket lies between signup and purchase: a 2, d 1, e 1 kept -> 3, 1, 0
    assert _counts(later) == [3, 1, 0]
    assert later.excluded_persons == 1


def test_any_order_is_left_to_the_pure_path(session: Session) -> None:
    with pytest.raises(ValueError, match="not computed in the database"):
        funnel_in_database(session, steps=["visit", "signup"], start=T0, end=NOW, window=DAY, order="any")
