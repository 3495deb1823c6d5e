"""How fresh the roll-ups are, on the pages that read them (AppTest, as admin): Operator KPIs and Admin Home say
"counted from the raw events" before the `rollups` job ran, "Roll-ups up to 11:00 (…)" after it ran at 11:40, and
that the roll-ups are behind when the job stopped; the figures are the same before and after the roll-ups."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
import streamlit as st
from sqlalchemy import delete
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from components.admin import operator_kpis as kpi_page
from core.models import AnalyticsEvent, AnalyticsRollup, RollupWatermark
from jobs.dispatch import run_job
from tests.app.conftest import World, logged_in_app, pin_clock, plain

OPERATOR_KPIS = "pages/admin/operator_kpis.py"


@pytest.fixture(autouse=True)
def no_rollups(world: World) -> Iterator[None]:
    def clear() -> None:
        with Session(world.engine) as session:
            session.execute(delete(AnalyticsRollup))
            session.execute(delete(RollupWatermark))
            session.commit()

    clear()
    yield
    clear()


@pytest.fixture
def events(world: World) -> Iterator[None]:
    """Two google visits and a purchase this morning, one visit yesterday."""
    morning = datetime.combine(world.today, time(9), tzinfo=UTC)
    with Session(world.engine) as session:
        visits = [("f1", morning), ("f2", morning + timedelta(minutes=30)), ("f3", morning - timedelta(days=1))]
        for person, at, kind in [*((p, t, "page_view") for p, t in visits), ("f1", morning, "purchase")]:
            session.add(
                AnalyticsEvent(person_id=person, session_id=f"{person}-s", event_type=kind, occurred_at=at,
                               source="google", properties={"amount_cents": 1200} if kind == "purchase" else {})
            )  # fmt: skip
        session.commit()
    yield
    with Session(world.engine) as session:
        session.execute(delete(AnalyticsEvent).where(AnalyticsEvent.person_id.in_(("f1", "f2", "f3"))))
        session.commit()


def captions(at: AppTest) -> str:
    return " ".join(plain(c.value) for c in at.caption)


def kpis_page(window: str = "today") -> AppTest:
    at = logged_in_app("admin", "admin", "Ada Admin").run()
    at.switch_page(OPERATOR_KPIS)
    at.run()
    at.segmented_control(key=kpi_page.KEY_WINDOW).set_value(window).run()
    assert not at.exception
    return at


def figures(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_before_and_after_the_rollups_job(world: World, events: None, monkeypatch: pytest.MonkeyPatch) -> None:
    ran_at = datetime.combine(world.today, time(11, 40), tzinfo=UTC)
    pin_clock(monkeypatch, ran_at + timedelta(minutes=5))

    raw = kpis_page()
    assert "Counted from the raw events: the roll-ups have not been built yet" in captions(raw)
    home = logged_in_app("admin", "admin", "Ada Admin").run()
    assert "Counted from the raw events" in captions(home)

    outcome = run_job("rollups", sessions=world.engine, now=ran_at)
    assert outcome.status.value == "ok" and outcome.rows > 0
    st.cache_data.clear()  # what the pages cached a minute ago (the app re-reads within ROLLUP_STATE_TTL_SECONDS)

    rolled = kpis_page()
    text = captions(rolled)
    assert f"Roll-ups up to 11:00 ({ran_at:%b %d}); from then until now the figures are counted live" in text
    assert "behind" not in text
    assert figures(rolled) == figures(raw)  # the same numbers from the roll-ups
    assert figures(rolled)["GMV"] == "$12.00"
    home = logged_in_app("admin", "admin", "Ada Admin").run()
    assert f"Roll-ups up to 11:00 ({ran_at:%b %d})" in captions(home)


def test_a_stopped_job_is_said(world: World, events: None, monkeypatch: pytest.MonkeyPatch) -> None:
    ran_at = datetime.combine(world.today, time(8, 10), tzinfo=UTC)
    run_job("rollups", sessions=world.engine, now=ran_at)
    pin_clock(monkeypatch, ran_at + timedelta(hours=3))  # 11:10: three hours without a run
    text = captions(kpis_page("7d"))
    assert f"Roll-ups up to 08:00 ({ran_at:%b %d})" in text
    assert "The roll-ups are behind: is the jobs runner running?" in text
