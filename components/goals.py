"""The Goals page's widgets: the cached goal list, the "Set a new goal" form with errors under each field, goal cards
(progress ring, pace, cancel with confirmation) and the archive of closed goals. The edit dialog is in
`components.goals_edit`; how a goal looks (ring, badges, texts) in `components.goals_charts`.

Writes happen in button callbacks (before the script reruns), so the errors they leave in session state are drawn
under the fields of the same run, and a goal that failed validation never reaches the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from components.goals_charts import (
    ARCHIVE_COLORS,
    ARCHIVE_LABELS,
    SO_FAR_LABELS,
    STATE_BADGES,
    STATE_COLORS,
    TYPE_HELP,
    TYPE_LABELS,
    days_text,
    goal_state,
    md,
    md_keep_bold,
    progress_ring,
)
from core.db import session_scope, utcnow
from core.goals import store as goals
from core.goals.rules import format_day, format_goal_value, latest_deadline, percent, round_up
from core.goals.store import GoalValidationError, GoalView
from core.models import GoalStatus, GoalType
from core.sales.summary import SellerHomeSummary

log = logging.getLogger(__name__)

GOALS_TTL_SECONDS = 60
CARDS_PER_ROW = 2  # three were too narrow for a five-figure revenue next to the ring at laptop width
DEFAULT_DEADLINE_DAYS = 30

TYPE_KEY = "goal_new_type"
DEADLINE_KEY = "goal_new_deadline"
TITLE_KEY = "goal_new_title"
NEW_ERRORS_KEY = "goal_new_errors"
EDIT_ID_KEY = "goal_edit_id"
EDIT_ERRORS_KEY = "goal_edit_errors"
CANCEL_ID_KEY = "goal_cancel_id"
FLASH_KEY = "goals_flash"


@dataclass(frozen=True)
class TargetInput:
    """How the target field looks for one goal type: whole steps for counts, dollars for revenue, 0–5 for rating."""

    label: str
    step: float
    number_format: str
    placeholder: str


TARGET_INPUTS = {
    GoalType.REVENUE: TargetInput("Target revenue ($)", 10.0, "%.2f", "e.g. 2000"),
    # Counts step by whole units but stay float fields, so "2.5" reaches the check and gets its own message
    # instead of being silently cut to 2; likewise a rating above 5 is answered, not clamped.
    GoalType.SALES: TargetInput("Target sales (units)", 1.0, "%g", "e.g. 50"),
    GoalType.PRODUCTS: TargetInput("New products to publish", 1.0, "%g", "e.g. 3"),
    GoalType.RATING: TargetInput("Target average rating (0–5)", 0.1, "%g", "e.g. 4.5"),
}


# ---------------------------------------------------------------- reads and writes


@st.cache_data(ttl=GOALS_TTL_SECONDS, show_spinner="Counting your progress…")
def seller_goals(seller_id: str) -> list[GoalView]:
    """The seller's goals with their progress recounted (`list_goals` stores the fresh values: one transaction)."""
    with session_scope() as session:
        return goals.list_goals(session, seller_id=seller_id, now=utcnow())


def flash(kind: str, message: str) -> None:
    st.session_state[FLASH_KEY] = (kind, message)


def show_flash() -> None:
    """The result of the last action (saved, canceled, or why not), once."""
    kind, message = st.session_state.pop(FLASH_KEY, (None, None))
    if kind == "success":
        st.success(message, icon=":material/check_circle:")
    elif kind == "error":
        st.error(message, icon=":material/error:")


def write_goal(seller_id: str, action: Callable[[Session], GoalView], errors_key: str | None = None) -> GoalView | None:
    """Run one write in its own transaction; validation errors go to `errors_key` (nothing is written then)."""
    try:
        with session_scope() as session:
            view = action(session)
    except GoalValidationError as exc:
        if errors_key:
            st.session_state[errors_key] = exc.errors
        else:
            flash("error", " ".join(exc.errors.values()))
        return None
    except LookupError:
        flash("error", "That goal no longer exists. The list below is up to date.")
        return None
    except SQLAlchemyError:
        log.exception("goal write failed")
        flash("error", "We couldn't save that: the database did not answer. Nothing was changed; please try again.")
        return None
    finally:
        seller_goals.clear(seller_id)
    if errors_key:
        st.session_state.pop(errors_key, None)
    return view


def _create(seller_id: str, today: date) -> None:
    goal_type = GoalType(st.session_state[TYPE_KEY])
    view = write_goal(
        seller_id,
        lambda session: goals.create_goal(
            session,
            seller_id=seller_id,
            now=utcnow(),
            type=goal_type,
            target_value=st.session_state.get(_target_key(goal_type)),
            deadline=st.session_state.get(DEADLINE_KEY),
            title=st.session_state.get(TITLE_KEY) or None,
        ),
        NEW_ERRORS_KEY,
    )
    if view is not None:
        flash("success", f"Goal set: {view.title}. It's counting from today.")
        # Set, not popped: the browser sends the form's values with the rerun and would bring them back.
        st.session_state[_target_key(goal_type)] = None
        st.session_state[TITLE_KEY] = ""
        st.session_state[DEADLINE_KEY] = today + timedelta(days=DEFAULT_DEADLINE_DAYS)


