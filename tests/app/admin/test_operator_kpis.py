"""Operator KPIs page (AppTest, as admin): the strip shows core's values and changes for each window, the bounce
rate is flagged, traffic and both funnels show core's numbers, and sellers cannot reach the page.

The clock is pinned at F = today 15:00 UTC (APP_TIMEZONE is UTC) and the events sit at fixed offsets from F.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from components.admin import operator_kpis as kpi_page
from components.ui import kpi
from core.analytics.queries import operator_kpis
from core.config import PROJECT_ROOT
from core.models import DigitalProduct
from tests.app.conftest import RUN_TIMEOUT, World, logged_in_app, pin_clock
from tests.factories import add_event

PAGE = "pages/admin/operator_kpis.py"
H, D, M = timedelta(hours=1), timedelta(days=1), timedelta(minutes=1)


@pytest.fixture(scope="module")
def frozen(world: World) -> datetime:
    return datetime.combine(world.today, time(15, 0), tzinfo=UTC)


@pytest.fixture(scope="module", autouse=True)
def events(world: World, frozen: datetime) -> Iterator[None]:
    F = frozen
    with Session(world.engine) as s:
        product_id = s.scalar(select(DigitalProduct.id).where(DigitalProduct.title == "Budget planner"))

        def ev(person: str, kind: str, at: datetime, source: str | None = None, **props: object) -> None:
            add_event(s, person_id=person, event_type=kind, occurred_at=at, source=source, **props)

        # Today (before F).
        ev("v1", "page_view", F - 3 * H, "google")
        ev("v1", "signup", F - 3 * H + 10 * M)
        ev("v1", "purchase", F - 2 * H, amount_cents=2000, product_id=product_id)
        ev("v2", "page_view", F - 3 * H, "google")
        ev("v2", "signup", F - 2 * H)
        ev("v3", "page_view", F - H, "newsletter")
        ev("c1", "page_view", F - 4 * H)
        ev("c1", "creator_started", F - 3 * H - 30 * M)
        for i in range(40):
            ev(f"m{i}", "email_sent", F - 5 * H)
        ev("m0", "email_bounced", F - 5 * H)
        # Yesterday, before 15:00 (today's comparison window).
        ev("y1", "page_view", F - D - 2 * H, "google")
        ev("y1", "signup", F - D - H)
        for i in range(10):
            ev(f"n{i}", "email_sent", F - D - 5 * H)
        # Yesterday after 15:00: in the 7-day window, not in yesterday's same hours.
        ev("y2", "page_view", F - D + 2 * H, "google")
        ev("y2", "signup", F - D + 2 * H + 30 * M)
        # Ten days ago: the 7-day comparison window and the 28-day window.
        ev("o1", "page_view", F - 10 * D, "google")
        ev("o1", "signup", F - 10 * D + H)
        ev("o1", "purchase", F - 10 * D + 2 * H, amount_cents=5000, product_id=product_id)
        ev("o1", "return_week_2", F - 2 * D)
        ev("c2", "page_view", F - 10 * D, "newsletter")
        ev("c2", "creator_started", F - 10 * D + H)
        ev("c2", "creator_published", F - 8 * D)
        ev("c2", "first_sale", F - 5 * D)
        # Thirty days ago: the 28-day comparison window only, before the funnels' default dates.
        ev("x1", "page_view", F - 30 * D, "google")
        ev("x1", "signup", F - 30 * D + H)
        s.commit()
    yield


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch, frozen: datetime) -> None:
    pin_clock(monkeypatch, frozen)


def open_page() -> AppTest:
    at = logged_in_app("admin", "admin", "Ada Admin").run()
    at.switch_page(PAGE)
    return at.run()


def metrics(at: AppTest) -> dict[str, tuple[str, str | None]]:
    """{label: (value, delta)} of every st.metric on the page."""
    return {m.label: (m.value, m.delta or None) for m in at.metric}


def expected_metrics(world: World, window: str, now: datetime) -> dict[str, tuple[str, str | None]]:
    with Session(world.engine) as s:
        result = operator_kpis(s, window=window, now=now)
    return {kpi.kpi_label(k): (kpi.kpi_value_text(k), kpi.kpi_delta_text(k)) for k in result.kpis.values()}


def charts(at: AppTest) -> list[tuple[str, list[dict]]]:
    """(spec JSON, data rows) of every chart: Streamlit moves a chart's inline data into an Arrow table."""
    return [
        (c.proto.spec, dataframe_util.convert_arrow_bytes_to_pandas_df(c.proto.data.data).to_dict("records"))
        for c in at.get("vega_lite_chart")
    ]


@pytest.mark.parametrize("window", ["today", "7d", "28d"])
def test_the_strip_shows_core_values_and_changes(world: World, frozen: datetime, window: str) -> None:
    at = open_page()
    if window != "7d":  # 7 days is the default
        at.segmented_control(key=kpi_page.KEY_WINDOW).set_value(window)
        at.run()
    assert not at.exception
    assert metrics(at) == expected_metrics(world, window, frozen)


