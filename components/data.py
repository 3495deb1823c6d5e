"""The UI's door to the database: the cached engine and `st.cache_data` wrappers that return plain data.

Pages call these instead of opening sessions themselves, so every query result the UI shows is
cached for a short while (a busy Monday means many reruns of the same page) and `core` stays free
of Streamlit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import Any

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from core.accounts import auth
from core.config import get_settings
from core.db import make_engine, session_scope, set_engine, utcnow
from core.sales import summary as home

log = logging.getLogger(__name__)

# How long a cached answer may be shown before it is read again.
CREDENTIALS_TTL_SECONDS = 60
ACCOUNT_TTL_SECONDS = 60
SUMMARY_TTL_SECONDS = 300


@st.cache_resource(show_spinner=False, on_release=lambda engine: engine.dispose())
def cached_engine(database_url: str) -> Engine:
    """One engine (one connection pool) per process and database URL, shared by every browser session."""
    engine = make_engine(database_url)
    # `session_scope()` (used here and by core callers) must use this pooled engine.
    set_engine(engine)
    return engine


def use_database(database_url: str) -> Engine:
    """Make sure this process talks to `database_url` through the cached engine."""
    return cached_engine(database_url)


@contextmanager
def database_errors() -> Iterator[None]:
    """Turn a database failure into one clear message on the page instead of a stack trace."""
    try:
        yield
    except SQLAlchemyError:
        log.exception("database error while rendering a page")
        st.error(
            "We couldn't load this data right now: the database did not answer. Please try again in a minute.",
            icon=":material/cloud_off:",
        )
        st.stop()


def today() -> date:
    """Today in the marketplace's time zone (the day the home pages' windows end before)."""
    return datetime.now(get_settings().timezone).date()


def _start_of(day: date) -> datetime:
    # The summaries only look at the calendar day of `now`; cache keys are days, not seconds.
    return datetime.combine(day, time.min, tzinfo=get_settings().timezone)


@st.cache_data(ttl=CREDENTIALS_TTL_SECONDS, show_spinner=False)
def credentials() -> dict[str, Any]:
    """Login credentials of the active users (a fresh copy per call: the authenticator mutates it)."""
    with session_scope() as session:
        return auth.load_credentials(session)


@st.cache_data(ttl=ACCOUNT_TTL_SECONDS, show_spinner=False)
def account(username: str) -> auth.Account | None:
    """The logged-in account, re-read every minute so a suspension or approval shows up soon."""
    with session_scope() as session:
        return auth.load_account(session, username=username)


def record_login(username: str) -> None:
    """Stamp the user's last login (one small write; never cached)."""
    with session_scope() as session:
        auth.record_login(session, username=username, now=utcnow())


@st.cache_data(ttl=SUMMARY_TTL_SECONDS, show_spinner="Loading your numbers…")
def seller_home(seller_id: str, day: date) -> home.SellerHomeSummary:
    with session_scope() as session:
        return home.seller_home_summary(session, seller_id=seller_id, now=_start_of(day))


@st.cache_data(ttl=SUMMARY_TTL_SECONDS, show_spinner="Loading the marketplace…")
def admin_home(day: date) -> home.AdminHomeSummary:
    with session_scope() as session:
        return home.admin_home_summary(session, now=_start_of(day))


def clear_all() -> None:
    """Forget every cached query result (tests; an admin action that changes what sellers see)."""
    st.cache_data.clear()
