"""The Goals page's edit dialog: change an active goal's target, deadline or title, with errors under each field.

The dialog's open state lives in session state (`EDIT_ID_KEY`, set by a card's "Edit" button), not in a button's
return value, so it survives the dialog's own reruns; dismissing it clears that state.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import streamlit as st

from components.goals import EDIT_ERRORS_KEY, EDIT_ID_KEY, field_error, flash, target_input, write_goal
from components.goals_charts import TYPE_HELP, md
from core.db import utcnow
from core.goals import store as goals
from core.goals.rules import latest_deadline, parse_target
from core.goals.store import GoalView


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
    view = write_goal(
        seller_id,
        lambda session: goals.update_goal(session, seller_id=seller_id, goal_id=goal.id, now=utcnow(), **changes),
        EDIT_ERRORS_KEY,
    )
    if view is not None:
        _close_edit()
        flash("success", f"Saved: {view.title}.")


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
            # Today, not tomorrow (see the new-goal form); a goal already due today shows its day unchanged.
            min_value=min(today, goal.deadline_day),
            max_value=max(latest_deadline(today), goal.deadline_day),
            format="YYYY-MM-DD",
            key=deadline_key,
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
