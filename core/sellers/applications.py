"""Seller applications (DESIGN §4): the admin's queue of PENDING sellers, approving or rejecting one, and the history.

Rules as implemented:

- **Only a PENDING seller is decided**, and only once: the status changes by one conditional
  `UPDATE seller_profiles … WHERE id = :id AND status = 'PENDING'`; a row count of 0 means someone else decided
  first (a second click, a second admin at the same moment: on PostgreSQL the second UPDATE waits for the first
  transaction and then matches nothing) and raises `NotPending`, writing nothing.
- **Approve**: status APPROVED, `approved_at` = now. **Reject**: status REJECTED with a reason, required,
  3–500 characters after trimming, prose rules of `core.text_input` (no control characters but line breaks).
- Each decision writes one `SellerApplicationDecision` (who, when, the reason) and tells the seller twice: an
  in-app notification, and an e-mail through the outbox (`core.notify.email.queue_email`, idempotency key
  `seller-application:<decision id>`, delivered by the `email-outbox` job).
- Only an active admin decides (`PermissionError` otherwise). Nothing here commits: the caller's session does.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session, aliased

from core import urls
from core.config import Settings, get_settings
from core.models import (
    DigitalProduct,
    NotificationType,
    ProductStatus,
    SellerApplicationDecision,
    SellerProfile,
    SellerStatus,
    User,
    UserRole,
)
from core.notify.email import queue_email
from core.notify.inapp import create_notification
from core.text_input import PROSE, TextInputError, text_problem

REASON_MIN_CHARS = 3
REASON_MAX_CHARS = 500
EMAIL_KIND = "seller-application"
HISTORY_LIMIT = 200


class NotPending(LookupError):
    """The seller is not (or no longer) waiting for a decision: nothing was changed."""

    def __init__(self, seller_id: str, status: str | None) -> None:
        self.seller_id = seller_id
        self.status = status
        said = "does not exist" if status is None else f"is already {status.lower()}"
        super().__init__(f"This application {said}: nothing was changed.")


@dataclass(frozen=True)
class PendingApplication:
    seller_id: str
    display_name: str
    username: str
    applied_at: datetime  # when the seller profile was created
    published: int  # products published (not deleted)
    drafts: int  # draft products (not deleted)
    bio: str
    specialties: tuple[str, ...]


@dataclass(frozen=True)
class Decision:
    id: str
    seller_id: str
    display_name: str
    decision: str  # APPROVED or REJECTED
    reason: str | None
    decided_by: str  # the admin's name (username when no name)
    decided_at: datetime


def check_reason(reason: str | None) -> str:
    """The trimmed rejection reason, or `TextInputError("reason", message)` (required, 3–500 characters, prose)."""
    text = (reason or "").strip()
    if len(text) < REASON_MIN_CHARS:
        raise TextInputError(
            "reason",
            f"Give the seller a reason ({REASON_MIN_CHARS}–{REASON_MAX_CHARS} characters): it is sent to them.",
        )
    if len(text) > REASON_MAX_CHARS:
        raise TextInputError("reason", f"The reason is {len(text)} characters long; keep it to {REASON_MAX_CHARS}.")
    problem = text_problem(text, label="The reason", kind=PROSE)
    if problem:
        raise TextInputError("reason", problem)
    return text


def _require_admin(session: Session, admin_user_id: str) -> None:
    role = session.scalar(select(User.role).where(User.id == admin_user_id, User.is_active.is_(True)))
    if role is None or UserRole(role) != UserRole.ADMIN:
        raise PermissionError("only an active admin can decide seller applications")


# --------------------------------------------------------------------------- reading


def pending_applications(session: Session) -> list[PendingApplication]:
    """Every PENDING, not deleted seller with their products, oldest application first (one query)."""
    dp = DigitalProduct
    counts = (
        select(
            dp.seller_id,
            func.sum(case((dp.status == ProductStatus.PUBLISHED, 1), else_=0)).label("published"),
            func.sum(case((dp.status == ProductStatus.DRAFT, 1), else_=0)).label("drafts"),
        )
        .where(dp.deleted_at.is_(None))
        .group_by(dp.seller_id)
        .subquery("counts")
    )
    s, u = SellerProfile, User
    rows = session.execute(
        select(
            s.id,
            s.display_name,
            u.username,
            s.created_at,
            func.coalesce(counts.c.published, 0),
            func.coalesce(counts.c.drafts, 0),
            s.bio,
            s.specialties,
        )
        .join(u, u.id == s.user_id)
        .outerjoin(counts, counts.c.seller_id == s.id)
        .where(s.status == SellerStatus.PENDING, s.deleted_at.is_(None))
        .order_by(s.created_at, s.id)
    ).all()
    return [
        PendingApplication(sid, name, username, created, int(pub), int(drafts), bio or "", tuple(specs or ()))
        for sid, name, username, created, pub, drafts, bio, specs in rows
    ]


def _decisions_query() -> Any:
    d, s, admin = SellerApplicationDecision, SellerProfile, aliased(User, name="admin")
    return (
        select(
            d.id,
            d.seller_id,
            s.display_name,
            d.decision,
            d.reason,
            func.coalesce(admin.name, admin.username),
            d.decided_at,
        )
        .join(s, s.id == d.seller_id)
        .join(admin, admin.id == d.decided_by_user_id)
        .order_by(d.decided_at.desc(), d.id.desc())
    )


def _decision(row: Any) -> Decision:
    did, sid, name, decision, reason, by, at = row
    return Decision(did, sid, name, SellerStatus(decision).value, reason, by, at)


def decided_applications(session: Session, *, limit: int = HISTORY_LIMIT) -> list[Decision]:
    """The latest decisions, newest first (who decided, when, the reason)."""
    return [_decision(r) for r in session.execute(_decisions_query().limit(limit))]


def latest_decision(session: Session, *, seller_id: str) -> Decision | None:
    """The seller's own latest decision (what a rejected seller is shown), or None."""
    stmt = _decisions_query().where(SellerApplicationDecision.seller_id == seller_id).limit(1)
    row = session.execute(stmt).first()
    return None if row is None else _decision(row)


