"""A seller's settings on SQLite and PostgreSQL: read, save the weekly-digest opt-in, scoping, unknown sellers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.preferences import get_seller_settings, save_seller_settings
from core.messaging.digest import digest_recipients
from core.models import SellerProfile
from tests.conftest import NOW
from tests.factories import make_seller


def stored_opt_in(session: Session, seller_id: str) -> bool:
    session.expire_all()
    return session.execute(select(SellerProfile.weekly_digest_opt_in).where(SellerProfile.id == seller_id)).scalar_one()


def test_a_new_seller_is_opted_in_and_sees_their_own_address(session: Session) -> None:
    maya = make_seller(session, username="maya_s", name="Maya Lopez")
    settings = get_seller_settings(session, seller_id=maya.id)
    assert settings.seller_id == maya.id
    assert settings.display_name == "Maya Lopez"
    assert settings.email == "maya_s@example.com"  # make_user: f"{username}@example.com"
    assert settings.email_masked == "m****@example.com"
    assert settings.weekly_digest_opt_in is True  # the column's default


def test_opting_out_is_stored_and_only_for_that_seller(session: Session) -> None:
    maya = make_seller(session, username="maya_o")
    other = make_seller(session, username="otto_o")
    saved = save_seller_settings(session, seller_id=maya.id, weekly_digest_opt_in=False, now=NOW)
    session.commit()  # releases the test's savepoint, like the page's session_scope commits
    assert saved.weekly_digest_opt_in is False
    assert stored_opt_in(session, maya.id) is False
    assert stored_opt_in(session, other.id) is True  # another seller's choice is untouched
    assert get_seller_settings(session, seller_id=maya.id).weekly_digest_opt_in is False
    updated = session.execute(select(SellerProfile.updated_at).where(SellerProfile.id == maya.id)).scalar_one()
    assert updated == NOW
    # The digest job reads the same column: maya is no longer a recipient, otto still is.
    recipients = digest_recipients(session)
    assert maya.id not in recipients
    assert other.id in recipients


def test_opting_back_in_restores_the_digest(session: Session) -> None:
    maya = make_seller(session, username="maya_b")
    save_seller_settings(session, seller_id=maya.id, weekly_digest_opt_in=False, now=NOW)
    later = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    save_seller_settings(session, seller_id=maya.id, weekly_digest_opt_in=True, now=later)
    assert stored_opt_in(session, maya.id) is True
    assert maya.id in digest_recipients(session)


def test_saving_the_same_choice_changes_nothing(session: Session) -> None:
    maya = make_seller(session, username="maya_same")
    before = session.execute(select(SellerProfile.updated_at).where(SellerProfile.id == maya.id)).scalar_one()
    save_seller_settings(session, seller_id=maya.id, weekly_digest_opt_in=True, now=NOW)
    after = session.execute(select(SellerProfile.updated_at).where(SellerProfile.id == maya.id)).scalar_one()
    assert after == before != NOW


def test_unknown_and_deleted_sellers_are_refused(session: Session) -> None:
    with pytest.raises(LookupError, match="Seller not found"):
        get_seller_settings(session, seller_id="no-such-seller")
    with pytest.raises(LookupError, match="Seller not found"):
        save_seller_settings(session, seller_id="no-such-seller", weekly_digest_opt_in=False)
    gone = make_seller(session, username="gone_s")
    gone.deleted_at = NOW
    session.flush()
    with pytest.raises(LookupError):
        get_seller_settings(session, seller_id=gone.id)
    with pytest.raises(LookupError):
        save_seller_settings(session, seller_id=gone.id, weekly_digest_opt_in=False)
    assert stored_opt_in(session, gone.id) is True  # nothing written


@pytest.mark.parametrize("value", ["false", 0, None])
def test_only_a_real_bool_is_accepted(session: Session, value: object) -> None:
    maya = make_seller(session, username=f"maya_t{value!s}")
    with pytest.raises(TypeError):
        save_seller_settings(session, seller_id=maya.id, weekly_digest_opt_in=value)  # type: ignore[arg-type]
    assert stored_opt_in(session, maya.id) is True
