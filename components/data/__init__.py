"""The UI's door to the database: the cached engine, each database error as the message that names it, and the topic
registry that `forget_seller()` clears after a write.

Only this package opens sessions, imports SQLAlchemy or uses `st.cache_*`, so widgets deal in plain data and
`core` stays free of Streamlit. Each area module (`accounts`, `insights`, `pricing`, …) registers its cached
reads under a topic with `@cached(topic, ttl=…)`; a write then calls `forget_seller(seller_id, "pricing",
"listings")` instead of reaching into another area's caches.

What forgetting clears: `st.cache_data` can drop one entry only when it is given every argument of the call, so a
read whose only parameter is `seller_id` loses exactly that seller's entry, and any other read of the topic
(`pricing_analysis(seller_id, product_id)`, `insights_page(seller_id, tab, page)`) loses all its entries — every
seller's, a little more than needed, never less.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import (
    DataError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from core.db import make_engine, set_engine

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

# What widgets catch when a write fails in the database (they never import SQLAlchemy themselves).
DatabaseError = SQLAlchemyError


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


# A database that cannot be reached, or stopped answering mid-way (psycopg reports a cancelled or timed-out
# statement and a dropped connection as OperationalError; the pool's own wait is sqlalchemy.exc.TimeoutError).
_UNREACHABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError)


def describe_database_error(exc: BaseException, *, doing: str = "load this data") -> tuple[str, str]:
    """(message, icon) naming what went wrong, for a page or a widget's write ("save your goal"):

    * a value the database refuses (`DataError`: a NUL in a text, a number too large) — the input's fault,
      so it says to check what was typed, never that the database is down;
    * the database unreachable or not answering — "did not answer", try again in a minute;
    * a clash with a change saved at the same moment (`IntegrityError`) — reload and try again;
    * anything else — an error on our side, logged.
    """
    if isinstance(exc, DataError):
        return (
            f"We couldn't {doing}: the database refused a value in it (a character or a number it cannot store). "
            "Check what you typed — pasted text can carry invisible characters — and try again.",
            ":material/error:",
        )
    if isinstance(exc, _UNREACHABLE):
        return (
            f"We couldn't {doing} right now: the database did not answer. Please try again in a minute.",
            ":material/cloud_off:",
        )
    if isinstance(exc, IntegrityError):
        return (
            f"We couldn't {doing}: it clashes with a change saved at the same moment. Reload the page and try again.",
            ":material/sync_problem:",
        )
    return (
        f"We couldn't {doing}: the database reported an error on our side (it has been logged). Please try again; "
        "if it keeps happening, tell the support team.",
        ":material/error:",
    )


@contextmanager
def database_errors() -> Iterator[None]:
    """Turn a database failure into one clear message on the page instead of a stack trace; the message says
    which failure it was (`describe_database_error`): a refused value is not "the database did not answer"."""
    try:
        yield
    except SQLAlchemyError as exc:
        log.exception("database error while rendering a page")
        message, icon = describe_database_error(exc)
        st.error(message, icon=icon)
        st.stop()


# ---------------------------------------------------------------- topics: what a write makes stale


@dataclass(frozen=True)
class CachedRead:
    """One cached read of a topic; `per_seller` when its only parameter is `seller_id` (precise clearing)."""

    function: Any  # a Streamlit CachedFunc: callable, with .clear(*args)
    per_seller: bool


# Every topic a cached read may register under. Declared here, not by whichever module happens to be imported
# first, so `forget_seller(seller_id, "listings")` works before the listings reads were ever loaded, and a typo
# fails loudly instead of silently keeping stale numbers on screen.
TOPICS = frozenset(
    {
        "accounts",  # credentials and the logged-in account
        "sales",  # home summaries: revenue, units, live products
        "insights",  # cards, counts per status, the menu badge
        "pricing",  # published products, one product's analysis, price history
        "listings",  # listing scores, 90-day revenue per product, suggestions, low-quality listings
        "goals",
        "learn",  # the published library (changed by the admin's editor)
        "market",  # benchmarks, segments, the forecast
        "opportunities",
        "settings",
        "sellers",  # the admin's seller success KPIs, table and detail
        "analytics",  # operator KPIs and funnels
        "notifications",
    }
)
_TOPICS: dict[str, list[CachedRead]] = {name: [] for name in TOPICS}


def _known(name: str) -> list[CachedRead]:
    if name not in _TOPICS:
        raise ValueError(f"unknown cache topic {name!r}; known: {', '.join(sorted(TOPICS))}")
    return _TOPICS[name]


def cached(topic: str, *, ttl: float, show_spinner: bool | str = False) -> Callable[[F], F]:
    """`st.cache_data(ttl=…)` whose entries `forget_seller(seller_id, topic)` / `forget_topic(topic)` clear."""

    def register(function: F) -> F:
        reads = _known(topic)
        wrapped = st.cache_data(ttl=ttl, show_spinner=show_spinner)(function)
        per_seller = list(inspect.signature(function).parameters) == ["seller_id"]
        reads.append(CachedRead(wrapped, per_seller))
        return wrapped  # type: ignore[return-value]

    return register


def topics() -> dict[str, list[CachedRead]]:
    """Every registered topic and its reads (a copy: for tests and for a reader of this file)."""
    return {name: list(reads) for name, reads in _TOPICS.items()}


def forget_seller(seller_id: str, *names: str) -> None:
    """Forget the cached answers of `names` that a write for `seller_id` made stale (see the module's docstring).

    An unknown topic is a programming error: ValueError.
    """
    for name in names:
        for read in _known(name):
            if read.per_seller:
                read.function.clear(seller_id)
            else:
                read.function.clear()


def forget_topic(*names: str) -> None:
    """Forget every entry of `names`, for every seller (an admin change everyone sees, e.g. the learn library)."""
    for name in names:
        for read in _known(name):
            read.function.clear()


def clear_all() -> None:
    """Forget every cached query result (tests; an admin action that changes what every seller sees)."""
    st.cache_data.clear()
