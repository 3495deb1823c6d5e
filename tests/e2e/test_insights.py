"""Maya in Chromium on the demo marketplace: generate insights, see the cards and the menu badge, and follow a pricing
card's "Fix now" link to the Pricing tool with that product selected."""

from __future__ import annotations

import re
import time

import pytest

from tests.e2e.test_login_flow import PASSWORDS, log_in, screenshot, show, wait_until_idle

pytestmark = pytest.mark.e2e

CARD_TITLE = "[data-testid='stMain'] h4"
CARD_OF = "xpath=ancestor::div[@data-testid='stVerticalBlock'][1]"  # the bordered container around a title
NAV_LINK = "[data-testid='stSidebarNavLink']"


def test_maya_generates_insights_and_fixes_a_price(page, app_server) -> None:
    log_in(page, app_server["base_url"], "maya", PASSWORDS["maya"])
    show(page, "Welcome back, Maya")
    page.locator(NAV_LINK).filter(has_text="Insights").first.click()
    show(page, "Insights")
    page.get_by_text("No insights yet", exact=False).first.wait_for()
    screenshot(page, "insights-empty")

    started = time.monotonic()
    page.get_by_role("button", name=re.compile("Generate new insights")).click()
    page.get_by_text(re.compile(r"\d+ new")).first.wait_for(timeout=60_000)
    wait_until_idle(page)
    print(f"generate → cards in the browser: {time.monotonic() - started:.2f}s")
    assert page.locator(CARD_TITLE).count() >= 3
    # The menu was built before the cards were shown, so it carries the pending count as a badge.
    badge = page.locator(NAV_LINK).filter(has_text="Insights").first.inner_text()
    assert re.search(r"Insights\s*\d+", badge), badge
    page.set_viewport_size({"width": 1366, "height": 2600})  # the app scrolls inside its own container
    screenshot(page, "insights-generated")
    page.set_viewport_size({"width": 1366, "height": 900})

    pricing_title = re.compile(
        "is priced (above|below) similar listings|could (earn|sell) more at a (higher|lower) price"
    )
    heading = page.locator(CARD_TITLE).filter(has_text=pricing_title).first
    title = heading.inner_text()
    pricing_card = heading.locator(CARD_OF)
    product = re.search(r"“(.+)”", title).group(1)
    pricing_card.get_by_role("link", name=re.compile("Fix now")).first.click()
    show(page, "Pricing tool")
    page.get_by_text("Suggested price", exact=True).first.wait_for()
    wait_until_idle(page)
    assert re.search(r"/pricing\?product=[0-9a-f-]{36}", page.url), page.url
    # The picker shows the linked product (its title and price are the selected option's text).
    picker = page.get_by_test_id("stSelectbox").first
    assert product in picker.inner_html()
    screenshot(page, "insights-fix-now-pricing")

    # Back on Insights the cards shown before are no longer new: the badge is gone or smaller.
    page.locator(NAV_LINK).filter(has_text="Insights").first.click()
    show(page, "Insights")
    after = page.locator(NAV_LINK).filter(has_text="Insights").first.inner_text()
    before_count = int(re.search(r"\d+", badge.split("Insights", 1)[1]).group())
    after_match = re.search(r"\d+", after.split("Insights", 1)[1])
    assert after_match is None or int(after_match.group()) < before_count
    screenshot(page, "insights-viewed")
