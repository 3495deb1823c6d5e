"""Seller success page (AppTest, as admin): the KPI tiles show core's values and changes, a 12-month trend per KPI,
the seller table filters, sorts and pages in the database, a selected row opens the seller's detail, the CSV holds
masked e-mails only, and sellers cannot reach the page.

The world of tests/app/conftest.py (maya, noah, otto approved on 2026-01-01; pia pending) plus 26 pending
applicants "Applicant 01".."Applicant 26", a goal and an insight for maya. The clock is pinned at the fixture's now.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from components.admin import seller_success
from components.data import sellers as seller_data
from components.ui import kpi
from components.ui.format import format_local
from core.config import PROJECT_ROOT, get_settings
from core.db import set_engine
from core.models import (
    GoalStatus,
    GoalType,
    InsightPriority,
    InsightStatus,
    InsightType,
    SellerGoal,
    SellerInsight,
    SellerStatus,
)
from core.sellers.activity import refresh_seller_activity
from core.sellers.overview import SellerFilters
from core.sellers.success import seller_success_kpis
from tests.app.conftest import RUN_TIMEOUT, World, logged_in_app, pin_clock, plain
from tests.factories import make_seller

PAGE = "pages/admin/seller_success.py"
APPLICANTS = 26


@pytest.fixture(scope="module", autouse=True)
def more_sellers(world: World) -> Iterator[None]:
    with Session(world.engine) as s:
        for i in range(1, APPLICANTS + 1):
            make_seller(s, username=f"applicant{i:02d}", name=f"Applicant {i:02d}", status=SellerStatus.PENDING)
        deadline = datetime.now(UTC) + timedelta(days=20)
        s.add(
            SellerGoal(
                seller_id=world.maya_seller_id,
                type=GoalType.REVENUE,
                title="Reach $1,000",
                target_value=Decimal("1000"),
                current_value=Decimal("250"),
                deadline=deadline,
                status=GoalStatus.ACTIVE,
            )
        )
        s.add(
            SellerInsight(
                seller_id=world.maya_seller_id,
                insight_type=InsightType.PRICING,
                title="Raise the planner's price",
                description="It sells out.",
                priority=InsightPriority.HIGH,
                status=InsightStatus.PENDING,
            )
        )
        s.commit()
    yield


@pytest.fixture(scope="module")
def frozen(more_sellers: None) -> datetime:
    return datetime.now(UTC)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch, frozen: datetime) -> None:
    pin_clock(monkeypatch, frozen)


def open_page() -> AppTest:
    at = logged_in_app("admin", "admin", "Ada Admin").run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def seller_table(at: AppTest):
    return next(df for df in at.dataframe if (df.key or "").startswith(seller_success.TABLE_KEY_PREFIX))


def select_row(at: AppTest, row: int) -> AppTest:
    at.session_state[seller_table(at).key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return at.run()


def test_kpi_tiles_show_core_values_and_changes(world: World, frozen: datetime) -> None:
    at = open_page()
    with Session(world.engine) as s:
        kpis = seller_success_kpis(s, now=frozen)
    expected = {
        k.label: (kpi.kpi_value_text(k), kpi.kpi_delta_text(k))
        for k in (kpis.activation_rate, kpis.median_days_to_first_sale, kpis.retention_30d)
    }
    shown = {m.label: (m.value, m.delta or None) for m in at.metric}
    assert shown == expected
    # Approved: maya, noah, otto. First sales: maya 61 days ago, otto yesterday -> 2/3 = 66.67 % now;
    # 30 days ago only maya had sold: 1/3 = 33.33 % -> +33.3 pp.
    assert shown["Activation rate"] == ("66.7%", "+33.3 pp")
    assert all(m.help for m in at.metric)  # every definition is on the page
    assert any("counted live" in plain(c.value) for c in at.caption)  # no activity roll-up yet


def test_the_page_says_up_to_when_activity_was_rolled_up(world: World, frozen: datetime) -> None:
    with Session(world.engine) as s:
        live = seller_success_kpis(s, now=frozen)
        refresh_seller_activity(s, now=frozen - timedelta(minutes=20), tz=get_settings().timezone)
        s.commit()
    seller_data.kpis_and_trend.clear()
    at = open_page()
    stamp = format_local(frozen - timedelta(minutes=20), "%H:%M (%b %d)")
    assert any(f"Activity counted up to {stamp}" in plain(c.value) for c in at.caption)
    # The same figures as counted live from the raw tables.
    assert {m.label: m.value for m in at.metric}["30-day retention"] == kpi.kpi_value_text(live.retention_30d)


def test_each_kpi_has_a_twelve_month_trend(world: World, frozen: datetime) -> None:
    at = open_page()
    charts = [dataframe_util.convert_arrow_bytes_to_pandas_df(c.proto.data.data) for c in at.get("vega_lite_chart")]
    assert len(charts) == 3
    assert [len(c) for c in charts] == [12, 12, 12]
    with Session(world.engine) as s:
        kpis = seller_success_kpis(s, now=frozen)
    # The last point is now: the same value as the tile.
    assert charts[0]["value"].iloc[-1] == kpis.activation_rate.value
    assert charts[2]["value"].iloc[-1] == kpis.retention_30d.value
    assert charts[0]["label"].iloc[-1].endswith("(now)")


def test_the_table_pages_in_the_database(world: World) -> None:
    at = open_page()
    table = seller_table(at).value
    assert len(table) == 25  # 4 sellers of the world + 26 applicants = 30, 25 per page
    assert any("of 30" in c.value for c in at.caption)
    assert list(table.columns) == list(seller_success.table_columns([]).keys())
    at.session_state[seller_success.KEY_PAGE] = 2
    at.run()
    assert len(seller_table(at).value) == 5
    assert any("Sellers 26–30 of 30" in c.value for c in at.caption)


def test_search_stage_and_sort(world: World) -> None:
    at = open_page()
    at.text_input(key=seller_success.KEY_SEARCH).input("lopez").run()
    assert list(seller_table(at).value["Seller"]) == ["Maya Lopez"]
    at.text_input(key=seller_success.KEY_SEARCH).input("").run()
    at.selectbox(key=seller_success.KEY_STAGE).set_value("pending").run()
    assert any("of 27" in c.value for c in at.caption)  # pia + 26 applicants
    at.selectbox(key=seller_success.KEY_STAGE).set_value("all").run()
    at.selectbox(key=seller_success.KEY_SORT).set_value("Revenue, highest first").run()
    # Last 30 complete days: otto $500 (yesterday), maya $100 + $50.50 = $150.50.
    table = seller_table(at).value
    assert list(table["Seller"])[:2] == ["Otto Other", "Maya Lopez"]
    assert list(table["Revenue 30 d"])[:2] == [500.0, 150.5]


def test_sort_by_90_and_12_month_change(world: World) -> None:
    at = open_page()
    at.selectbox(key=seller_success.KEY_SORT).set_value("90-day fall, steepest first").run()
    assert not at.exception
    # Nobody sold in the 90 days before the last 90: no change to sort by, so name order; the applicants sold
    # nothing ("—"), maya ($1,199.50 in the last 90 days) is "new".
    table = seller_table(at).value
    assert list(table["Seller"])[:2] == ["Applicant 01", "Applicant 02"]
    assert list(table["90 d"])[:2] == ["—", "—"]
    at.text_input(key=seller_success.KEY_SEARCH).input("lopez").run()
    assert list(seller_table(at).value["90 d"]) == ["new"]
    at.selectbox(key=seller_success.KEY_SORT).set_value("12-month growth, strongest first").run()
    assert not at.exception and list(seller_table(at).value["Seller"]) == ["Maya Lopez"]


def test_no_address_or_id_is_shown(world: World) -> None:
    at = open_page()
    flat = [str(cell) for cell in seller_table(at).value.to_numpy().ravel()]
    assert not any("@" in cell for cell in flat)
    assert world.maya_seller_id not in flat
    at.text_input(key=seller_success.KEY_SEARCH).input("maya").run()
    select_row(at, 0)
    # The detail names the seller by the masked address only.
    assert any(plain(c.value).startswith("m****@example.com · @maya · ") for c in at.caption)
    assert not any("maya@example.com" in plain(c.value) for c in at.caption)


def test_selecting_a_row_opens_the_seller(world: World) -> None:
    at = open_page()
    at.text_input(key=seller_success.KEY_SEARCH).input("maya").run()
    select_row(at, 0)
    assert not at.exception
    assert [h.value for h in at.subheader][-1] == "Maya Lopez"
    tables = {tuple(df.value.columns): df.value for df in at.dataframe}
    goals = tables[("Goal", "Progress", "Current", "Target", "Deadline", "Status")]
    assert list(goals["Goal"]) == ["Reach $1,000"]
    assert list(goals["Progress"]) == [25.0]  # 250 of 1,000
    insights = tables[("Insight", "Type", "Priority", "Status", "Generated")]
    assert list(insights["Insight"]) == ["Raise the planner's price"]
    listings = tables[("Listing", "Status", "Score", "Weakest parts")]
    assert len(listings) == 2  # the live planner and the draft; archived and deleted are not listed
    revenue = next(m for m in at.metric if m.label == "Revenue · last 30 days")
    assert revenue.value == "$150.50"


def test_csv_holds_every_seller_of_the_filter_with_masked_emails(world: World) -> None:
    at = open_page()
    download = at.get("download_button")
    assert len(download) == 1 and "30" in download[0].proto.label
    # The button's data is what this builds when clicked (AppTest has no runtime to serve the file).
    set_engine(world.engine)
    text = seller_data.csv_download(SellerFilters(), "name", False)().decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 30  # header + every page, not just the first 25
    email_column = rows[0].index("E-mail (masked)")
    emails = [r[email_column] for r in rows[1:]]
    # Every address keeps its first letter and domain only: maya@example.com -> m****@example.com.
    assert "m****@example.com" in emails
    assert all(re.fullmatch(r"[a-z]\*{4}@example\.com", e) for e in emails)
    assert "maya@example.com" not in text and "noah@example.com" not in text
    assert world.maya_seller_id not in text
    pending = seller_data.csv_download(SellerFilters(stage="pending"), "name", False)().decode()
    assert len(pending.strip().splitlines()) == 1 + 27


def test_a_seller_cannot_reach_the_page(world: World) -> None:
    at = logged_in_app("maya", "seller", "Maya Lopez").run()
    with pytest.raises(ValueError):
        at.switch_page(PAGE)


def test_the_page_itself_stops_a_seller(world: World) -> None:
    at = AppTest.from_file(str(PROJECT_ROOT / PAGE), default_timeout=RUN_TIMEOUT)
    for key, value in {
        "authentication_status": True,
        "username": "maya",
        "name": "Maya Lopez",
        "roles": ["seller"],
    }.items():
        at.session_state[key] = value
    at.run()
    assert [e.value for e in at.error] == ["This page is only for admins."]
    assert not at.metric and not at.dataframe
