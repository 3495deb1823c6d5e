"""The Performance page in Chromium on the demo marketplace: maya (thriving, profitable ads) and dana (declining,
TikTok ads that cost more than they bring) open it from the menu and read tiles whose values the test counts
independently in the database (orders, revenue, ROAS of the last 30 complete UTC days), with the daily chart and
the channel charts drawn; noah (no sale yet) gets the empty state. Screenshots go to test-output/e2e/."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db import make_engine
from core.models import AdSpend, Order, SellerProfile, User
from tests.e2e.test_login_flow import CHART, PASSWORDS, log_in, screenshot, show, wait_until_idle

pytestmark = pytest.mark.e2e

METRIC = "[data-testid='stMetric']"


def last_30_days(database_url: str, username: str) -> tuple[int, Decimal, Decimal, Decimal]:
    """Orders, revenue, ad spend and attributed revenue of the seller over the 30 complete UTC days before today:
    the page's default period ("Last 30 days")."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=30)
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            seller_id = session.scalar(
                select(SellerProfile.id).join(User, User.id == SellerProfile.user_id).where(User.username == username)
            )
            orders, revenue = session.execute(
                select(func.count(), func.coalesce(func.sum(Order.amount), 0)).where(
                    Order.seller_id == seller_id, Order.created_at >= start, Order.created_at < today
                )
            ).one()
            spend, attributed = session.execute(
                select(
                    func.coalesce(func.sum(AdSpend.spend), 0), func.coalesce(func.sum(AdSpend.attributed_revenue), 0)
                ).where(AdSpend.seller_id == seller_id, AdSpend.day >= start.date(), AdSpend.day < today.date())
            ).one()
    finally:
        engine.dispose()
    return int(orders), Decimal(str(revenue)), Decimal(str(spend)), Decimal(str(attributed))


def tile(page, label: str) -> str:
    """The value shown on the KPI tile labelled `label`."""
    metric = page.locator(METRIC).filter(has=page.get_by_text(label, exact=True)).first
    return metric.locator("[data-testid='stMetricValue']").inner_text().strip()


def number(text: str) -> Decimal:
    return Decimal(re.sub(r"[^0-9.\-]", "", text))


def open_performance(page, base_url: str, username: str, password: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 2400})
    log_in(page, base_url, username, password)
    page.get_by_text("Welcome back", exact=False).first.wait_for()
    wait_until_idle(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Performance").click()
    page.get_by_role("heading", name="Performance").first.wait_for()
    wait_until_idle(page)


def test_maya_reads_her_orders_revenue_and_profitable_ads(page, app_server, e2e_database) -> None:
    orders, revenue, spend, attributed = last_30_days(e2e_database.url, "maya")
    assert orders > 100 and spend > 0 and attributed / spend > 1  # the demo's story, checked first

    open_performance(page, app_server["base_url"], "maya", PASSWORDS["maya"])

    assert number(tile(page, "Orders")) == orders
    # The revenue tile is compact over $100,000 ("$131,393"): within a dollar of the database's sum.
    assert abs(number(tile(page, "Revenue")) - revenue) < 1
    roas = number(tile(page, "ROAS"))
    assert abs(roas - attributed / spend) <= Decimal("0.005") and roas > 1
    # The daily chart, the channel bars, the share donut and the trend per channel.
    page.locator(CHART).first.wait_for()
    assert page.locator(CHART).count() >= 4
    show(page, "Channels")
    screenshot(page, "seller-performance-maya")


def test_dana_sees_ads_that_cost_more_than_they_bring(page, app_server, e2e_database) -> None:
    orders, _, spend, attributed = last_30_days(e2e_database.url, "dana")
    assert spend > 0 and attributed < spend

    open_performance(page, app_server["base_url"], "dana", "dana-demo-pass")

    assert number(tile(page, "Orders")) == orders
    roas = number(tile(page, "ROAS"))
    assert abs(roas - attributed / spend) <= Decimal("0.005") and roas < 1
    assert number(tile(page, "ACOS")) > 100  # ad spend above the revenue the ads brought
    page.locator(CHART).first.wait_for()
    assert page.locator(CHART).count() >= 4
    screenshot(page, "seller-performance-dana")


def test_noah_without_a_sale_gets_the_empty_state(page, app_server) -> None:
    open_performance(page, app_server["base_url"], "noah", PASSWORDS["noah"])
    page.get_by_text("No orders in this period or the one before", exact=False).first.wait_for()
    assert page.locator(METRIC).count() == 0
    screenshot(page, "seller-performance-noah")
