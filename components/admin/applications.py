"""The Applications page's widgets: the queue of sellers waiting for approval (one card each, Approve / Reject with a
required reason) and the history of decisions (who, when, the reason). Reads and writes: `components.data.applications`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.data import applications as app_data
from components.ui.empty import empty_state
from components.ui.flash import flash, show_flash
from components.ui.format import format_count, format_local
from components.ui.text import md
from core.accounts import Account
from core.sellers import Decision, NotPending, PendingApplication
from core.text_input import TextInputError

SCOPE = "applications"
REJECTING_KEY = "app_rejecting"  # the seller id whose reject form is open
DECISION_WORDS = {"APPROVED": "Approved", "REJECTED": "Rejected"}


def applications_page(account: Account) -> None:
    show_flash(SCOPE)
    pending = app_data.queue()
    waiting, decided = st.tabs([f"Waiting ({format_count(len(pending))})", "Decided"])
    with waiting:
        queue(pending, account)
    with decided:
        history(app_data.history())


def queue(pending: list[PendingApplication], account: Account) -> None:
    if not pending:
        empty_state("No seller application is waiting. New ones show up here.", good_news=True)
        return
    st.caption(
        "Oldest first. Approving opens the seller tools at once; a rejection needs a reason, which the seller "
        "reads in the app and in the e-mail both decisions send."
    )
    for item in pending:
        card(item, account)


def card(item: PendingApplication, account: Account) -> None:
    with st.container(border=True, key=f"app_card_{item.seller_id}"):
        st.markdown(f"**{md(item.display_name)}** · @{md(item.username)}")
        st.caption(
            f"Applied {format_local(item.applied_at, '%b %d, %Y')} · {format_count(item.published)} published "
            f"product{'' if item.published == 1 else 's'} · {format_count(item.drafts)} "
            f"draft{'' if item.drafts == 1 else 's'}"
        )
        if item.specialties:
            st.caption("Specialties: " + md(", ".join(item.specialties)))
        st.markdown(md(item.bio) if item.bio else "_No bio written._")
        approve_col, reject_col, _ = st.columns([1, 1, 4])
        if approve_col.button("Approve", key=f"app_approve_{item.seller_id}", icon=":material/check:", type="primary"):
            _approve(item, account)
        if reject_col.button("Reject…", key=f"app_reject_{item.seller_id}", icon=":material/close:"):
            st.session_state[REJECTING_KEY] = item.seller_id
        if st.session_state.get(REJECTING_KEY) == item.seller_id:
            reject_form(item, account)


def _approve(item: PendingApplication, account: Account) -> None:
    try:
        app_data.approve(item.seller_id, admin_user_id=account.user_id)
    except NotPending as exc:
        flash(SCOPE, md(str(exc)), kind="warning")
    else:
        flash(SCOPE, f"Approved {md(item.display_name)}: they were told in the app and by e-mail.")
    st.rerun()


def reject_form(item: PendingApplication, account: Account) -> None:
    """The reason (required, 3–500 characters) and Reject; a bad reason shows next to the field, nothing changes."""
    with st.form(f"app_reject_form_{item.seller_id}", border=False):
        reason = st.text_area(
            "Reason for the seller",
            key=f"app_reason_{item.seller_id}",
            max_chars=500,
            placeholder="What is missing, and what would make the application acceptable.",
            help="Sent to the seller in the app and by e-mail. 3–500 characters.",
        )
        error_slot = st.empty()
        submit_col, cancel_col, _ = st.columns([1, 1, 4])
        submitted = submit_col.form_submit_button("Reject application", type="primary")
        cancelled = cancel_col.form_submit_button("Cancel")
    if cancelled:
        st.session_state.pop(REJECTING_KEY, None)
        st.rerun()
    if not submitted:
        return
    try:
        app_data.reject(item.seller_id, admin_user_id=account.user_id, reason=reason)
    except TextInputError as exc:
        error_slot.error(md(exc.message), icon=":material/error:")
        return
    except NotPending as exc:
        flash(SCOPE, md(str(exc)), kind="warning")
    else:
        flash(SCOPE, f"Rejected {md(item.display_name)}: they were told why in the app and by e-mail.")
    st.session_state.pop(REJECTING_KEY, None)
    st.rerun()


def history(decisions: list[Decision]) -> None:
    if not decisions:
        empty_state("No application has been decided yet.")
        return
    frame = pd.DataFrame(
        [
            {
                "Seller": d.display_name,
                "Decision": DECISION_WORDS.get(d.decision, d.decision.title()),
                "Decided by": d.decided_by,
                "When": format_local(d.decided_at, "%b %d, %Y %H:%M"),
                "Reason": d.reason or "",
            }
            for d in decisions
        ],
        columns=["Seller", "Decision", "Decided by", "When", "Reason"],
    )
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config={"Reason": st.column_config.TextColumn(width="large")},
        key="app_history",
    )
