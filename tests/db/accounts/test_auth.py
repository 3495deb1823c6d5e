"""Login credentials from the users table, the logged-in account, and the last-login stamp (both databases)."""

from __future__ import annotations

from datetime import timedelta

import bcrypt
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.auth import load_account, load_credential, load_credentials, record_login
from core.models import SellerStatus, User, UserRole
from tests.conftest import NOW
from tests.factories import make_seller, make_user


def test_credentials_hold_bcrypt_hashes_and_roles_of_active_users_only(session: Session) -> None:
    admin = make_user(session, username="cred_admin", password="admin-pass-1", role=UserRole.ADMIN, name="Ada")
    make_seller(session, username="Cred_Seller", password="seller-pass-1", name="Sam")
    make_seller(session, username="cred_pending", status=SellerStatus.PENDING)
    make_user(session, username="cred_gone", password="gone-pass-1").is_active = False
    session.flush()

    users = load_credentials(session)["usernames"]
    ours = {name: entry for name, entry in users.items() if name.startswith("cred_")}
    # The inactive user is left out; the pending seller may log in (and then sees a notice).
    assert sorted(ours) == ["cred_admin", "cred_pending", "cred_seller"]
    assert ours["cred_admin"] == {
        "name": "Ada",
        "email": "cred_admin@example.com",
        "password": admin.password_hash,
        "roles": ["admin"],
    }
    assert ours["cred_seller"]["roles"] == ["seller"]
    for entry in ours.values():
        assert entry["password"].startswith("$2") and len(entry["password"]) == 60
        assert "pass-1" not in entry["password"]
    assert bcrypt.checkpw(b"seller-pass-1", ours["cred_seller"]["password"].encode())
    assert not bcrypt.checkpw(b"admin-pass-1", ours["cred_seller"]["password"].encode())


def test_one_credential_is_read_case_insensitively_and_only_for_active_users(session: Session) -> None:
    seller = make_seller(session, username="Cred1_Seller", password="seller-pass-1", name="Sam")
    make_user(session, username="cred1_gone", password="gone-pass-1").is_active = False
    session.flush()

    entry = load_credential(session, username="  CRED1_seller ")
    assert entry == {
        "name": "Sam",
        "email": "Cred1_Seller@example.com",
        "password": seller.user.password_hash,
        "roles": ["seller"],
    }
    assert entry == load_credentials(session)["usernames"]["cred1_seller"]  # the same entry as the full list
    assert load_credential(session, username="cred1_gone") is None
    assert load_credential(session, username="nobody") is None
    assert load_credential(session, username="cred1_sel\x00ler") is None  # never a DataError on PostgreSQL


def test_load_account(session: Session) -> None:
    seller = make_seller(session, username="acct_seller", name="Sam Seller")
    make_user(session, username="acct_admin", role=UserRole.ADMIN, name="Ada")
    make_user(session, username="acct_gone").is_active = False
    session.flush()

    account = load_account(session, username="ACCT_SELLER")
    assert account is not None
    assert (account.username, account.role, account.seller_id) == ("acct_seller", UserRole.SELLER, seller.id)
    assert account.seller_status == SellerStatus.APPROVED and account.can_use_seller_pages

    admin = load_account(session, username="acct_admin")
    assert admin is not None and admin.is_admin and admin.seller_id is None and not admin.can_use_seller_pages
    assert load_account(session, username="acct_gone") is None
    assert load_account(session, username="nobody") is None


def test_pending_or_deleted_profile_cannot_use_seller_pages(session: Session) -> None:
    make_seller(session, username="acct_pending", status=SellerStatus.PENDING)
    deleted = make_seller(session, username="acct_deleted")
    deleted.deleted_at = NOW
    session.flush()
    pending = load_account(session, username="acct_pending")
    assert pending is not None and pending.seller_status == SellerStatus.PENDING and not pending.can_use_seller_pages
    gone_profile = load_account(session, username="acct_deleted")
    assert gone_profile is not None and gone_profile.seller_id is None and not gone_profile.can_use_seller_pages


def test_record_login_stamps_only_that_user(session: Session) -> None:
    maya = make_user(session, username="rl_maya")
    other = make_user(session, username="rl_other")
    make_user(session, username="rl_gone").is_active = False
    session.flush()

    assert record_login(session, username="RL_Maya", now=NOW) is True
    assert record_login(session, username="rl_gone", now=NOW) is False
    assert record_login(session, username="rl_nobody", now=NOW) is False
    session.expire_all()
    assert session.get(User, maya.id).last_login_at == NOW
    assert session.get(User, other.id).last_login_at is None

    later = NOW + timedelta(hours=2)
    record_login(session, username="rl_maya", now=later)
    assert session.scalar(select(User.last_login_at).where(User.id == maya.id)) == later
