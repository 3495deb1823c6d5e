"""The admin in Chromium: opens Alerts from the menu, sees the default rules and the history, edits a rule with a
bad threshold (refused next to the field) and then a good one (saved). Screenshots go to test-output/e2e/."""

from __future__ import annotations

import pytest

from tests.e2e.test_login_flow import PASSWORDS, log_in, screenshot, show, show_page, wait_until_idle

pytestmark = pytest.mark.e2e


def test_admin_sees_rules_and_history_and_a_bad_threshold_is_refused(page, app_server) -> None:
    page.set_viewport_size({"width": 1366, "height": 1400})
    log_in(page, app_server["base_url"], "admin", PASSWORDS["admin"])
    show(page, "Marketplace overview")

    page.get_by_role("link", name="Alerts").first.click()
    show_page(page, "Alerts")
    for heading in ("Open alerts", "Rules", "History"):
        page.get_by_text(heading, exact=True).first.wait_for()
    table = page.locator("[data-testid='stDataFrame']").first
    table.wait_for()
    screenshot(page, "admin-alerts")

    threshold = page.get_by_label("Threshold", exact=False)
    threshold.fill("-2")
    page.get_by_role("button", name="Save rule").click()
    page.get_by_text("Enter 0 or more: a metric here is never negative.").wait_for()
    wait_until_idle(page)
    page.get_by_text("Nothing was saved: fix the fields marked above.").wait_for()
    screenshot(page, "admin-alerts-refused")

    threshold.fill("3")
    page.get_by_role("button", name="Save rule").click()
    page.get_by_text("Saved “", exact=False).first.wait_for()
    wait_until_idle(page)
    assert page.get_by_text("Enter 0 or more", exact=False).count() == 0
    screenshot(page, "admin-alerts-saved")


def test_a_seller_cannot_open_alerts(page, app_server) -> None:
    page.set_viewport_size({"width": 1366, "height": 1000})
    log_in(page, app_server["base_url"], "maya", PASSWORDS["maya"])
    show(page, "Welcome back, Maya")
    page.goto(f"{app_server['base_url']}/alerts")
    show(page, "Welcome back, Maya")
    assert page.get_by_text("Edit a rule").count() == 0