# --------------------------------------------------------------------------- deciding


def approve_application(
    session: Session, *, seller_id: str, admin_user_id: str, now: datetime, settings: Settings | None = None
) -> Decision:
    """Approve a PENDING seller (see the module docstring); `NotPending` when it is not pending any more."""
    return _decide(session, seller_id, SellerStatus.APPROVED, None, admin_user_id, now, settings or get_settings())


def reject_application(
    session: Session,
    *,
    seller_id: str,
    admin_user_id: str,
    reason: str | None,
    now: datetime,
    settings: Settings | None = None,
) -> Decision:
    """Reject a PENDING seller with a reason; `TextInputError` for a bad reason, `NotPending`: nothing changes."""
    text = check_reason(reason)
    return _decide(session, seller_id, SellerStatus.REJECTED, text, admin_user_id, now, settings or get_settings())


def _decide(
    session: Session,
    seller_id: str,
    decision: SellerStatus,
    reason: str | None,
    admin_user_id: str,
    now: datetime,
    settings: Settings,
) -> Decision:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    _require_admin(session, admin_user_id)
    values: dict[str, Any] = {"status": decision, "updated_at": now}
    if decision == SellerStatus.APPROVED:
        values["approved_at"] = now
    changed = session.execute(
        update(SellerProfile)
        .where(
            SellerProfile.id == seller_id,
            SellerProfile.status == SellerStatus.PENDING,
            SellerProfile.deleted_at.is_(None),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        current = session.scalar(select(SellerProfile.status).where(SellerProfile.id == seller_id))
        raise NotPending(seller_id, None if current is None else SellerStatus(current).value)
    row = SellerApplicationDecision(
        seller_id=seller_id, decision=decision, reason=reason, decided_by_user_id=admin_user_id, decided_at=now
    )
    session.add(row)
    session.flush()
    seller = session.execute(
        select(SellerProfile.display_name, User.id, User.email, User.name)
        .join(User, User.id == SellerProfile.user_id)
        .where(SellerProfile.id == seller_id)
    ).one()
    display_name, user_id, email_address, _ = seller
    title, body = decision_message(decision, reason)
    create_notification(
        session,
        user_id=user_id,
        type=NotificationType.SYSTEM,
        title=title,
        body=body,
        link=urls.page_link(urls.HOME) if decision == SellerStatus.APPROVED else None,
        meta={"decision_id": row.id, "decision": decision.value},
        now=now,
    )
    link = urls.absolute_link(settings.app_base_url, urls.HOME)
    text_body = f"Hello {display_name},\n\n{body}\n\n{link}\n"
    html_body = (
        f"<p>Hello {html.escape(display_name)},</p>"
        + "".join(f"<p>{html.escape(line)}</p>" for line in body.split("\n") if line)
        + f'<p><a href="{html.escape(link)}">{html.escape(link)}</a></p>'
    )
    queue_email(
        session,
        idempotency_key=f"{EMAIL_KIND}:{row.id}",
        kind=EMAIL_KIND,
        to_user_id=user_id,
        to_address=email_address,
        subject=title,
        html=html_body,
        text=text_body,
        now=now,
    )
    admin = session.scalar(select(func.coalesce(User.name, User.username)).where(User.id == admin_user_id))
    return Decision(row.id, seller_id, display_name, decision.value, reason, str(admin), now)


def decision_message(decision: SellerStatus, reason: str | None) -> tuple[str, str]:
    """(title, body) the seller reads in the app and in the e-mail."""
    if decision == SellerStatus.APPROVED:
        return (
            "Your seller application was approved",
            "Welcome aboard: your seller tools (insights, pricing, listing health, goals) are open now. "
            "Log in to publish your first products.",
        )
    return (
        "Your seller application was not approved",
        f"The marketplace team did not approve your application. Their reason:\n{reason}\n"
        "You can reply to the marketplace team if you think this is a mistake.",
    )
