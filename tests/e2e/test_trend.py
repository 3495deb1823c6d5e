"""Dana and Maya in Chromium (the demo): Dana's Home states her decline under "Last 12 months" — next to a 30-day
tile that may well be green — and shows the 12 monthly bars; Maya, who is thriving, gets no such warning.
Screenshots go to test-output/e2e/."""

from __future__ import annotations

import pytest

from tests.e2e.test_login_flow import CHART, PASSWORDS, log_in, screenshot, wait_until_idle

pytestmark = pytest.mark.e2e

DANA_PASSWORD = "dana-demo-pass"
ALERT = "[data-testid='stAlert']"
OPTION = "[data-testid='stSelectboxVirtualDropdown'] [role='option']"


def open_home(page, base_url: str, username: str, password: str) -> None:
    log_in(page, base_url, username, password)
    page.get_by_text("Welcome back", exact=False).first.wait_for()
    page.get_by_text("Last 12 months", exact=True).first.wait_for()
    wait_until_idle(page)
    page.locator(CHART).first.wait_for()


def test_danas_home_states_her_decline(page, app_server) -> None:
    open_home(page, app_server["base_url"], "dana", DANA_PASSWORD)
    warning = page.locator(ALERT).filter(has_text="peak")
    warning.first.wait_for()
    text = warning.first.inner_text()
    assert "Revenue is" in text and "below its" in text and "peak" in text, text
    assert "the last 90 days brought $" in text, text
    # Two charts: the 12 months and the daily revenue of the last 90 days.
    assert page.locator("[data-testid='stVegaLiteChart']").count() >= 2
    screenshot(page, "seller-home-dana-decline")


def test_mayas_home_has_no_decline_warning(page, app_server) -> None:
    open_home(page, app_server["base_url"], "maya", PASSWORDS["maya"])
    assert page.locator(ALERT).filter(has_text="below its").count() == 0
    screenshot(page, "seller-home-maya-trend")


def test_admin_sorts_sellers_by_90_day_change(page, app_server) -> None:
    page.set_viewport_size({"width": 1366, "height": 1400})
    log_in(page, app_server["base_url"], "admin", PASSWORDS["admin"])
    page.get_by_text("Marketplace overview", exact=True).first.wait_for()
    wait_until_idle(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Seller success").click()
    page.get_by_role("heading", name="Seller success").wait_for()
    wait_until_idle(page)
    sort = page.get_by_test_id("stSelectbox").filter(has_text="Sort by")
    sort.click()
    page.locator(OPTION).filter(has_text="90-day fall, steepest first").click()
    assert "90-day fall, steepest first" in sort.inner_html()
    page.wait_for_timeout(500)  # the rerun the choice starts, then its end
    wait_until_idle(page)
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    screenshot(page, "admin-seller-success-90-day-change")
