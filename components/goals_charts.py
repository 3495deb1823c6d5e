"""How a goal looks on the Goals page: its progress ring (Altair: a grey track and an arc coloured by how the goal is
doing), its state's badge, and the labels and texts of a card, with seller text escaped for Markdown."""

from __future__ import annotations

import math
from datetime import date

import altair as alt

from core.goals.rules import format_day, percent
from core.goals.store import GoalView
from core.models import GoalStatus, GoalType

RING_SIZE = 132
RING_THICKNESS = 14
TRACK_COLOR = "#E6E9EF"
ON_PACE_COLOR = "#1E8E3E"  # green
BEHIND_COLOR = "#E37400"  # amber, dark enough to read on white
ACHIEVED_COLOR = "#1F4FD8"  # the app's blue: target reached / achieved
CLOSED_COLOR = "#9AA0A6"  # missed or canceled

TYPE_LABELS = {
    GoalType.REVENUE: "Revenue",
    GoalType.SALES: "Sales",
    GoalType.PRODUCTS: "Products",
    GoalType.RATING: "Rating",
}
TYPE_HELP = {
    GoalType.REVENUE: "**Revenue**: dollars earned from sales made after you set the goal (the whole day you set it "
    "counts) until the deadline.",
    GoalType.SALES: "**Sales**: units sold after you set the goal (the whole day you set it counts) until the "
    "deadline.",
    GoalType.PRODUCTS: "**Products**: new products you publish after you set the goal. Drafts don't count until "
    "they are published.",
    GoalType.RATING: "**Rating**: the average star rating of your published products, out of 5. A level to reach, "
    "not a total: it counts as soon as your average gets there.",
}

SO_FAR_LABELS = {
    GoalType.REVENUE: "Revenue so far",
    GoalType.SALES: "Sales so far",
    GoalType.PRODUCTS: "Published so far",
    GoalType.RATING: "Average rating now",
}
STATE_BADGES = {  # (label, badge colour, icon) of an active goal's state
    "achieved": ("Target reached", "blue", ":material/emoji_events:"),
    "on_pace": ("On pace", "green", ":material/trending_up:"),
    "behind": ("Behind pace", "orange", ":material/schedule:"),
}
ARCHIVE_LABELS = {GoalStatus.ACHIEVED: "Achieved", GoalStatus.MISSED: "Missed", GoalStatus.CANCELED: "Canceled"}
ARCHIVE_COLORS = ["#CEEAD6", "#FAD2CF", "#E8EAED"]  # pale green, red, grey: in ARCHIVE_LABELS' order
_MARKDOWN_SPECIALS = set("\\`*_{}[]()#+-!|~<>$:")


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


def md(text: str) -> str:
    """Seller text made safe for Markdown: "$5 to $9" would otherwise render as maths, ":red[x]" as colour."""
    return "".join(f"\\{ch}" if ch in _MARKDOWN_SPECIALS else ch for ch in text)


def md_keep_bold(text: str) -> str:
    """Like `md`, but our own `**bold**` markers survive."""
    return "**".join(md(part) for part in text.split("**"))


def days_text(goal: GoalView, today: date) -> str:
    due = format_day(goal.deadline_day, today=today)
    if goal.awaiting_check:
        return f"Deadline was {due}: the result is recorded at the next daily check"
    if goal.days_remaining == 0:
        return f"Due today ({due})"
    return f"{goal.days_remaining} day{'s' if goal.days_remaining != 1 else ''} left · due {due}"


def progress_ring(goal: GoalView, *, size: int = RING_SIZE) -> alt.LayerChart:
    """The goal's progress as a ring: theta runs clockwise from 12 o'clock over progress × 360° (capped at a full
    circle), over a grey track; the centre shows the uncapped percentage (120 % when the target is beaten).

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
        alt.Chart(alt.Data(values=[{"label": f"{percent(goal.progress)} %"}]))
        .mark_text(fontSize=size // 6, fontWeight="bold", color="#1F2430")
        .encode(text="label:N")
    )
    return (
        alt.layer(track.encode(**encoding), arc.encode(**encoding), label)
        .properties(width=size, height=size)
        .configure_view(strokeWidth=0)
    )
