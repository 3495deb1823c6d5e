"""Personal invite links for the creator pipeline (issue 16, seed 004 "Generate personal invite link").

A link is `<APP_BASE_URL>/?invite=<token>`, the token four dot-separated parts:

    <invite id>.<expires, unix seconds>.<nonce: 24 random bytes, URL-safe base64>.<signature>

The signature is HMAC-SHA256 (hex) over the first three parts joined by dots, prefixed with `SIGNING_PREFIX`, under
`AUTH_COOKIE_KEY` (the prefix keeps an invite signature from ever passing for a session cookie's, and back). The
database keeps only the SHA-256 of the nonce (`pipeline_invites.token_hash`), so a database dump holds no usable link.

Rules of `redeem_invite`, checked in this order, each refusal an `InviteError` whose message can be shown as is:
  invalid   not four well-formed parts, or the signature, the nonce's hash or the expiry differs from what was
            issued (compared in constant time: one flipped character of any part is refused);
  unknown   well signed, but no such invite (withdrawn, or made by another database);
  used      it was redeemed already;
  expired   `now` is at or after its expiry (7 days after creation unless the admin chose otherwise).
Marking it used is one `UPDATE … WHERE id = ? AND used_at IS NULL`: of two redemptions at once, one matches the row,
the other matches none and is told the link was used. Only admins create invites. Nothing here commits.

Also here, because the invite is its first use: where e-mail to a creator goes (`contact_address`: the board's
`contact_email`, else the account's address) and `set_contact_email`, the validated way to change it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from core.config import Settings
from core.db import new_id
from core.models import CreatorPipeline, PipelineInvite, User, UserRole
from core.text_input import text_problem

SIGNING_PREFIX = b"pipeline-invite:"
DEFAULT_VALID_FOR = timedelta(days=7)
NONCE_BYTES = 24  # 32 URL-safe base64 characters
EMAIL_MAX = 254
MAX_TOKEN_CHARS = 200  # a real token has 36 + 1 + 10 + 1 + 32 + 1 + 64 = 145
_TOKEN = re.compile(r"([0-9a-f-]{36})\.([0-9]{1,12})\.([A-Za-z0-9_-]{32})\.([0-9a-f]{64})")

MESSAGES = {
    "invalid": "This invite link is not valid. Check that you copied the whole link, or ask for a new invite.",
    "unknown": "This invite link is no longer on file (it may have been withdrawn). Ask for a new invite.",
    "used": "This invite link has already been used. Sign in with the account you created, or ask for a new invite.",
    "expired": "This invite link has expired. Ask the person who invited you for a new one.",
}


class OutreachValidationError(ValueError):
    """Input that cannot be saved; `errors` maps a form field to its message (`PipelineValidationError`'s pattern).
    Nothing was written. Shared with `core.sellers.outreach` (which re-exports it)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


class InviteError(ValueError):
    """An invite link that cannot be redeemed; `reason` is one of `MESSAGES`' keys, `message` the sentence to show."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.message = MESSAGES[reason]
        super().__init__(self.message)


@dataclass(frozen=True)
class InviteLink:
    url: str
    token: str
    expires_at: datetime
    invite_id: str


def _signature(key: str, payload: str) -> str:
    return hmac.new(key.encode(), SIGNING_PREFIX + payload.encode(), hashlib.sha256).hexdigest()


def _nonce_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def require_admin(session: Session, user_id: str, action: str) -> User:
    """The admin acting, or PermissionError naming `action` ("create an invite link")."""
    admin = session.get(User, user_id)
    if admin is None or admin.role != UserRole.ADMIN or not admin.is_active:
        raise PermissionError(f"Only an admin can {action}.")
    return admin


def creator_row(session: Session, creator_id: str) -> CreatorPipeline:
    """The creator's board row, or LookupError."""
    row = session.get(CreatorPipeline, creator_id)
    if row is None:
        raise LookupError(f"No creator {creator_id!r} on the pipeline.")
    return row


def contact_address(row: CreatorPipeline, user: User | None) -> str | None:
    """Where e-mail to the creator goes: the contact address, else the account's (none for a deactivated one)."""
    if row.contact_email and row.contact_email.strip():
        return row.contact_email.strip()
    if user is not None and user.is_active and user.email:
        return user.email
    return None


def set_contact_email(session: Session, *, creator_id: str, admin_user_id: str, email: str, now: datetime) -> str:
    """Save (blank: clear) the creator's contact address: one line of at most 254 characters, `local@domain.tld`
    without spaces. Returns what was saved; `OutreachValidationError` ({"email": …}) writes nothing. Flushes."""
    require_admin(session, admin_user_id, "change a creator's e-mail address")
    row = creator_row(session, creator_id)
    email = (email or "").strip()
    local, _, domain = email.rpartition("@")
    if problem := text_problem(email, label="The e-mail address"):
        raise OutreachValidationError({"email": problem})
    if len(email) > EMAIL_MAX:
        raise OutreachValidationError({"email": f"Keep the address under {EMAIL_MAX} characters."})
    if email and (not local or "." not in domain.strip(".") or any(c.isspace() or c == "@" for c in local + domain)):
        raise OutreachValidationError({"email": "Enter an address like name@example.com."})
    row.contact_email, row.updated_at = email or None, now
    session.flush()
    return email


def create_invite(
    session: Session,
    *,
    creator_id: str,
    admin_user_id: str,
    settings: Settings,
    now: datetime,
    valid_for: timedelta = DEFAULT_VALID_FOR,
) -> InviteLink:
    """A new single-use link for the creator, valid `valid_for` from `now` (whole seconds). Raises PermissionError
    (not an admin), LookupError (no such creator) or ValueError (`valid_for` not positive). Flushes, no commit."""
    require_admin(session, admin_user_id, "create an invite link")
    creator_row(session, creator_id)
    if valid_for <= timedelta(0):
        raise ValueError("An invite must be valid for some time.")
    expires_at = (now + valid_for).astimezone(UTC).replace(microsecond=0)
    invite_id = new_id()
    nonce = secrets.token_urlsafe(NONCE_BYTES)
    payload = f"{invite_id}.{int(expires_at.timestamp())}.{nonce}"
    token = f"{payload}.{_signature(settings.auth_cookie_key, payload)}"
    session.add(
        PipelineInvite(
            id=invite_id,
            creator_id=creator_id,
            created_by_user_id=admin_user_id,
            created_at=now,
            expires_at=expires_at,
            token_hash=_nonce_hash(nonce),
        )
    )
    session.flush()
    return InviteLink(
        url=f"{settings.app_base_url.rstrip('/')}/?invite={token}",
        token=token,
        expires_at=expires_at,
        invite_id=invite_id,
    )


def redeem_invite(session: Session, token: str, *, settings: Settings, now: datetime) -> str:
    """Use the invite once and return its creator's id; `InviteError` (nothing written) when the token is invalid,
    unknown, used or expired (see the module's rules). Flushes, no commit: the caller commits with whatever the
    redemption leads to (the account it creates), so a failure there leaves the link unused."""
    token = (token or "").strip()
    match = _TOKEN.fullmatch(token) if len(token) <= MAX_TOKEN_CHARS else None
    if match is None:
        raise InviteError("invalid")
    invite_id, expires, nonce, signature = match.groups()
    expected = _signature(settings.auth_cookie_key, f"{invite_id}.{expires}.{nonce}")
    if not hmac.compare_digest(expected, signature):
        raise InviteError("invalid")
    invite = session.get(PipelineInvite, invite_id)
    if invite is None:
        raise InviteError("unknown")
    if not hmac.compare_digest(invite.token_hash, _nonce_hash(nonce)) or int(invite.expires_at.timestamp()) != int(
        expires
    ):
        raise InviteError("invalid")
    if invite.used_at is not None:
        raise InviteError("used")
    if now >= invite.expires_at:
        raise InviteError("expired")
    result = session.execute(
        update(PipelineInvite)
        .where(PipelineInvite.id == invite_id, PipelineInvite.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # another redemption won between our read and this write
        session.expire(invite)
        raise InviteError("used")
    session.expire(invite, ["used_at"])
    session.flush()
    return invite.creator_id
