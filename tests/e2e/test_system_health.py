"""System health in Chromium: the admin opens it from the menu and sees the strip of checks (each with its colour
word and thresholds), the 7-day charts and the recent-errors section; a seller typing its address does not get it.
Screenshots go to test-output/e2e/."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_login_flow import CHART, PASSWORDS, log_in, screenshot, show, show_page, wait_until_idle

pytestmark = pytest.mark.e2e

CHECK_LABELS = (
    "Scheduled jobs", "E-mail outbox", "Oldest queued e-mail", "Send failures, 24 h", "Bounce rate, 7 days",
    "Webhook failures, 15 min", "Errors vs usual", "Database round trip", "Database size", "AI door, 24 h",
    "Rejected events, 24 h",
)  # fmt: skip


def test_admin_sees_the_strip_and_the_charts(page, app_server) -> None:
    page.set_viewport_size({"width": 1366, "height": 1400})
    log_in(page, app_server["base_url"], "admin", PASSWORDS["admin"])
    show(page, "Marketplace overview")

    page.get_by_role("link", name="System health").click()
    show_page(page, "System health")
    main = page.locator("[data-testid='stMain']")
    for label in CHECK_LABELS:
        # Each label is on its tile and above its chart (or its "measured now only" note).
        assert main.get_by_text(label, exact=True).count() == 2, label
    assert main.get_by_text(re.compile(r"^● (OK|Warning|Problem)$")).count() == len(CHECK_LABELS)
    assert main.get_by_text(re.compile(r"^Thresholds: ")).count() == len(CHECK_LABELS)
    page.locator(CHART).first.wait_for()
    assert page.locator(CHART).count() >= 9  # one per check but round trip and size (no history kept)
    assert main.get_by_text("Recent errors", exact=True).count() == 1
    wait_until_idle(page)
    screenshot(page, "admin-system-health")


def test_a_seller_does_not_get_system_health(page, app_server) -> None:
    page.set_viewport_size({"width": 1366, "height": 1000})
    log_in(page, app_server["base_url"], "maya", PASSWORDS["maya"])
    show(page, "Welcome back, Maya")
    page.goto(f"{app_server['base_url']}/system-health")
    show(page, "Welcome back, Maya")
    assert page.get_by_text("Scheduled jobs", exact=True).count() == 0
