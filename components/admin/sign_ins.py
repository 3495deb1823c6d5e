"""The admin's Sign-ins page: usernames and addresses the login throttle holds back (with Unlock), who is signed in
(with "Sign out everywhere", after a confirmation), and the latest login attempts (who, when, address, result)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pandas as pd
import streamlit as st

from components.data import DatabaseError, accounts, describe_database_error
from components.ui.empty import empty_state
from components.ui.flash import flash, show_flash
from components.ui.format import format_count, format_duration, format_local
from components.ui.text import md
from core.accounts import REASON_SIGN_OUT_EVERYWHERE, Account, ActiveSessions, AttemptRow, HeldBack
from core.config import get_settings
from core.models import LoginOutcome

FLASH = "sign_ins"
CONFIRM_KEY = "sign_ins_confirm_sign_out"
ATTEMPTS_SHOWN = 200
OUTCOME_LABELS = {
    LoginOutcome.SUCCESS: "Logged in",
    LoginOutcome.FAILURE: "Wrong username or password",
    LoginOutcome.THROTTLED: "Refused: too many failures",
}
KIND_LABELS = {"username": "Username", "address": "Address"}
ROLE_LABELS = {"admin": "Admin", "seller": "Seller"}
TIME = "%b %d, %H:%M:%S"


def page(account: Account) -> None:
    show_flash(FLASH)
    held_back_section()
    signed_in_section(account)
    attempts_section()


def _write(action: Callable[[], str]) -> None:
    """One admin action; its outcome (or the database's failure) is the page's flash on the next run."""
    try:
        flash(FLASH, action())
    except DatabaseError as exc:
        message, icon = describe_database_error(exc, doing="do that")
        flash(FLASH, message, kind="error", icon=icon)


def _widget_id(*parts: str) -> str:
    """A stable widget key for text someone typed (a username may hold anything)."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


# ---------------------------------------------------------------- held back by the throttle


def policy_text() -> str:
    settings = get_settings()
    return (
        f"After {settings.login_backoff_after} failed log-ins within {settings.login_window_minutes:g} minutes, a "
        f"username or an address waits {format_duration(settings.login_backoff_seconds)} before its next try, "
        f"doubling with each further failure; after {settings.login_lock_after} it is locked for "
        f"{settings.login_lock_minutes:g} minutes. Unlock forgets its failures at once."
    )


def unlock(kind: str, key: str) -> None:
    def action() -> str:
        cleared = accounts.unlock(kind, key)  # type: ignore[arg-type]
        noun = "failed log-in no longer counts" if cleared == 1 else "failed log-ins no longer count"
        return f"{KIND_LABELS[kind]} “{md(key)}” unlocked: {format_count(cleared)} {noun}."

    _write(action)


def held_back_section() -> None:
    st.subheader("Held back by the login throttle")
    st.caption(policy_text())
    items = accounts.held_back()
    if not items:
        empty_state("Nobody is held back right now.", icon=":material/lock_open:", good_news=True)
        return
    for item in items:
        with st.container(border=True):
            _held_back_row(item)


def _held_back_row(item: HeldBack) -> None:
    text, action = st.columns([4, 1], vertical_alignment="center")
    state = ":red-badge[Locked]" if item.locked else ":orange-badge[Backing off]"
    text.markdown(f"{KIND_LABELS[item.kind]} **{md(item.key)}** {state}")
    text.caption(
        f"{format_count(item.failures)} failed log-ins, the last at {format_local(item.last_failure_at, TIME)} · "
        f"may try again at {format_local(item.retry_at, TIME)}"
    )
    action.button(
        "Unlock",
        key=f"sign_ins_unlock_{_widget_id(item.kind, item.key)}",
        icon=":material/lock_open:",
        on_click=unlock,
        args=(item.kind, item.key),
    )


# ---------------------------------------------------------------- signed in


def ask_sign_out(user_id: str) -> None:
    st.session_state[CONFIRM_KEY] = user_id


def cancel_sign_out() -> None:
    st.session_state.pop(CONFIRM_KEY, None)


def sign_out_everywhere(user_id: str, label: str) -> None:
    st.session_state.pop(CONFIRM_KEY, None)

    def action() -> str:
        ended = accounts.end_all_sessions(user_id, REASON_SIGN_OUT_EVERYWHERE)
        noun = "session" if ended == 1 else "sessions"
        return f"{label} is signed out everywhere: {format_count(ended)} {noun} ended."

    _write(action)


def signed_in_section(account: Account) -> None:
    st.subheader("Signed in")
    users = accounts.active_sessions()
    if not users:
        empty_state("Nobody is signed in right now.")
        return
    people = "1 person" if len(users) == 1 else f"{format_count(len(users))} people"
    st.caption(
        f"{people} with a session that is still good (used in the last "
        f"{get_settings().session_idle_days:g} days, at most {get_settings().session_absolute_days:g} days old)."
    )
    confirming = st.session_state.get(CONFIRM_KEY)
    for user in users:
        with st.container(border=True):
            _signed_in_row(user)
            if confirming == user.user_id:
                _sign_out_confirmation(user, is_me=user.user_id == account.user_id)


def _label(user: ActiveSessions) -> str:
    return f"{md(user.name)} ({md(user.username)})"


def _signed_in_row(user: ActiveSessions) -> None:
    text, action = st.columns([3, 1.2], vertical_alignment="center")
    text.markdown(f"**{_label(user)}** · {ROLE_LABELS.get(user.role.value, user.role.value)}")
    sessions = "1 session" if user.sessions == 1 else f"{format_count(user.sessions)} sessions"
    text.caption(
        f"{sessions} · last active {format_local(user.last_seen_at, TIME)} · "
        f"first logged in {format_local(user.first_login_at, TIME)}"
    )
    action.button(
        "Sign out everywhere…",
        key=f"sign_ins_sign_out_{user.user_id}",
        icon=":material/logout:",
        width="stretch",
        on_click=ask_sign_out,
        args=(user.user_id,),
    )


def _sign_out_confirmation(user: ActiveSessions, *, is_me: bool) -> None:
    sessions = "its session ends" if user.sessions == 1 else f"all {format_count(user.sessions)} sessions end"
    message = (
        f"Sign out {_label(user)} everywhere? {sessions.capitalize()} at once: the next page they open shows the "
        "login form, and a copied cookie no longer works."
    )
    if is_me:
        message += " This includes this browser: you will be logged out too."
    st.warning(message, icon=":material/warning:")
    yes, no, _ = st.columns([1.6, 1, 4])
    yes.button(
        "Yes, sign out everywhere",
        key="sign_ins_confirm",
        type="primary",
        on_click=sign_out_everywhere,
        args=(user.user_id, _label(user)),
    )
    no.button("Cancel", key="sign_ins_cancel", on_click=cancel_sign_out)


# ---------------------------------------------------------------- the latest attempts


def attempts_frame(rows: list[AttemptRow]) -> pd.DataFrame:
    """One row per submitted login form, newest first; text as typed (a table cell never renders markup)."""
    frame = pd.DataFrame(
        [
            {
                "When": format_local(row.attempted_at, TIME),
                "Username": row.username,
                "Address": row.address or "local",
                "Result": OUTCOME_LABELS[row.outcome] + (" (cleared)" if row.cleared else ""),
                "Browser": row.user_agent or "",
            }
            for row in rows
        ],
        columns=["When", "Username", "Address", "Result", "Browser"],
    )
    return frame


def attempts_section() -> None:
    st.subheader("Latest log-in attempts")
    rows = accounts.recent_attempts(ATTEMPTS_SHOWN)
    if not rows:
        empty_state("No log-in attempts yet.")
        return
    failed = sum(1 for row in rows if row.outcome != LoginOutcome.SUCCESS)
    st.caption(
        f"The latest {format_count(len(rows))} attempt{'' if len(rows) == 1 else 's'}, newest first: "
        f"{format_count(failed)} failed or refused. "
        "“Cleared” failures no longer count (unlocked, or the right person logged in since)."
    )
    st.dataframe(attempts_frame(rows), hide_index=True, width="stretch")
