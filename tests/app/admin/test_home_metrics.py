"""Admin Home's marketplace figures (AppTest): GMV, orders, buyers and AOV of the last 30 full days from the one
definition of each (`core.analytics.metrics`), and "E-mails sent today" right after the weekly digest went out —
the same number the Operator KPIs page shows for today.

The app world (tests/app/conftest.py) holds revenue records only; here each of their units also becomes the
`purchase` event the marketplace writes for a sale (unit i of a record bought by person `buyer<i>`), so the
world is one marketplace. In the last 30 full days: Maya 2 × $50.00 (yesterday) + 1 × $50.50 (30 days ago), Otto
5 × $100.00 (yesterday) = $650.50 in 8 orders by buyer0 … buyer4 (5 buyers), AOV 650.50 / 8 = 81.3125 -> $81.31.
The 30 days before: $40.00 + $10.00 in 2 orders by buyer0 (1 buyer), AOV $25.00.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from components.admin import operator_kpis as kpi_page
from core.config import load_settings
from core.models import AnalyticsEvent, EmailOutbox, EmailStatus, RevenueRecord
from jobs.dispatch import run_job
from tests.app.conftest import World, logged_in_app, pin_clock

OPERATOR_KPIS = "pages/admin/operator_kpis.py"


@pytest.fixture(scope="module", autouse=True)
def sales_as_events(world: World) -> None:
    """One purchase event per unit of every revenue record, at noon UTC of its day (see the module docstring)."""
    with Session(world.engine) as session:
        session.execute(delete(AnalyticsEvent).where(AnalyticsEvent.event_type == "purchase"))
        for record in session.scalars(select(RevenueRecord)):
            cents = int(record.revenue * 100)
            for i in range(record.units):
                share = cents // record.units + (1 if i < cents % record.units else 0)
                session.add(
                    AnalyticsEvent(
                        person_id=f"buyer{i}", event_type="purchase",
                        occurred_at=datetime.combine(record.day, time(12), tzinfo=UTC),
                        properties={"amount_cents": share, "product_id": record.product_id},
                    )
                )  # fmt: skip
        session.commit()


@pytest.fixture
def noon(world: World, monkeypatch: pytest.MonkeyPatch) -> datetime:
    moment = datetime.combine(world.today, time(12), tzinfo=UTC)
    pin_clock(monkeypatch, moment)
    return moment


def tiles(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def test_home_shows_gmv_orders_buyers_and_aov_by_hand(noon: datetime) -> None:
    at = logged_in_app("admin", "admin", "Ada Admin").run()

    assert not at.exception
    shown = tiles(at)
    # (650.50 - 50.00) / 50.00 = +1201.0 %; 8 vs 2 orders = +300.0 %; 5 vs 1 buyers = +400.0 %;
    # AOV 81.31 vs 25.00 = +225.2 %.
    assert shown["GMV · last 30 days"] == ("$650.50", "+1201.0%")
    assert shown["Orders · 30 days"] == ("8", "+300.0%")
    assert shown["Buyers · 30 days"] == ("5", "+400.0%")
    assert shown["AOV · 30 days"] == ("$81.31", "+225.2%")


def test_emails_sent_today_right_after_the_digest_went_out(
    world: World, noon: datetime, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with Session(world.engine) as session:
        session.execute(delete(EmailOutbox))
        session.commit()
    settings = load_settings(env={"OUTBOX_DIR": str(tmp_path / "outbox"), "DIGEST_PACING_SECONDS": "0"})
    outcome = run_job("weekly-digest", sessions=world.engine, now=noon, settings=settings)
    with Session(world.engine) as session:
        sent = session.scalars(select(EmailOutbox).where(EmailOutbox.status == EmailStatus.SENT)).all()
    # Approved, opted in, active sellers: maya, noah, otto — each queued once and delivered at once.
    assert (outcome.rows, len(sent)) == (3, 3)

    pin_clock(monkeypatch, noon + timedelta(minutes=1))  # a minute later: the mail was sent before "now"
    home = logged_in_app("admin", "admin", "Ada Admin").run()
    assert not home.exception
    assert tiles(home)["E-mails today"] == ("3", "")

    kpis = logged_in_app("admin", "admin", "Ada Admin").run()
    kpis.switch_page(OPERATOR_KPIS)
    kpis.run()
    kpis.segmented_control(key=kpi_page.KEY_WINDOW).set_value("today").run()
    assert tiles(kpis)["E-mails sent"][0] == "3"