def test_today_by_hand(world: World) -> None:
    at = open_page()
    at.segmented_control(key=kpi_page.KEY_WINDOW).set_value("today").run()
    shown = metrics(at)
    # Signups v1, v2 today against y1 yesterday before 15:00: 2 vs 1 -> +1 (+100.0 %).
    assert shown["New signups"] == ("2", "+1 (+100.0%)")
    # v1 bought within 7 days of signing up, v2 did not: 1/2 = 50 %; y1 did not: 0 % -> +50.0 pp.
    assert shown["Learner activation"] == ("50.0%", "+50.0 pp")
    # One purchase of $20.00 today, none yesterday: no relative change (nothing to compare with).
    assert shown["GMV"] == ("$20.00", "+$20.00")
    # 1 bounce of 40 sent = 2.50 % > 2 %: flagged red; yesterday 0 of 10 = 0 % -> +2.50 pp.
    assert shown[":red[:material/warning: E-mail bounce rate]"] == ("2.50%", "+2.50 pp")
    assert any("above the 2% limit" in e.value for e in at.error)


def test_traffic_shows_each_source_share(world: World) -> None:
    at = open_page()  # 7 days: sessions v1, v2 (google), v3 (newsletter), c1 (none), y1, y2 (google)
    rows = next(rows for spec, rows in charts(at) if '"source"' in spec)
    shares = {row["source"]: row["now"] for row in rows}
    # 4 of 6 sessions from google = 66.67 %, 1 of 6 = 16.67 % each.
    assert shares == {"google": 66.67, "newsletter": 16.67, "(none)": 16.67}


def funnel_tables(at: AppTest) -> list:
    return [df.value for df in at.dataframe]


def test_both_funnels_show_their_steps(world: World) -> None:
    at = open_page()
    learner, creator = funnel_tables(at)
    # Visitors in the last 28 days: v1 v2 v3 c1 y1 y2 o1 c2 = 8 (x1 visited 30 days ago).
    # Signed up after the visit: v1 v2 y1 y2 o1 = 5; bought after signing up: v1 o1 = 2; returned: o1 = 1.
    assert list(learner["People"]) == [8, 5, 2, 1]
    assert list(learner["Step"]) == ["1. Visit", "2. Signup", "3. First purchase", "4. Return week 2"]
    # 5/8 = 62.5 %; 2/8 = 25 %, 2/5 = 40 %; 1/8 = 12.5 %, 1/2 = 50 %.
    assert list(learner["% of step 1"]) == [100.0, 62.5, 25.0, 12.5]
    assert list(learner["% of prev."])[1:] == [62.5, 40.0, 50.0]
    # Visit -> signup: 10 min, 1 h, 1 h, 30 min, 1 h -> median 1 h. Signup -> purchase: 50 and 60 min -> 55 min.
    # o1 bought at F-10d+2h and came back at F-2d: 8 days - 2 h = 7.9 days.
    assert list(learner["Median"]) == ["—", "1.0 h", "55 min", "7.9 days"]
    # Creator: 8 visitors; c1 and c2 started; c2 published and sold.
    assert list(creator["People"]) == [8, 2, 1, 1]

    funnels = [rows for spec, rows in charts(at) if '"step"' in spec]
    assert [[row["count"] for row in rows] for rows in funnels] == [[8, 5, 2, 1], [8, 2, 1, 1]]
    texts = [row["text"] for row in funnels[0]]
    assert texts[2] == "2 · 25.0% of step 1\n40.0% of previous · median 55 min"


def test_a_narrower_conversion_window_drops_late_steps(world: World) -> None:
    at = open_page()
    at.segmented_control(key=kpi_page.KEY_CONVERSION).set_value(7).run()
    learner, creator = funnel_tables(at)
    # Every step must come within 7 days of the visit: o1 came back 8 days after visiting, no longer counted.
    assert list(learner["People"]) == [8, 5, 2, 0]
    # c2: visit F-10d, start F-10d+1h, publish F-8d (2 days after the visit), first sale F-5d (5 days after): inside.
    assert list(creator["People"]) == [8, 2, 1, 1]


def test_date_range_narrows_the_funnels(world: World, frozen: datetime) -> None:
    at = open_page()
    today = frozen.date()
    at.date_input(key=kpi_page.KEY_RANGE).set_value((today - timedelta(days=2), today)).run()
    learner, _creator = funnel_tables(at)
    # Visits since the day before yesterday: v1 v2 v3 c1 y1 y2 = 6; signups v1 v2 y1 y2 = 4; purchase v1 = 1.
    assert list(learner["People"]) == [6, 4, 1, 0]


def test_a_seller_cannot_reach_the_page(world: World) -> None:
    at = logged_in_app("maya", "seller", "Maya Lopez").run()
    with pytest.raises(ValueError):
        at.switch_page(PAGE)
    titles = [t.value for t in at.title]
    assert "Operator KPIs" not in titles


def test_the_page_itself_stops_a_seller(world: World) -> None:
    at = AppTest.from_file(str(PROJECT_ROOT / PAGE), default_timeout=RUN_TIMEOUT)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "maya"
    at.session_state["name"] = "Maya Lopez"
    at.session_state["roles"] = ["seller"]
    at.run()
    assert [e.value for e in at.error] == ["This page is only for admins."]
    assert not at.metric and not at.title
