"""The insights' pure rules: money priorities, the rolling-hour rate limit, de-duplication with caps and quiet
periods, retiring findings that stopped being true, and the status transitions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from core.insights.rules import (
    ExistingInsight,
    Finding,
    check_transition,
    next_allowed_at,
    plan_insights,
    priority_from_money,
    rank_findings,
    runs_in_window,
)
from core.models import InsightPriority, InsightStatus, InsightType

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
HIGH, MEDIUM, LOW = InsightPriority.HIGH, InsightPriority.MEDIUM, InsightPriority.LOW


def finding(key: str, kind: InsightType = InsightType.PRICING, priority=MEDIUM, weight: float = 0.0) -> Finding:
    return Finding(key, kind, priority, f"title {key}", "description", (), weight)


def stored(
    insight_id: str, key: str, status: InsightStatus, *, days_ago: float = 1, generated_days_ago: float | None = None
) -> ExistingInsight:
    changed = NOW - timedelta(days=days_ago)
    generated = NOW - timedelta(days=generated_days_ago if generated_days_ago is not None else days_ago)
    return ExistingInsight(insight_id, key, status, changed, generated)


@pytest.mark.parametrize(
    ("money", "expected"),
    [("50.00", HIGH), ("49.99", MEDIUM), ("10.00", MEDIUM), ("9.99", LOW), ("0.00", LOW), ("1200", HIGH)],
)
def test_priority_from_money_at_stake_per_month(money: str, expected: InsightPriority) -> None:
    assert priority_from_money(Decimal(money)) is expected


# ---------------------------------------------------------------- rate limit


def test_three_runs_in_the_hour_refuse_a_fourth_until_the_oldest_is_an_hour_old() -> None:
    runs = [NOW.replace(hour=14, minute=m) for m in (0, 20, 40)]
    # now 14:50: the three runs count; the 14:00 one leaves the window at 15:00.
    assert next_allowed_at(runs, NOW.replace(hour=14, minute=50)) == NOW.replace(hour=15, minute=0)
    # 15:00: the window is (14:00, 15:00], so the 14:00 run no longer counts -> allowed.
    assert next_allowed_at(runs, NOW.replace(hour=15, minute=0)) is None
    assert runs_in_window(runs, NOW.replace(hour=15, minute=0)) == runs[1:]


def test_two_runs_leave_a_third_allowed_and_old_or_future_runs_do_not_count() -> None:
    runs = [NOW - timedelta(minutes=10), NOW - timedelta(minutes=5), NOW - timedelta(hours=2), NOW + timedelta(hours=1)]
    assert next_allowed_at(runs, NOW) is None


def test_four_runs_in_the_window_wait_for_the_second_oldest() -> None:
    # Racing clicks can leave 4 runs: only 2 may remain, so t1 (of t0 < t1 < t2 < t3) must leave: t1 + 1 h.
    runs = [NOW - timedelta(minutes=m) for m in (50, 40, 30, 20)]
    assert next_allowed_at(runs, NOW) == NOW - timedelta(minutes=40) + timedelta(hours=1)


# ---------------------------------------------------------------- de-duplication


def test_a_new_finding_is_created_and_an_open_one_is_updated() -> None:
    plan = plan_insights(
        [finding("pricing:a"), finding("pricing:b")], [stored("i-b", "pricing:b", InsightStatus.VIEWED)], now=NOW
    )
    assert [f.key for f in plan.create] == ["pricing:a"]
    assert [(i, f.key) for i, f in plan.update] == [("i-b", "pricing:b")]
    assert plan.retire == [] and plan.suppressed == []


@pytest.mark.parametrize(
    ("status", "days_ago", "raised"),
    [
        (InsightStatus.DISMISSED, 29.9, False),  # dismissed less than 30 days ago: quiet
        (InsightStatus.DISMISSED, 30, True),
        (InsightStatus.ACTED_ON, 6.9, False),  # acted on less than 7 days ago: give it time to show
        (InsightStatus.ACTED_ON, 7, True),
    ],
)
def test_a_closed_finding_stays_quiet_for_its_period(status: InsightStatus, days_ago: float, raised: bool) -> None:
    plan = plan_insights([finding("listing:x")], [stored("old", "listing:x", status, days_ago=days_ago)], now=NOW)
    assert [f.key for f in plan.create] == (["listing:x"] if raised else [])
    assert plan.suppressed == ([] if raised else ["listing:x"])
    assert plan.update == []


def test_only_the_latest_closed_insight_decides() -> None:
    history = [
        stored("a", "pricing:p", InsightStatus.DISMISSED, days_ago=40),
        stored("b", "pricing:p", InsightStatus.DISMISSED, days_ago=2),
    ]
    assert plan_insights([finding("pricing:p")], history, now=NOW).suppressed == ["pricing:p"]


def test_findings_no_longer_detected_retire_their_open_insights_but_never_goal_insights() -> None:
    existing = [
        stored("gone", "pricing:fixed", InsightStatus.PENDING),
        stored("seen", "listing:better", InsightStatus.VIEWED),
        stored("done", "pricing:old", InsightStatus.ACTED_ON),  # closed: history, kept
        stored("goal", "goal:g1", InsightStatus.PENDING),  # written by the goals job
    ]
    plan = plan_insights([finding("pricing:other")], existing, now=NOW)
    assert plan.retire == ["gone", "seen"]


def test_caps_keep_the_best_findings_and_suppressed_ones_take_no_place() -> None:
    # Seven listing findings (cap 5): the dismissed best one is skipped, the next five are created.
    listings = [finding(f"listing:{i}", InsightType.LISTING_QUALITY, HIGH, weight=100 - i) for i in range(7)]
    plan = plan_insights(listings, [stored("d", "listing:0", InsightStatus.DISMISSED)], now=NOW)
    assert [f.key for f in plan.create] == [f"listing:{i}" for i in range(1, 6)]
    assert plan.suppressed == ["listing:0"]


def test_a_finding_below_the_cap_leaves_its_open_insight_alone() -> None:
    weights = {"a": 9, "b": 8, "c": 7, "d": 6}  # cap 3 -> a, b, c; "d" is still true: its insight is untouched
    opportunities = [finding(f"opportunity:{t}", InsightType.OPPORTUNITY, MEDIUM, weight=w) for t, w in weights.items()]
    plan = plan_insights(opportunities, [stored("od", "opportunity:d", InsightStatus.PENDING)], now=NOW)
    assert [f.key for f in plan.create] == ["opportunity:a", "opportunity:b", "opportunity:c"]
    assert plan.update == [] and plan.retire == []


def test_two_open_insights_for_one_finding_keep_the_newest() -> None:
    existing = [
        stored("older", "performance:forecast", InsightStatus.PENDING, generated_days_ago=3),
        stored("newer", "performance:forecast", InsightStatus.VIEWED, generated_days_ago=1),
    ]
    plan = plan_insights([finding("performance:forecast", InsightType.PERFORMANCE)], existing, now=NOW)
    assert [i for i, _ in plan.update] == ["newer"]
    assert plan.retire == ["older"]


def test_rank_is_priority_then_weight_then_key() -> None:
    ranked = rank_findings([finding("b", priority=LOW, weight=99), finding("c", weight=1), finding("a", weight=1)])
    assert [f.key for f in ranked] == ["a", "c", "b"]


# ---------------------------------------------------------------- status


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        (InsightStatus.PENDING, InsightStatus.VIEWED),
        (InsightStatus.PENDING, InsightStatus.ACTED_ON),
        (InsightStatus.PENDING, InsightStatus.DISMISSED),
        (InsightStatus.VIEWED, InsightStatus.ACTED_ON),
        (InsightStatus.VIEWED, InsightStatus.DISMISSED),
        (InsightStatus.DISMISSED, InsightStatus.PENDING),  # Undo
        (InsightStatus.ACTED_ON, InsightStatus.PENDING),  # Reopen
    ],
)
def test_allowed_transitions(current: InsightStatus, wanted: InsightStatus) -> None:
    check_transition(current, wanted)


@pytest.mark.parametrize(
    ("current", "wanted", "message"),
    [
        (InsightStatus.VIEWED, InsightStatus.PENDING, "An insight that is viewed cannot be marked new."),
        (InsightStatus.VIEWED, InsightStatus.VIEWED, "This insight is already viewed."),
        (InsightStatus.DISMISSED, InsightStatus.ACTED_ON, "This insight is already dismissed; it can only be brought"),
        (InsightStatus.ACTED_ON, InsightStatus.DISMISSED, "This insight is already done; it can only be brought back"),
        (InsightStatus.DISMISSED, InsightStatus.VIEWED, "This insight is already dismissed; it can only be brought"),
    ],
)
def test_refused_transitions_say_why(current: InsightStatus, wanted: InsightStatus, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_transition(current, wanted)
