"""Seller applications: the admin's queue and history (uncached: a decision must show at once), approve / reject in
one transaction, and a seller's own latest decision (what a rejected seller is told)."""

from __future__ import annotations

from components.data import clock, forget_topic
from core.db import session_scope
from core.sellers import (
    Decision,
    PendingApplication,
    approve_application,
    decided_applications,
    latest_decision,
    pending_applications,
    reject_application,
)


def queue() -> list[PendingApplication]:
    with session_scope() as session:
        return pending_applications(session)


def history() -> list[Decision]:
    with session_scope() as session:
        return decided_applications(session)


def _forget() -> None:
    # The seller's own account (status), the admin's seller tables and Home's counts changed.
    forget_topic("accounts", "sellers", "sales")


def approve(seller_id: str, *, admin_user_id: str) -> Decision:
    """Approve (raises `NotPending` when someone decided first, `PermissionError` for a non-admin)."""
    with session_scope() as session:
        decision = approve_application(session, seller_id=seller_id, admin_user_id=admin_user_id, now=clock.now())
    _forget()
    return decision


def reject(seller_id: str, *, admin_user_id: str, reason: str) -> Decision:
    """Reject with a reason (raises `TextInputError` for a bad reason: nothing is written)."""
    with session_scope() as session:
        decision = reject_application(
            session, seller_id=seller_id, admin_user_id=admin_user_id, reason=reason, now=clock.now()
        )
    _forget()
    return decision


def seller_decision(seller_id: str) -> Decision | None:
    """The seller's latest decision (a rejected seller reads its reason on the account notice)."""
    with session_scope() as session:
        return latest_decision(session, seller_id=seller_id)
