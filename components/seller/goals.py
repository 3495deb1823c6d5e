"""The Goals page's widgets: the "Set a new goal" form with errors under each field, goal cards (progress ring,
pace, cancel with confirmation) and the archive of closed goals. The edit dialog and the form pieces both forms
share are in `components.seller.goals_edit`; the ring in `components.charts.goals`; reads and writes in
`components.data.goals`.

Writes happen in button callbacks (before the script reruns), so the errors they leave in session state are drawn
under the fields of the same run, and a goal that failed validation never reaches the database.

The form's widgets take their values from session state only (never `value=` as well, which makes Streamlit log a
session-state warning when a callback resets them), and the date field's bounds are wide on purpose: Streamlit's
`date_input` silently swaps a typed date outside min/max for its default, so a past date must reach core's rules
(`core.goals.rules`) to be refused next to the field instead of being replaced.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import streamlit as st

from components.charts.goals import STATE_COLORS, goal_state, progress_ring
from components.data import goals as goal_data
from components.seller.goals_edit import (
    DATE_FIELD_MAX,
    DATE_FIELD_MIN,
    DUPLICATE_KEY,
    EDIT_ERRORS_KEY,
    EDIT_ID_KEY,
    FLASH,
    TYPE_HELP,
    TYPE_LABELS,
    field_error,
    target_input,
    write_goal,
)
from components.ui.empty import empty_state
from components.ui.flash import flash, show_flash
from components.ui.format import format_count
from components.ui.text import md, md_keep_bold
from core.goals import GoalSuggestion, GoalView, format_day, format_goal_value, latest_deadline, suggest_first_goal
from core.goals import store as goals
from core.models import GoalStatus, GoalType
from core.money import format_share
from core.sales import SellerHomeSummary

CARDS_PER_ROW = 2  # three were too narrow for a five-figure revenue next to the ring at laptop width
DEFAULT_DEADLINE_DAYS = 30

TYPE_KEY = "goal_new_type"
DEADLINE_KEY = "goal_new_deadline"
TITLE_KEY = "goal_new_title"
NEW_ERRORS_KEY = "goal_new_errors"
CANCEL_ID_KEY = "goal_cancel_id"

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


def show_goal_flash() -> None:
    """The result of the last action (saved, canceled, or why not), once."""
    show_flash(FLASH)


def days_text(goal: GoalView, today: date) -> str:
    due = format_day(goal.deadline_day, today=today)
    if goal.awaiting_check:
        return f"Deadline was {due}: the result is recorded at the next daily check"
    if goal.days_remaining == 0:
        return f"Due today ({due})"
    return f"{goal.days_remaining} day{'s' if goal.days_remaining != 1 else ''} left · due {due}"


# ---------------------------------------------------------------- writes (in button callbacks)


def _create(seller_id: str, today: date) -> None:
    goal_type = GoalType(st.session_state[TYPE_KEY])
    view = write_goal(
        lambda: goal_data.create_goal(
            seller_id,
            type=goal_type,
            target_value=st.session_state.get(_target_key(goal_type)),
            deadline=st.session_state.get(DEADLINE_KEY),
            title=st.session_state.get(TITLE_KEY) or None,
        ),
        NEW_ERRORS_KEY,
    )
    if view is not None:
        flash(FLASH, f"Goal set: {md(view.title)}. It's counting from today.")
        # Set, not popped: the browser sends the form's values with the rerun and would bring them back.
        st.session_state[_target_key(goal_type)] = None
        st.session_state[TITLE_KEY] = ""
        st.session_state[DEADLINE_KEY] = today + timedelta(days=DEFAULT_DEADLINE_DAYS)


def _cancel(seller_id: str, goal_id: str) -> None:
    st.session_state.pop(CANCEL_ID_KEY, None)
    view = write_goal(lambda: goal_data.update_goal(seller_id, goal_id, cancel=True))
    if view is not None:
        flash(FLASH, f"Canceled: {md(view.title)}. It's in the archive with the {md(view.current_text)} it reached.")


# ---------------------------------------------------------------- small pieces


def _target_key(goal_type: GoalType) -> str:
    return f"goal_new_target_{goal_type.value.lower()}"


# ---------------------------------------------------------------- the "Set a new goal" form


def summary_line(views: Sequence[GoalView]) -> None:
    active = [g for g in views if g.is_active]
    if not active:
        return
    states = [goal_state(g) for g in active]
    parts = [f"{len(active)} active goal{'s' if len(active) != 1 else ''} (of {goals.MAX_ACTIVE_GOALS} at most)"]
    parts += [f"{states.count(s)} {STATE_BADGES[s][0].lower()}" for s in STATE_BADGES if states.count(s)]
    st.caption(" · ".join(parts))


def first_goal(summary: SellerHomeSummary, today: date) -> GoalSuggestion:
    """The first goal to propose, from the last 30 days (`core.goals.suggest_first_goal`)."""
    return suggest_first_goal(summary.revenue, summary.live_products, today=today)


def first_goal_suggestion(suggestion: GoalSuggestion) -> str:
    """The suggestion in one sentence (the same goal is filled in the form below)."""
    when = format_day(suggestion.deadline)
    if suggestion.type is GoalType.REVENUE:
        return (
            f"You earned {format_goal_value(GoalType.REVENUE, suggestion.revenue_30, cents=True)} in the last 30 days: "
            f"try **Revenue, {format_goal_value(GoalType.REVENUE, suggestion.target)} by {when}**, about 10% more."
        )
    if suggestion.type is GoalType.SALES:
        return f"No sale in the last 30 days yet: try **Sales, 1 sale by {when}**, and let this page count it."
    return f"Start with **Products, 1 new product by {when}**: publish it and this page counts it."


def no_goals(suggestion: GoalSuggestion) -> None:
    empty_state(
        "No goals yet. A goal turns \u201csell more\u201d into a number and a date, and this page tells you each "
        f"day whether you're on pace. {md_keep_bold(first_goal_suggestion(suggestion))} It's filled in below: "
        "change anything, then press **Set goal**.",
        icon=":material/flag:",
    )


def _form_defaults(today: date, suggestion: GoalSuggestion | None) -> None:
    """Put the form's starting values in session state (the widgets read them from there, see the module docstring):
    the suggested first goal for a seller without goals, else Revenue due in 30 days. Only where a field has no value
    yet: what the seller typed (or cleared) stays."""
    if suggestion is not None:
        st.session_state.setdefault(TYPE_KEY, suggestion.type)
        if st.session_state[TYPE_KEY] == suggestion.type:
            st.session_state.setdefault(_target_key(suggestion.type), float(suggestion.target))
        st.session_state.setdefault(DEADLINE_KEY, suggestion.deadline)
    st.session_state.setdefault(TYPE_KEY, GoalType.REVENUE)
    st.session_state.setdefault(DEADLINE_KEY, today + timedelta(days=DEFAULT_DEADLINE_DAYS))


def _duplicate_pointer(views: Sequence[GoalView]) -> None:
    """After a refused duplicate: a button that opens the goal it duplicates (its edit dialog)."""
    twin_id = st.session_state.get(DUPLICATE_KEY)
    twin = next((g for g in views if g.id == twin_id and g.is_active), None)
    if twin is None:
        return
    st.button(
        f"Open \u201c{md(twin.title)}\u201d",
        icon=":material/arrow_forward:",
        key="goal_open_duplicate",
        on_click=_open_edit,
        args=(twin.id,),
        help="The goal with the same type, target and deadline: change it instead.",
    )


def new_goal_form(
    seller_id: str, today: date, views: Sequence[GoalView], suggestion: GoalSuggestion | None = None
) -> None:
    """Type picker (outside the form, so the target field can adapt to it) and the form; errors under each field.
    `suggestion` (a seller without goals) is filled in once."""
    # Like core's limit: a goal past its deadline waits for the daily check and does not count.
    active_count = sum(g.is_active and not g.awaiting_check for g in views)
    with st.container(border=True):
        st.subheader("Set a new goal", anchor=False)
        if active_count >= goals.MAX_ACTIVE_GOALS:
            st.info(
                f"You have {goals.MAX_ACTIVE_GOALS} active goals, the most at once: finish or cancel one to set "
                "another.",
                icon=":material/block:",
            )
            return
        errors: dict[str, str] = st.session_state.get(NEW_ERRORS_KEY, {})
        _form_defaults(today, suggestion)
        goal_type = st.segmented_control(
            "Goal type",
            options=list(TYPE_LABELS),
            format_func=TYPE_LABELS.__getitem__,
            required=True,
            key=TYPE_KEY,
        )
        goal_type = GoalType(goal_type)
        st.caption(TYPE_HELP[goal_type])
        field_error(errors, "type")
        with st.form("goal_new_form", border=False, enter_to_submit=False):
            target, deadline, title = st.columns([1, 1, 1.6])
            with target:
                target_input(goal_type, key=_target_key(goal_type))
                field_error(errors, "target_value")
            with deadline:
                st.date_input(
                    "Deadline",
                    # Wide on purpose (module docstring): a typed past or far date reaches core and is answered.
                    min_value=DATE_FIELD_MIN,
                    max_value=DATE_FIELD_MAX,
                    format="YYYY-MM-DD",
                    key=DEADLINE_KEY,
                    help="A day after today, at most two years ahead "
                    f"({latest_deadline(today):%Y-%m-%d}). Progress counts until the end of that day.",
                )
                field_error(errors, "deadline")
            with title:
                st.text_input(
                    "Title (optional)",
                    max_chars=120,
                    placeholder="e.g. Holiday push",
                    key=TITLE_KEY,
                    help="Leave it empty and we name the goal for you, like \u201cRevenue goal: $2,000 by Jan 5\u201d.",
                )
                field_error(errors, "title")
            field_error(errors, "goal")
            st.form_submit_button(
                "Set goal", type="primary", icon=":material/flag:", on_click=_create, args=(seller_id, today)
            )
        if "goal" in errors:
            _duplicate_pointer(views)


# ---------------------------------------------------------------- goal cards


def goal_cards(seller_id: str, views: Sequence[GoalView], today: date) -> None:
    active = [g for g in views if g.is_active]
    st.subheader("Your active goals", anchor=False)
    if not active:
        st.caption("No active goals right now: set one above.")
        return
    for start in range(0, len(active), CARDS_PER_ROW):
        columns = st.columns(CARDS_PER_ROW)
        for column, goal in zip(columns, active[start : start + CARDS_PER_ROW], strict=False):
            with column:
                _card(seller_id, goal, today)


def _card(seller_id: str, goal: GoalView, today: date) -> None:
    state = goal_state(goal)
    label, color, icon = STATE_BADGES[state]
    with st.container(border=True, key=f"goal_card_{goal.id}"):
        st.markdown(f"**{md(goal.title)}**")
        st.badge(label, color=color, icon=icon)
        ring, numbers = st.columns([1, 1.6], vertical_alignment="center")
        with ring:
            st.altair_chart(progress_ring(goal), width="content")
        with numbers:
            st.metric(SO_FAR_LABELS[goal.type], goal.current_text)
            st.caption(f"of {md(goal.target_text)} target")
            st.caption(md(days_text(goal, today)))
        if goal.pace is not None:
            tone = "green" if state in ("on_pace", "achieved") else "orange"
            st.markdown(f":{tone}[{md(goal.pace.sentence)}]")
        if st.session_state.get(CANCEL_ID_KEY) == goal.id:
            _cancel_confirmation(seller_id, goal)
            return
        for column, (action, action_icon, key, on_click) in zip(st.columns(2), CARD_ACTIONS, strict=True):
            column.button(
                action, icon=action_icon, key=f"{key}_{goal.id}", on_click=on_click, args=(goal.id,), width="stretch"
            )


def _ask_cancel(goal_id: str) -> None:
    st.session_state[CANCEL_ID_KEY] = goal_id
    st.session_state.pop(EDIT_ID_KEY, None)


def _cancel_confirmation(seller_id: str, goal: GoalView) -> None:
    st.warning(
        f"Cancel this goal? It moves to the archive with the {md(goal.current_text)} reached so far. "
        "This can't be undone.",
        icon=":material/warning:",
    )
    yes, no = st.columns(2)
    yes.button(
        "Yes, cancel it",
        type="primary",
        key=f"goal_cancel_yes_{goal.id}",
        on_click=_cancel,
        args=(seller_id, goal.id),
        width="stretch",
    )
    no.button(
        "Keep it",
        key=f"goal_cancel_no_{goal.id}",
        on_click=lambda: st.session_state.pop(CANCEL_ID_KEY, None),
        width="stretch",
    )


def _open_edit(goal_id: str) -> None:
    st.session_state[EDIT_ID_KEY] = goal_id
    st.session_state.pop(CANCEL_ID_KEY, None)
    st.session_state.pop(EDIT_ERRORS_KEY, None)


# An active goal card's buttons: (label, icon, key prefix, what a click does with the goal's id).
CARD_ACTIONS = (
    ("Edit", ":material/edit:", "goal_edit", _open_edit),
    ("Cancel goal", ":material/close:", "goal_cancel", _ask_cancel),
)


# ---------------------------------------------------------------- archive


def archive(views: Sequence[GoalView]) -> None:
    closed = [g for g in views if g.status in goals.ARCHIVE_STATUSES]
    with st.expander(
        f"Archive · {len(closed)} closed goal{'s' if len(closed) != 1 else ''}", icon=":material/inventory_2:"
    ):
        if not closed:
            st.caption("Achieved, missed and canceled goals will be kept here with their final value.")
            return
        rows = [
            {
                "Status": [ARCHIVE_LABELS[g.status]],
                "Goal": g.title,
                "Final value": g.current_text,
                "Target": g.target_text,
                "Progress": g.progress,
                "Deadline": g.deadline_day,
            }
            for g in closed
        ]
        st.dataframe(
            rows,
            hide_index=True,
            width="stretch",
            column_config={
                "Status": st.column_config.MultiselectColumn(
                    options=list(ARCHIVE_LABELS.values()), color=ARCHIVE_COLORS, width="small"
                ),
                "Goal": st.column_config.TextColumn(width="large"),
                "Progress": st.column_config.ProgressColumn(
                    min_value=0.0, max_value=1.0, format="percent", color=STATE_COLORS["achieved"]
                ),
                "Deadline": st.column_config.DateColumn(format="MMM D, YYYY"),
            },
        )
        achieved = sum(g.status is GoalStatus.ACHIEVED for g in closed)
        st.caption(
            f"{format_count(achieved)} of {len(closed)} achieved ({format_share(achieved / len(closed), places=0)}). "
            "A goal closes at the daily check after its deadline; canceled goals keep the value they had."
        )
