"""AppTest fixtures: a temp SQLite marketplace the app is pointed at, clean Streamlit caches, fake cookies,
and helpers to log in through the form or by pre-setting the authenticator's session state."""

from __future__ import annotations

import json
import re
import types
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import streamlit as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from components.shell.streamlit_internals import disable_legacy_pages_mode
from core.config import PROJECT_ROOT, reset_settings
from core.db import make_engine, set_engine
from core.migrate import upgrade_engine
from core.models import AnalyticsEvent, DigitalProduct, ProductStatus, RevenueRecord, SellerStatus, User, UserRole
from tests.factories import add_revenue, make_product, make_seller, make_user

APP_PATH = str(PROJECT_ROOT / "app.py")
# Each run may sleep: 0.7 s login_sleep_time while logged out, 1 s before the post-login rerun.
RUN_TIMEOUT = 30

PASSWORDS = {"admin": "admin-test-pass", "maya": "maya-test-pass", "noah": "noah-test-pass", "pia": "pia-test-pass"}


@dataclass(frozen=True)
class World:
    """What the app database holds, with the ids tests need."""

    url: str
    engine: Engine
    today: date
    maya_seller_id: str
    noah_seller_id: str
    other_seller_id: str


def build_world(session: Session, today: date) -> dict[str, str]:
    """admin, maya (sales), noah (approved, no sale), pia (pending), and another seller whose rows must not leak."""
    make_user(session, username="admin", password=PASSWORDS["admin"], role=UserRole.ADMIN, name="Ada Admin")
    maya = make_seller(session, username="maya", password=PASSWORDS["maya"], name="Maya Lopez")
    noah = make_seller(session, username="noah", password=PASSWORDS["noah"], name="Noah Kim")
    make_seller(session, username="pia", password=PASSWORDS["pia"], name="Pia Pending", status=SellerStatus.PENDING)
    other = make_seller(session, username="otto", name="Otto Other")
    make_user(session, username="gone", password="gone-test-pass", name="Gone User").is_active = False

    live = make_product(session, seller=maya, title="Budget planner")
    make_product(session, seller=maya, status=ProductStatus.DRAFT)
    make_product(session, seller=maya, status=ProductStatus.ARCHIVED)
    deleted: DigitalProduct = make_product(session, seller=maya)
    deleted.deleted_at = datetime(2026, 1, 1, tzinfo=UTC)
    make_product(session, seller=noah, title="Noah's first e-book")
    other_product = make_product(session, seller=other)

    def day(n: int) -> date:
        return today - timedelta(days=n)

    add_revenue(session, product=live, day=day(1), revenue="100.00", units=2)  # current period
    add_revenue(session, product=live, day=day(30), revenue="50.50", units=1)  # current period, first day
    add_revenue(session, product=live, day=day(31), revenue="40.00", units=1)  # previous period, last day
    add_revenue(session, product=live, day=day(60), revenue="10.00", units=1)  # previous period, first day
    add_revenue(session, product=live, day=day(61), revenue="999.00", units=9)  # before both periods
    add_revenue(session, product=live, day=day(0), revenue="77.00", units=1)  # today: not a full day yet
    add_revenue(session, product=other_product, day=day(1), revenue="500.00", units=5)  # another seller
    session.flush()
    # The marketplace writes one `purchase` event per unit sold (GMV, orders and buyers are counted from them):
    # the same sales as events, today's left out as in the records' complete days, each at 20:00 (after the 15:00
    # the today-so-far comparisons stop at).
    for record in session.scalars(select(RevenueRecord).where(RevenueRecord.day < today)):
        cents = int(record.revenue * 100)
        for i in range(record.units):
            share = cents // record.units + (1 if i < cents % record.units else 0)
            session.add(
                AnalyticsEvent(
                    person_id=f"buyer{i}",
                    event_type="purchase",
                    occurred_at=datetime.combine(record.day, time(20), tzinfo=UTC),
                    properties={"amount_cents": share, "product_id": record.product_id},
                )
            )
    session.flush()
    return {"maya": maya.id, "noah": noah.id, "other": other.id}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    path: Path = tmp_path_factory.mktemp("app") / "app.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade_engine(engine)
    today = datetime.now(UTC).date()
    with Session(engine) as session:
        ids = build_world(session, today)
        session.commit()
    yield World(url, engine, today, ids["maya"], ids["noah"], ids["other"])
    engine.dispose()


