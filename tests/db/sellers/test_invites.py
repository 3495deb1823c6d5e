"""Personal invite links (`core.sellers.invites`) on SQLite and PostgreSQL: the token's shape and signature checked
by hand (HMAC-SHA256 under the cookie key with the "pipeline-invite:" prefix), only the nonce's SHA-256 stored,
single use, expiry at the exact second, one flipped character in any part refused, unknown and malformed tokens,
admins only, and two redemptions at the same moment: exactly one wins."""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from core.config import Settings
from core.models import CreatorPipeline, PipelineInvite, PipelineStage, UserRole
from core.sellers.invites import InviteError, create_invite, redeem_invite
from tests.conftest import NOW
from tests.factories import make_user

KEY = "test-cookie-key-for-invite-links-0123456789"
SETTINGS = Settings(auth_cookie_key=KEY, app_base_url="https://toolkit.example/")
EXPIRES_UNIX = 1795878000  # 2026-11-28 15:00:00 UTC: NOW + 7 days
TOKEN_SHAPE = re.compile(r"[0-9a-f-]{36}\.1795878000\.[A-Za-z0-9_-]{32}\.[0-9a-f]{64}")


def prospect(session: Session, name: str = "Lena Park") -> CreatorPipeline:
    row = CreatorPipeline(
        name=name, stage=PipelineStage.PROSPECT, stage_entered_at=NOW - timedelta(days=2),
        prospect_at=NOW - timedelta(days=2), manual_stage=True, contact_email="lena@example.com",
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def admin_id(session: Session) -> str:
    return make_user(session, username="ops", role=UserRole.ADMIN, name="Sam Rivera").id


def sign(payload: str, key: str = KEY) -> str:
    return hmac.new(key.encode(), b"pipeline-invite:" + payload.encode(), hashlib.sha256).hexdigest()


def invites_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(PipelineInvite)) or 0


def test_the_link_its_signature_and_what_is_stored(session: Session) -> None:
    creator = prospect(session)
    link = create_invite(session, creator_id=creator.id, admin_user_id=admin_id(session), settings=SETTINGS, now=NOW)

    assert TOKEN_SHAPE.fullmatch(link.token), link.token
    assert link.url == f"https://toolkit.example/?invite={link.token}"
    assert link.expires_at == datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
    invite_id, expires, nonce, signature = link.token.split(".")
    assert (invite_id, expires) == (link.invite_id, "1795878000")
    assert signature == sign(f"{invite_id}.1795878000.{nonce}")

    stored = session.get(PipelineInvite, invite_id)
    assert stored is not None
    assert stored.token_hash == hashlib.sha256(nonce.encode()).hexdigest()
    assert (stored.creator_id, stored.created_at, stored.expires_at, stored.used_at) == (
        creator.id, NOW, datetime(2026, 11, 28, 15, 0, tzinfo=UTC), None
    )  # fmt: skip
    # Neither the token nor its nonce is kept anywhere in the row.
    values = [str(getattr(stored, c.key)) for c in PipelineInvite.__table__.columns]
    assert not any(nonce in v or signature in v for v in values)


def test_redeemed_once_then_refused_as_used(session: Session) -> None:
    creator = prospect(session)
    link = create_invite(session, creator_id=creator.id, admin_user_id=admin_id(session), settings=SETTINGS, now=NOW)
    later = NOW + timedelta(days=1)

    assert redeem_invite(session, link.token, settings=SETTINGS, now=later) == creator.id
    assert session.get(PipelineInvite, link.invite_id).used_at == later

    with pytest.raises(InviteError) as refused:
        redeem_invite(session, link.token, settings=SETTINGS, now=later + timedelta(minutes=1))
    assert refused.value.reason == "used"
    assert str(refused.value) == (
        "This invite link has already been used. Sign in with the account you created, or ask for a new invite."
    )
    assert session.get(PipelineInvite, link.invite_id).used_at == later


def test_expiry_is_exact_to_the_second(session: Session) -> None:
    creator = prospect(session)
    admin = admin_id(session)
    short = create_invite(
        session, creator_id=creator.id, admin_user_id=admin, settings=SETTINGS, now=NOW, valid_for=timedelta(hours=1)
    )
    assert short.expires_at == datetime(2026, 11, 21, 16, 0, tzinfo=UTC)
    with pytest.raises(InviteError) as refused:
        redeem_invite(session, short.token, settings=SETTINGS, now=datetime(2026, 11, 21, 16, 0, tzinfo=UTC))
    assert refused.value.reason == "expired"
    assert str(refused.value) == "This invite link has expired. Ask the person who invited you for a new one."
    assert session.get(PipelineInvite, short.invite_id).used_at is None

    week = create_invite(session, creator_id=creator.id, admin_user_id=admin, settings=SETTINGS, now=NOW)
    just_in_time = datetime(2026, 11, 28, 14, 59, 59, tzinfo=UTC)
    assert redeem_invite(session, week.token, settings=SETTINGS, now=just_in_time) == creator.id


def _flip(text: str, index: int) -> str:
    """`text` with the character at `index` changed to another of the same alphabet."""
    char = text[index]
    replacement = {"0": "1", "a": "b", "-": "_", "_": "-"}.get(char.lower(), "0" if char != "0" else "1")
    return text[:index] + replacement + text[index + 1 :]


