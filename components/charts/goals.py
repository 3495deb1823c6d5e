"""A goal's progress ring (Altair: a grey track and an arc coloured by how the goal is doing) and the state that
colour, and the card's badge, are read from."""

from __future__ import annotations

import math

import altair as alt

from core.goals import GoalView
from core.models import GoalStatus
from core.money import format_share

RING_SIZE = 132
RING_THICKNESS = 14
TRACK_COLOR = "#E6E9EF"
ON_PACE_COLOR = "#1E8E3E"  # green
BEHIND_COLOR = "#E37400"  # amber, dark enough to read on white
ACHIEVED_COLOR = "#1F4FD8"  # the app's blue: target reached / achieved
CLOSED_COLOR = "#9AA0A6"  # missed or canceled


def goal_state(goal: GoalView) -> str:
    """ "achieved", "on_pace", "behind" or "closed": what the ring's colour and the card's badge say."""
    if goal.status is GoalStatus.ACHIEVED or (goal.is_active and goal.progress >= 1):
        return "achieved"
    if not goal.is_active:
        return "closed"
    return "on_pace" if goal.pace is not None and goal.pace.on_pace else "behind"


STATE_COLORS = {
    "achieved": ACHIEVED_COLOR,
    "on_pace": ON_PACE_COLOR,
    "behind": BEHIND_COLOR,
    "closed": CLOSED_COLOR,
}


def progress_ring(goal: GoalView, *, size: int = RING_SIZE) -> alt.LayerChart:
    """The goal's progress as a ring: theta runs clockwise from 12 o'clock over progress × 360° (capped at a full
    circle), over a grey track; the centre shows the uncapped percentage (120% when the target is beaten).

    Angles are given in radians with `scale=None`, so the chart draws exactly the share it is given.
    """
    outer = size / 2 - 2
    inner = outer - RING_THICKNESS
    color = STATE_COLORS[goal_state(goal)]
    rows = [
        {"part": "track", "start": 0.0, "end": 2 * math.pi},
        {"part": "progress", "start": 0.0, "end": 2 * math.pi * goal.progress_capped},
    ]
    base = alt.Chart(alt.Data(values=rows)).properties(width=size, height=size)
    track = base.transform_filter(alt.datum.part == "track").mark_arc(
        innerRadius=inner, outerRadius=outer, color=TRACK_COLOR
    )
    arc = base.transform_filter(alt.datum.part == "progress").mark_arc(
        innerRadius=inner, outerRadius=outer, cornerRadius=RING_THICKNESS / 2, color=color
    )
    encoding = {
        "theta": alt.Theta("start:Q", scale=None),
        "theta2": alt.Theta2("end:Q"),
    }
    label = (
        alt.Chart(alt.Data(values=[{"label": format_share(goal.progress, places=0)}]))
        .mark_text(fontSize=size // 6, fontWeight="bold", color="#1F2430")
        .encode(text="label:N")
    )
    return (
        alt.layer(track.encode(**encoding), arc.encode(**encoding), label)
        .properties(width=size, height=size)
        .configure_view(strokeWidth=0)
    )
