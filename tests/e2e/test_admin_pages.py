"""The admin's three seller and operations pages in Chromium on the demo data: Seller success (with a seller
opened), Low-quality listings and Operator KPIs (with the 28-day window). Screenshots go to test-output/e2e/."""

from __future__ import annotations

import time

import pytest

from tests.e2e.test_login_flow import CHART, PASSWORDS, log_in, screenshot, show, wait_until_idle

pytestmark = pytest.mark.e2e

TABLE = "[data-testid='stDataFrame']"


def open_admin_page(page, menu_item: str, title: str) -> float:
    """Open a page from the sidebar menu, as an admin does; returns the seconds until its title showed and the
    script run finished."""
    started = time.monotonic()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=menu_item).click()
    page.get_by_role("heading", name=title).wait_for()
    wait_until_idle(page)
    return time.monotonic() - started


def test_admin_opens_the_three_pages(page, app_server) -> None:
    base_url = app_server["base_url"]
    # Laptop width, and tall enough that each screenshot shows the whole page (Streamlit scrolls inside its
    # own container, so a full-page screenshot of a short window would stop at the fold).
    page.set_viewport_size({"width": 1366, "height": 2600})
    log_in(page, base_url, "admin", PASSWORDS["admin"])
    show(page, "Marketplace overview")
    timings = {}

    # Seller success: the three KPI tiles with a trend each, then the table; open the first seller.
    timings["seller success"] = open_admin_page(page, "Seller success", "Seller success")
    page.locator(TABLE).first.wait_for()
    assert page.locator(CHART).count() >= 3
    assert page.get_by_text("Activation rate").count() >= 1
    screenshot(page, "admin-seller-success")
    box = page.locator(TABLE).first.bounding_box()
    assert box is not None
    # The grid is a canvas: the first data row's selection box is at its left edge, one 35 px row below the header.
    page.mouse.move(box["x"] + 18, box["y"] + 35 + 17)
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
    page.get_by_text("Revenue · last 30 days").first.wait_for()
    wait_until_idle(page)
    page.locator("[data-testid='stTab']").first.wait_for()
    screenshot(page, "admin-seller-success-detail")

    # Low-quality listings: the table with its filters and the notify button.
    timings["low quality"] = open_admin_page(page, "Low-quality listings", "Low-quality listings")
    page.locator(TABLE).first.wait_for()
    assert page.get_by_role("button", name="Notify seller").count() == 1
    screenshot(page, "admin-low-quality")

    # Operator KPIs: the strip for 7 days, traffic and both funnels; then the 28-day window.
    timings["operator KPIs 7d"] = open_admin_page(page, "Operator KPIs", "Operator KPIs")
    page.get_by_text("Learner funnel").wait_for()
    page.get_by_text("Creator funnel").wait_for()
    page.locator(CHART).nth(2).wait_for()
    wait_until_idle(page)
    screenshot(page, "admin-operator-kpis")
    started = time.monotonic()
    page.get_by_role("radiogroup", name="Time window").get_by_role("radio", name="28 days").click()
    page.get_by_text("The last 28 days").wait_for()
    wait_until_idle(page)
    timings["operator KPIs 28d switch"] = time.monotonic() - started
    screenshot(page, "admin-operator-kpis-28d")
    print("page load seconds:", {k: round(v, 2) for k, v in timings.items()})