def _cancel(seller_id: str, goal_id: str) -> None:
    st.session_state.pop(CANCEL_ID_KEY, None)
    view = write_goal(
        seller_id,
        lambda session: goals.update_goal(session, seller_id=seller_id, goal_id=goal_id, now=utcnow(), cancel=True),
    )
    if view is not None:
        flash("success", f"Canceled: {view.title}. It's in the archive with the {view.current_text} it reached.")


# ---------------------------------------------------------------- small pieces


def field_error(errors: dict[str, str], field: str) -> None:
    """The message for `field` in red, right under the field."""
    if field in errors:
        st.caption(f":red[:material/error: {md(errors[field])}]")


def _target_key(goal_type: GoalType) -> str:
    return f"goal_new_target_{goal_type.value.lower()}"


def target_input(goal_type: GoalType, *, key: str, value: float | None = None) -> None:
    """The target field, shaped for the goal type (label, step, format)."""
    spec = TARGET_INPUTS[goal_type]
    st.number_input(
        spec.label,
        value=value,
        step=spec.step,
        format=spec.number_format,
        placeholder=spec.placeholder,
        key=key,
    )


# ---------------------------------------------------------------- the "Set a new goal" form


def summary_line(views: Sequence[GoalView]) -> None:
    active = [g for g in views if g.is_active]
    if not active:
        return
    states = [goal_state(g) for g in active]
    parts = [f"{len(active)} active goal{'s' if len(active) != 1 else ''} (of {goals.MAX_ACTIVE_GOALS} at most)"]
    parts += [f"{states.count(s)} {STATE_BADGES[s][0].lower()}" for s in STATE_BADGES if states.count(s)]
    st.caption(" · ".join(parts))


def first_goal_suggestion(summary: SellerHomeSummary, due: date) -> str:
    """One concrete first goal from the last 30 days: ~10 % more revenue, else a first sale, else a first product."""
    when = format_day(due)
    if summary.revenue > 0:
        step = Decimal(50) if summary.revenue >= 500 else Decimal(10)
        target = round_up(summary.revenue * Decimal("1.1"), step)
        return (
            f"You earned {format_goal_value(GoalType.REVENUE, summary.revenue, cents=True)} in the last 30 days: "
            f"try **Revenue, {format_goal_value(GoalType.REVENUE, target)} by {when}**, about 10 % more."
        )
    if summary.live_products:
        return f"No sale in the last 30 days yet: try **Sales, 1 sale by {when}**, and let this page count it."
    return f"Start with **Products, 1 new product by {when}**: publish it and this page counts it."


def empty_state(summary: SellerHomeSummary, today: date) -> None:
    suggestion = first_goal_suggestion(summary, today + timedelta(days=DEFAULT_DEADLINE_DAYS))
    st.info(
        "No goals yet. A goal turns \u201csell more\u201d into a number and a date, and this page tells you each "
        f"day whether you're on pace. {md_keep_bold(suggestion)}",
        icon=":material/flag:",
    )


def new_goal_form(seller_id: str, today: date, views: Sequence[GoalView]) -> None:
    """Type picker (outside the form, so the target field can adapt to it) and the form; errors under each field."""
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
        goal_type = st.segmented_control(
            "Goal type",
            options=list(TYPE_LABELS),
            format_func=TYPE_LABELS.__getitem__,
            default=GoalType.REVENUE,
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
                    value=today + timedelta(days=DEFAULT_DEADLINE_DAYS),
                    # Not tomorrow: Streamlit swaps a date below the minimum for the default without a word, so a
                    # form left open overnight would save a deadline the seller never picked. Today stays pickable
                    # and is answered by the "after today" message instead.
                    min_value=today,
                    max_value=latest_deadline(today),
                    format="YYYY-MM-DD",
                    key=DEADLINE_KEY,
                    help="Progress counts until the end of this day.",
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
        edit, cancel = st.columns(2)
        edit.button(
            "Edit",
            icon=":material/edit:",
            key=f"goal_edit_{goal.id}",
            on_click=_open_edit,
            args=(goal.id,),
            width="stretch",
        )
        cancel.button(
            "Cancel goal",
            icon=":material/close:",
            key=f"goal_cancel_{goal.id}",
            on_click=_ask_cancel,
            args=(goal.id,),
            width="stretch",
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
            f"{achieved} of {len(closed)} achieved ({percent(achieved / len(closed))} %). "
            "A goal closes at the daily check after its deadline; canceled goals keep the value they had."
        )