class _NoLegacyPagesManager(PagesManager):
    """AppTest resets Streamlit's legacy `pages/`-folder flag before every run, so every test run would be
    wrapped in that mode (a pages/ folder sits next to app.py). The launcher (`scripts/serve.py`) turns the
    mode off before the server starts; make every test run look like a run of that server."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        disable_legacy_pages_mode()


def _clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(autouse=True)
def app_env(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Point the app at the world database with clean caches and an empty cookie jar."""
    monkeypatch.setenv("DATABASE_URL", world.url)
    monkeypatch.setenv("APP_ENV", "development")
    monkeypatch.delenv("AUTH_COOKIE_KEY", raising=False)
    reset_settings()
    _clear_streamlit_caches()
    cookies: dict[str, str] = {}
    # The test runtime's cookies are a MagicMock; give the app a real (empty) jar. A local browser has no address.
    client = types.SimpleNamespace(cookies=cookies, headers=[("User-Agent", "AppTest")], remote_ip=None)
    with (
        mock.patch("streamlit.runtime.context._get_client_context", return_value=client),
        mock.patch("streamlit.testing.v1.app_test.PagesManager", _NoLegacyPagesManager),
    ):
        yield cookies
    _clear_streamlit_caches()
    set_engine(None)
    reset_settings()


def plain(markdown: str) -> str:
    """Markdown source as a reader sees its text: without the backslashes `components.ui.text.md` puts before
    Markdown control characters (`\\$19\\.00` reads `$19.00`), and without the invisible word joiners it puts
    where a link or an icon would start (`https\\:\u2060//…` reads `https://…`)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def pin_clock(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """Stop the app's one clock (`components.data.clock`) at `moment`: every page, cache key and write sees it."""
    from components.data import clock

    monkeypatch.setattr(clock, "now", lambda: moment)


def new_app() -> AppTest:
    return AppTest.from_file(APP_PATH, default_timeout=RUN_TIMEOUT)


def start_server_session(username: str) -> tuple[str, str]:
    """A real login session for `username` in the app database, as a form login writes it, at the app's clock
    (pinned or not): (session id, cookie value)."""
    from components.data import clock
    from core.accounts import SessionPolicy, sign_token, start_session
    from core.config import get_settings

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            user_id = session.scalar(select(User.id).where(User.username == username))
            assert user_id is not None, username
            session_id, token = start_session(session, user_id=user_id, now=clock.now(), policy=SessionPolicy())
            session.commit()
    finally:
        engine.dispose()
    return session_id, sign_token(token, settings.auth_cookie_key)


def logged_in_app(username: str, role: str, name: str) -> AppTest:
    """An AppTest whose session is already authenticated (skips the form, as after a cookie login), with the
    server-side session a login writes (the app checks it on every run)."""
    at = new_app()
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["name"] = name
    at.session_state["roles"] = [role]
    at.session_state["sgt_session_id"] = start_server_session(username)[0]
    return at


def cookie_calls(at: AppTest) -> list[tuple[str, str]]:
    """(method, cookie name) of every cookie-component call the last run rendered, e.g. ("delete", "sgt_session")
    (the test runtime has no browser: this is what the browser would have been told)."""
    calls = []
    for element in at.get("component_instance"):
        args = json.loads(element.proto.json_args)
        if args.get("cookie"):
            calls.append((args["method"], args["cookie"]))
    return calls


def login_through_form(at: AppTest, username: str, password: str) -> AppTest:
    at.run()
    # The login form has exactly two text inputs: Username, then Password.
    username_box, password_box = at.text_input[0], at.text_input[1]
    username_box.input(username)
    password_box.input(password)
    at.button[0].click()
    return at.run()
