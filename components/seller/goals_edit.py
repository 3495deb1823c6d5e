"""The Goals page's edit dialog (change an active goal's target, deadline or title, with errors under each field)
and the form pieces it shares with "Set a new goal": the type's help, the target field, field errors, the write.

The dialog's open state lives in session state (`EDIT_ID_KEY`, set by a card's "Edit" button), not in a button's
return value, so it survives the dialog's own reruns; dismissing it clears that state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st

from components.data import DatabaseError, describe_database_error
from components.data import goals as goal_data
from components.ui.flash import flash
from components.ui.text import md
from core.goals import GoalValidationError, GoalView, latest_deadline, parse_target
from core.models import GoalType

log = logging.getLogger(__name__)

FLASH = "goals"
EDIT_ID_KEY = "goal_edit_id"
EDIT_ERRORS_KEY = "goal_edit_errors"
DUPLICATE_KEY = "goal_duplicate_id"  # the active goal a refused new goal duplicates (the form offers to open it)

# The date fields' bounds: as wide as the calendar goes, so no typed day is ever swapped for the default by the
# widget (Streamlit's date_input resets a value outside min/max without a word); core's rules judge the day.
DATE_FIELD_MIN = date(1900, 1, 1)
DATE_FIELD_MAX = date(9999, 12, 31)

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


# ---------------------------------------------------------------- pieces both forms use


def write_goal(action: Callable[[], GoalView], errors_key: str | None = None) -> GoalView | None:
    """Run one write (its own transaction); validation errors go to `errors_key` (nothing is written then)."""
    try:
        view = action()
    except GoalValidationError as exc:
        st.session_state[DUPLICATE_KEY] = exc.existing_goal_id
        if errors_key:
            st.session_state[errors_key] = exc.errors
        else:
            flash(FLASH, md(" ".join(exc.errors.values())), kind="error")
        return None
    except LookupError:
        flash(FLASH, "That goal no longer exists. The list below is up to date.", kind="error")
        return None
    except DatabaseError as exc:
        log.exception("goal write failed")
        message, icon = describe_database_error(exc, doing="save that goal")
        flash(FLASH, f"{message} Nothing was changed.", kind="error", icon=icon)
        return None
    if errors_key:
        st.session_state.pop(errors_key, None)
    st.session_state.pop(DUPLICATE_KEY, None)
    return view


def field_error(errors: dict[str, str], field: str) -> None:
    """The message for `field` in red, right under the field."""
    if field in errors:
        st.caption(f":red[:material/error: {md(errors[field])}]")


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


# ---------------------------------------------------------------- the edit dialog


def _edit_keys(goal_id: str) -> tuple[str, str, str]:
    return (f"goal_edit_target_{goal_id}", f"goal_edit_deadline_{goal_id}", f"goal_edit_title_{goal_id}")


def _close_edit() -> None:
    goal_id = st.session_state.pop(EDIT_ID_KEY, None)
    st.session_state.pop(EDIT_ERRORS_KEY, None)
    if goal_id:  # forget unsaved edits, so reopening shows the goal as it is
        for key in _edit_keys(goal_id):
            st.session_state.pop(key, None)


def _save_edit(seller_id: str, goal: GoalView) -> None:
    """Send only what changed: an untouched deadline that is today must not fail the "after today" rule."""
    target_key, deadline_key, title_key = _edit_keys(goal.id)
    changes: dict[str, Any] = {}
    target = st.session_state.get(target_key)
    if target is None or parse_target(target) != goal.target:
        changes["target_value"] = target if target is not None else ""
    deadline = st.session_state.get(deadline_key)
    if deadline != goal.deadline_day:
        changes["deadline"] = deadline
    title = (st.session_state.get(title_key) or "").strip()
    if title != (goal.title if goal.custom_title else ""):
        changes["title"] = title
    if not changes:
        _close_edit()
        return
    view = write_goal(lambda: goal_data.update_goal(seller_id, goal.id, **changes), EDIT_ERRORS_KEY)
    if view is not None:
        _close_edit()
        flash(FLASH, f"Saved: {md(view.title)}.")


def open_edit_dialog(seller_id: str, views: Sequence[GoalView], today: date) -> None:
    """Call last on the page: shows the edit dialog when a card's "Edit" was clicked (open state in session state)."""
    goal_id = st.session_state.get(EDIT_ID_KEY)
    goal = next((g for g in views if g.id == goal_id and g.is_active), None)
    if goal_id and goal is None:
        _close_edit()  # canceled or closed meanwhile
    elif goal is not None:
        _edit_dialog(seller_id, goal, today)


@st.dialog("Edit goal", on_dismiss=_close_edit)
def _edit_dialog(seller_id: str, goal: GoalView, today: date) -> None:
    if st.session_state.get(EDIT_ID_KEY) != goal.id:
        st.rerun()  # saved (the callback closed it): rerun the whole page so the card shows the new values
    errors: dict[str, str] = st.session_state.get(EDIT_ERRORS_KEY, {})
    target_key, deadline_key, title_key = _edit_keys(goal.id)
    st.markdown(f"**{md(goal.title)}**")
    st.caption(TYPE_HELP[goal.type] + f" So far: {md(goal.current_text)}.")
    with st.form(f"goal_edit_form_{goal.id}", border=False, enter_to_submit=False):
        target_input(goal.type, key=target_key, value=float(goal.target))
        field_error(errors, "target_value")
        st.date_input(
            "Deadline",
            value=goal.deadline_day,
            # Wide bounds (see DATE_FIELD_MIN): a typed past day reaches core and is answered under the field.
            min_value=DATE_FIELD_MIN,
            max_value=DATE_FIELD_MAX,
            format="YYYY-MM-DD",
            key=deadline_key,
            help=f"A day after today, at most two years ahead ({latest_deadline(today):%Y-%m-%d}).",
        )
        field_error(errors, "deadline")
        st.text_input(
            "Title (optional)",
            value=goal.title if goal.custom_title else "",
            max_chars=120,
            placeholder=goal.title if not goal.custom_title else "Leave empty for the default title",
            key=title_key,
        )
        field_error(errors, "title")
        field_error(errors, "goal")
        st.form_submit_button("Save changes", type="primary", on_click=_save_edit, args=(seller_id, goal))
