"""A goal's progress ring (components/charts/goals.py): the share done, in the colour of how the goal is doing."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from components.charts.goals import (
    ACHIEVED_COLOR,
    BEHIND_COLOR,
    CLOSED_COLOR,
    ON_PACE_COLOR,
    TRACK_COLOR,
    goal_state,
    progress_ring,
)
from core.goals.rules import Pace
from core.goals.store import GoalView
from core.models import GoalStatus, GoalType
from tests.unit.components.charts.vega import layers, marks, rows, spec


def goal(progress: float, *, status: GoalStatus = GoalStatus.ACTIVE, on_pace: bool | None = None) -> GoalView:
    pace = None if on_pace is None else Pace(expected_progress=0.5, on_pace=on_pace, sentence="")
    return GoalView(
        id="g1",
        type=GoalType.REVENUE,
        title="Revenue goal",
        custom_title=False,
        target=Decimal("100"),
        current=Decimal(str(100 * progress)),
        unit="$",
        progress=progress,
        deadline=datetime(2026, 12, 31, 23, 59, tzinfo=UTC),
        deadline_day=date(2026, 12, 31),
        days_remaining=10,
        status=status,
        created_at=datetime(2026, 12, 1, tzinfo=UTC),
        pace=pace,
        awaiting_check=False,
    )


@pytest.mark.parametrize(
    ("view", "state", "color"),
    [
        (goal(0.6, on_pace=True), "on_pace", ON_PACE_COLOR),
        (goal(0.2, on_pace=False), "behind", BEHIND_COLOR),
        (goal(1.2, on_pace=True), "achieved", ACHIEVED_COLOR),  # target reached before the deadline
        (goal(0.4, status=GoalStatus.MISSED), "closed", CLOSED_COLOR),
    ],
)
def test_the_arc_is_coloured_by_how_the_goal_is_doing(view: GoalView, state: str, color: str) -> None:
    assert goal_state(view) == state
    _, arc, _ = layers(spec(progress_ring(view)))
    assert arc["mark"]["color"] == color


def test_the_arc_covers_the_share_done_over_a_full_grey_track() -> None:
    top = spec(progress_ring(goal(0.25, on_pace=True)))
    assert marks(top) == ["arc", "arc", "text"]
    track, arc, label = layers(top)
    assert track["mark"]["color"] == TRACK_COLOR
    # Both arcs read the same two rows; each keeps its own with a filter.
    assert rows(track, top) == [
        {"part": "track", "start": 0.0, "end": pytest.approx(2 * math.pi)},
        {"part": "progress", "start": 0.0, "end": pytest.approx(2 * math.pi * 0.25)},
    ]
    assert track["transform"] == [{"filter": "(datum.part === 'track')"}]
    assert arc["transform"] == [{"filter": "(datum.part === 'progress')"}]
    # Radians with no scale: the chart draws exactly the angle it is given.
    assert arc["encoding"]["theta"] == {"field": "start", "scale": None, "type": "quantitative"}
    assert arc["encoding"]["theta2"] == {"field": "end"}
    assert rows(label, top) == [{"label": "25%"}]


def test_beating_the_target_fills_the_ring_once_and_says_by_how_much() -> None:
    top = spec(progress_ring(goal(1.2, on_pace=True), size=100))
    track, _, label = layers(top)
    assert rows(track, top)[1]["end"] == pytest.approx(2 * math.pi)  # capped at a full circle
    assert rows(label, top) == [{"label": "120%"}]
    assert (top["width"], top["height"]) == (100, 100)
