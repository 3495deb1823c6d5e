"""Seller applications (`core.sellers.applications`) on SQLite and PostgreSQL: approve and reject write the status,
one decision row, one in-app notification and one outbox e-mail; a bad reason or a seller who is not pending
changes nothing; only an admin decides; two admins deciding at the same moment decide once."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from core.models import (
    EmailOutbox,
    EmailStatus,
    Notification,
    NotificationType,
    ProductStatus,
    SellerApplicationDecision,
    SellerProfile,
    SellerStatus,
    UserRole,
)
from core.sellers import (
    NotPending,
    approve_application,
    decided_applications,
    latest_decision,
    pending_applications,
    reject_application,
)
from core.text_input import TextInputError
from tests.factories import make_product, make_seller, make_user

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


def _counts(session: Session) -> tuple[int, int, int]:
    return (
        session.scalar(select(func.count()).select_from(SellerApplicationDecision)) or 0,
        session.scalar(select(func.count()).select_from(Notification)) or 0,
        session.scalar(select(func.count()).select_from(EmailOutbox)) or 0,
    )


@pytest.fixture
def admin_id(session: Session) -> str:
    return make_user(session, username="ada", role=UserRole.ADMIN, name="Ada Admin").id


def test_the_queue_lists_pending_sellers_with_their_products(session: Session) -> None:
    pia = make_seller(session, username="pia", name="Pia Pending", status=SellerStatus.PENDING, specialties=["ebooks"])
    pia.bio = "I write *cookbooks*."
    make_product(session, seller=pia, status=ProductStatus.DRAFT)
    make_product(session, seller=pia, status=ProductStatus.DRAFT)
    make_product(session, seller=pia, status=ProductStatus.PUBLISHED)
    gone = make_product(session, seller=pia, status=ProductStatus.DRAFT)
    gone.deleted_at = NOW
    make_seller(session, username="ann", name="Ann Approved")
    session.flush()

    (item,) = [a for a in pending_applications(session) if a.username == "pia"]

    assert (item.display_name, item.published, item.drafts) == ("Pia Pending", 1, 2)
    assert item.bio == "I write *cookbooks*." and item.specialties == ("ebooks",)
    assert "ann" not in {a.username for a in pending_applications(session)}


def test_approve_opens_the_account_and_tells_the_seller(session: Session, admin_id: str) -> None:
    pia = make_seller(session, username="pia", name="Pia Pending", status=SellerStatus.PENDING)
    before = _counts(session)

    decision = approve_application(session, seller_id=pia.id, admin_user_id=admin_id, now=NOW)

    session.expire_all()
    profile = session.get(SellerProfile, pia.id)
    assert profile.status == SellerStatus.APPROVED and profile.approved_at == NOW
    row = session.get(SellerApplicationDecision, decision.id)
    assert (row.seller_id, row.decision, row.reason, row.decided_by_user_id, row.decided_at) == (
        pia.id,
        SellerStatus.APPROVED,
        None,
        admin_id,
        NOW,
    )
    assert _counts(session) == (before[0] + 1, before[1] + 1, before[2] + 1)
    note = session.scalars(select(Notification).where(Notification.user_id == pia.user_id)).one()
    assert (note.type, note.title, note.link) == (
        NotificationType.SYSTEM,
        "Your seller application was approved",
        "/home",
    )
    mail = session.scalars(select(EmailOutbox).where(EmailOutbox.to_user_id == pia.user_id)).one()
    assert mail.idempotency_key == f"seller-application:{decision.id}"
    assert (mail.to_address, mail.status, mail.subject) == (
        "pia@example.com",
        EmailStatus.QUEUED,
        "Your seller application was approved",
    )
    assert "Hello Pia Pending," in mail.text_body
    assert (decision.decision, decision.decided_by) == ("APPROVED", "Ada Admin")


def test_reject_keeps_the_reason_and_sends_it(session: Session, admin_id: str) -> None:
    pia = make_seller(session, username="pia", name="Pia <Pending>", status=SellerStatus.PENDING)

    decision = reject_application(
        session, seller_id=pia.id, admin_user_id=admin_id, reason="  No products yet.\nAdd two drafts.  ", now=NOW
    )

    session.expire_all()
    profile = session.get(SellerProfile, pia.id)
    assert (profile.status, profile.approved_at) == (SellerStatus.REJECTED, None)
    assert session.get(SellerApplicationDecision, decision.id).reason == "No products yet.\nAdd two drafts."
    note = session.scalars(select(Notification).where(Notification.user_id == pia.user_id)).one()
    assert note.title == "Your seller application was not approved" and note.link is None
    assert "No products yet.\nAdd two drafts." in note.body
    mail = session.scalars(select(EmailOutbox).where(EmailOutbox.to_user_id == pia.user_id)).one()
    assert "No products yet." in mail.text_body
    assert "Pia &lt;Pending&gt;" in mail.html_body and "<Pending>" not in mail.html_body  # escaped in HTML
    latest = latest_decision(session, seller_id=pia.id)
    assert (latest.decision, latest.reason, latest.decided_by) == (
        "REJECTED",
        "No products yet.\nAdd two drafts.",
        "Ada Admin",
    )
    assert decided_applications(session)[0].id == decision.id


@pytest.mark.parametrize(
    ("reason", "message_start"),
    [
        ("", "Give the seller a reason (3–500 characters)"),
        ("   no", "Give the seller a reason (3–500 characters)"),
        ("x" * 501, "The reason is 501 characters long; keep it to 500."),
        ("bad\x00byte", "The reason contains a control character (U+0000)"),
    ],
)
def test_a_bad_reason_changes_nothing(session: Session, admin_id: str, reason: str, message_start: str) -> None:
    pia = make_seller(session, username="pia", status=SellerStatus.PENDING)
    before = _counts(session)

    with pytest.raises(TextInputError) as caught:
        reject_application(session, seller_id=pia.id, admin_user_id=admin_id, reason=reason, now=NOW)

    assert caught.value.field == "reason" and caught.value.message.startswith(message_start)
    session.expire_all()
    assert session.get(SellerProfile, pia.id).status == SellerStatus.PENDING
    assert _counts(session) == before


def test_a_seller_who_is_not_pending_is_not_decided_again(session: Session, admin_id: str) -> None:
    ann = make_seller(session, username="ann", status=SellerStatus.APPROVED)
    pia = make_seller(session, username="pia", status=SellerStatus.PENDING)
    approve_application(session, seller_id=pia.id, admin_user_id=admin_id, now=NOW)
    before = _counts(session)

    with pytest.raises(NotPending, match="already approved"):
        approve_application(session, seller_id=ann.id, admin_user_id=admin_id, now=NOW)
    with pytest.raises(NotPending, match="already approved"):  # the second click
        reject_application(session, seller_id=pia.id, admin_user_id=admin_id, reason="Too late now", now=NOW)
    with pytest.raises(NotPending, match="does not exist"):
        approve_application(session, seller_id="no-such-seller", admin_user_id=admin_id, now=NOW)

    assert _counts(session) == before


def test_only_an_admin_decides(session: Session) -> None:
    pia = make_seller(session, username="pia", status=SellerStatus.PENDING)
    other = make_seller(session, username="otto")
    before = _counts(session)

    with pytest.raises(PermissionError):
        approve_application(session, seller_id=pia.id, admin_user_id=other.user_id, now=NOW)

    session.expire_all()
    assert session.get(SellerProfile, pia.id).status == SellerStatus.PENDING
    assert _counts(session) == before


# --------------------------------------------------------------------------- two admins at the same moment


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    from tests.jobs.conftest import fresh_engine

    name = re.sub(r"[^a-z0-9_]+", "_", f"apps_{request.node.name}".lower())[:60]
    engine = fresh_engine(request.param, name, request, tmp_path)
    yield engine
    engine.dispose()


def test_two_admins_deciding_at_once_decide_once(fresh_db: Engine) -> None:
    with Session(fresh_db) as s:
        admins = [make_user(s, username=f"admin{i}", role=UserRole.ADMIN).id for i in range(2)]
        pia_id = make_seller(s, username="pia", status=SellerStatus.PENDING).id
        s.commit()
    barrier = threading.Barrier(2)
    results: list[str] = []

    def decide(index: int) -> None:
        with Session(fresh_db) as s:
            barrier.wait()
            try:
                if index == 0:
                    approve_application(s, seller_id=pia_id, admin_user_id=admins[0], now=NOW)
                else:
                    reject_application(s, seller_id=pia_id, admin_user_id=admins[1], reason="Not a fit", now=NOW)
                s.commit()
                results.append("decided")
            except NotPending:
                s.rollback()
                results.append("not pending")
            except Exception as exc:  # SQLite may refuse the second writer outright: it decided nothing either
                s.rollback()
                results.append(f"refused: {type(exc).__name__}")

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert results.count("decided") == 1, results
    with Session(fresh_db) as s:
        (decision,) = s.scalars(select(SellerApplicationDecision)).all()
        assert s.get(SellerProfile, pia_id).status == decision.decision
        assert _counts(s) == (1, 1, 1)
