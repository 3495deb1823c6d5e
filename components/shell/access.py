"""Who is looking at the page: the logged-in account, role checks, and the seller id pages may use."""

from __future__ import annotations

import streamlit as st

from components.data import accounts
from core.accounts import Account
from core.models import UserRole

ROLE_LABELS = {UserRole.ADMIN.value: "Admin", UserRole.SELLER.value: "Seller"}


def is_logged_in() -> bool:
    return st.session_state.get("authentication_status") is True and bool(st.session_state.get("username"))


def logged_in_account() -> Account | None:
    """The active account behind the session, or None when nobody (or a deactivated user) is logged in."""
    if not is_logged_in():
        return None
    return accounts.account(st.session_state["username"])


def current_account() -> Account:
    """The logged-in account; stops the page with a message when there is none."""
    account = logged_in_account()
    if account is None:
        st.error("Please log in to see this page.", icon=":material/lock:")
        st.stop()
    return account


def require_role(role: str | UserRole) -> Account:
    """Stop the page unless the logged-in account has `role` (pages check again; the menu is not enough)."""
    account = current_account()
    wanted = UserRole(role)
    # The account is re-read from the database (see `components.data.accounts.account`), so a role change wins over
    # the roles the authenticator copied into the session at login.
    if account.role != wanted:
        st.error(f"This page is only for {ROLE_LABELS[wanted.value].lower()}s.", icon=":material/block:")
        st.stop()
    return account


def current_seller_id() -> str:
    """The seller profile id of the logged-in, approved seller.

    Seller pages take the id from here only, never from a widget or the URL, so a seller can
    never ask for another seller's numbers.
    """
    account = require_role(UserRole.SELLER)
    if not account.can_use_seller_pages or account.seller_id is None:
        st.warning("Your seller account isn't approved yet, so the seller tools are not available.")
        st.stop()
    return account.seller_id