@pytest.mark.parametrize("part", [0, 1, 2, 3], ids=["id", "expiry", "nonce", "signature"])
@pytest.mark.parametrize("where", ["first", "last"])
def test_one_flipped_character_in_any_part_is_refused(session: Session, part: int, where: str) -> None:
    creator = prospect(session)
    link = create_invite(session, creator_id=creator.id, admin_user_id=admin_id(session), settings=SETTINGS, now=NOW)
    parts = link.token.split(".")
    parts[part] = _flip(parts[part], 0 if where == "first" else len(parts[part]) - 1)
    tampered = ".".join(parts)
    assert tampered != link.token

    with pytest.raises(InviteError) as refused:
        redeem_invite(session, tampered, settings=SETTINGS, now=NOW)
    assert refused.value.reason == "invalid"
    assert str(refused.value) == (
        "This invite link is not valid. Check that you copied the whole link, or ask for a new invite."
    )
    assert session.get(PipelineInvite, link.invite_id).used_at is None
    # The untouched link still works.
    assert redeem_invite(session, link.token, settings=SETTINGS, now=NOW) == creator.id


def test_another_key_malformed_and_unknown_tokens(session: Session) -> None:
    creator = prospect(session)
    link = create_invite(session, creator_id=creator.id, admin_user_id=admin_id(session), settings=SETTINGS, now=NOW)
    other_key = Settings(auth_cookie_key="another-key-entirely-9876543210", app_base_url="https://toolkit.example")
    with pytest.raises(InviteError) as refused:
        redeem_invite(session, link.token, settings=other_key, now=NOW)
    assert refused.value.reason == "invalid"

    invite_id, expires, nonce, signature = link.token.split(".")
    malformed = [
        "", "   ", "invite", f"{invite_id}.{expires}.{nonce}", f"{link.token}.extra", link.token + "0",
        link.token.upper(), f"{invite_id}.{expires}.{nonce}.{signature[:-1]}", link.token + "A" * 300,
        f"{invite_id}.１795878000.{nonce}.{signature}",  # a full-width digit
    ]  # fmt: skip
    for token in malformed:
        with pytest.raises(InviteError) as refused:
            redeem_invite(session, token, settings=SETTINGS, now=NOW)
        assert refused.value.reason == "invalid", token

    # Well signed (by hand, with the right key) but never issued by this database.
    stranger = "00000000-1111-2222-3333-444444444444"
    payload = f"{stranger}.1795878000.{'A' * 32}"
    with pytest.raises(InviteError) as refused:
        redeem_invite(session, f"{payload}.{sign(payload)}", settings=SETTINGS, now=NOW)
    assert refused.value.reason == "unknown"
    assert str(refused.value).startswith("This invite link is no longer on file")

    # A signed token for a real invite id with another nonce: its hash does not match what was stored.
    forged = f"{invite_id}.1795878000.{'B' * 32}"
    with pytest.raises(InviteError) as refused:
        redeem_invite(session, f"{forged}.{sign(forged)}", settings=SETTINGS, now=NOW)
    assert refused.value.reason == "invalid"
    assert session.get(PipelineInvite, invite_id).used_at is None


def test_only_an_admin_creates_invites(session: Session) -> None:
    creator = prospect(session)
    seller = make_user(session, username="maya", role=UserRole.SELLER)
    with pytest.raises(PermissionError, match="Only an admin can create an invite link"):
        create_invite(session, creator_id=creator.id, admin_user_id=seller.id, settings=SETTINGS, now=NOW)
    with pytest.raises(PermissionError):
        create_invite(session, creator_id=creator.id, admin_user_id="no-such-user", settings=SETTINGS, now=NOW)
    with pytest.raises(LookupError):
        create_invite(
            session, creator_id="no-such-creator", admin_user_id=admin_id(session), settings=SETTINGS, now=NOW
        )
    assert invites_count(session) == 0


# --------------------------------------------------------------------------- two redemptions at the same moment


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    from tests.jobs.conftest import fresh_engine

    name = re.sub(r"[^a-z0-9_]+", "_", f"invites_{request.node.name}".lower())[:60]
    engine = fresh_engine(request.param, name, request, tmp_path)
    yield engine
    engine.dispose()


def test_two_redemptions_at_once_redeem_once(fresh_db: Engine) -> None:
    """Both sessions read the unused invite first (a barrier after the read), then both try to mark it used: the
    conditional UPDATE lets one through; the other is told the link was used (or, on SQLite, may be refused by
    the database lock: it redeemed nothing either)."""
    with Session(fresh_db) as s:
        creator_id = prospect(s).id
        link = create_invite(s, creator_id=creator_id, admin_user_id=admin_id(s), settings=SETTINGS, now=NOW)
        s.commit()
    barrier = threading.Barrier(2)
    results: list[str] = []

    def redeem(index: int) -> None:
        with Session(fresh_db) as s:
            s.get(PipelineInvite, link.invite_id)  # both have read it unused before either writes
            barrier.wait()
            try:
                found = redeem_invite(s, link.token, settings=SETTINGS, now=NOW + timedelta(seconds=index))
                s.commit()
                results.append("redeemed" if found == creator_id else found)
            except InviteError as exc:
                s.rollback()
                results.append(exc.reason)
            except Exception as exc:  # SQLite may refuse the second writer outright
                s.rollback()
                results.append(f"refused: {type(exc).__name__}")

    threads = [threading.Thread(target=redeem, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert results.count("redeemed") == 1, results
    if fresh_db.dialect.name == "postgresql":  # the second UPDATE waits for the first commit, then matches no row
        assert sorted(results) == ["redeemed", "used"]
    with Session(fresh_db) as s:
        used_at = s.get(PipelineInvite, link.invite_id).used_at
        assert used_at in (NOW, NOW + timedelta(seconds=1))
