"""Maya in Chromium: sets a revenue goal through the form, sees its card with the progress ring, edits it in the
dialog, and cancels it into the archive; then switches the weekly e-mail off in Settings.
Screenshots go to test-output/e2e/."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.e2e.test_login_flow import CHART, PASSWORDS, log_in, screenshot, show, wait_until_idle

pytestmark = pytest.mark.e2e


def open_goals(page, base_url: str) -> None:
    log_in(page, base_url, "maya", PASSWORDS["maya"])
    show(page, "Welcome back, Maya")
    page.get_by_role("link", name="Goals").click()
    show(page, "Set a new goal")


def test_maya_sets_edits_and_cancels_a_revenue_goal(page, app_server) -> None:
    page.set_viewport_size({"width": 1366, "height": 1100})
    open_goals(page, app_server["base_url"])
    page.get_by_text("No goals yet.", exact=False).wait_for()
    screenshot(page, "goals-empty")

    # Revenue is the default type. A bad target first: the message shows under the field, nothing is saved.
    target = page.get_by_role("spinbutton", name="Target revenue ($)")
    target.fill("0")
    target.press("Tab")
    page.get_by_role("button", name="Set goal").click()
    page.get_by_text("Enter a target above 0.").wait_for()
    wait_until_idle(page)
    screenshot(page, "goals-field-error")

    deadline = date.today() + timedelta(days=45)
    target.fill("250000")
    target.press("Tab")
    # The date field is a react-aria DateField: one spinbutton per part, typing moves to the next part.
    page.get_by_role("spinbutton", name="year, Deadline").click()
    page.keyboard.type(f"{deadline.year}{deadline.month:02d}{deadline.day:02d}")
    page.keyboard.press("Tab")
    page.get_by_role("textbox", name="Title (optional)").fill("Winter launch")
    page.get_by_role("button", name="Set goal").click()
    page.get_by_text("Goal set: Winter launch.", exact=False).wait_for()
    wait_until_idle(page)
    page.locator(CHART).first.wait_for()
    page.locator(".vega-embed svg, .vega-embed canvas").first.wait_for()
    assert page.get_by_text("Winter launch", exact=True).count() == 1
    assert page.get_by_text("of $250,000 target").count() == 1
    assert page.get_by_text(f"{(deadline - date.today()).days} days left", exact=False).count() == 1
    assert page.get_by_text("Enter a target above 0.").count() == 0
    screenshot(page, "goals-card")

    # A second goal, of another type: the target field turns into a whole-number "sales" field.
    page.get_by_text("Sales", exact=True).first.click()
    page.get_by_role("spinbutton", name="Target sales (units)").wait_for()
    wait_until_idle(page)
    page.get_by_role("spinbutton", name="Target sales (units)").fill("5000")
    page.get_by_role("spinbutton", name="Target sales (units)").press("Tab")
    page.get_by_role("button", name="Set goal").click()
    page.get_by_text("Goal set: Sales goal: 5,000 sales", exact=False).wait_for()
    wait_until_idle(page)
    page.locator(".vega-embed svg, .vega-embed canvas").nth(1).wait_for()
    assert page.get_by_role("button", name="Edit").count() == 2
    screenshot(page, "goals-two-cards")

    # Cards are sorted by deadline: the sales goal (due in 30 days) comes first; act on the Winter launch card.
    card = page.locator("[class*='st-key-goal_card_']").filter(has_text="Winter launch")
    card.get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    wait_until_idle(page)
    screenshot(page, "goals-edit-dialog")
    dialog.get_by_role("spinbutton", name="Target revenue ($)").fill("300000")
    dialog.get_by_text("Winter launch", exact=True).click()  # blur; Tab would open the date field's calendar
    dialog.get_by_role("button", name="Save changes").click()
    page.get_by_text("Saved: Winter launch.").wait_for()
    wait_until_idle(page)
    assert page.get_by_role("dialog").count() == 0
    assert page.get_by_text("of $300,000 target").count() == 1

    card.get_by_role("button", name="Cancel goal").click()
    page.get_by_text("Cancel this goal?", exact=False).wait_for()
    wait_until_idle(page)
    screenshot(page, "goals-cancel-confirmation")
    page.get_by_role("button", name="Yes, cancel it").click()
    page.get_by_text("Canceled: Winter launch.", exact=False).wait_for()
    wait_until_idle(page)
    page.get_by_text("Archive · 1 closed goal").click()
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    wait_until_idle(page)
    page.get_by_text("A goal closes at the daily check", exact=False).wait_for()
    assert page.get_by_role("button", name="Edit").count() == 1
    page.set_viewport_size({"width": 1366, "height": 1500})  # Streamlit scrolls inside its own container
    wait_until_idle(page)
    screenshot(page, "goals-archive")


def test_maya_switches_off_the_weekly_email(page, app_server) -> None:
    log_in(page, app_server["base_url"], "maya", PASSWORDS["maya"])
    show(page, "Welcome back, Maya")
    page.locator(CHART).first.wait_for()
    wait_until_idle(page)
    page.get_by_role("link", name="Settings").click()
    page.wait_for_url("**/settings")
    show(page, "Weekly coaching e-mail")
    assert page.get_by_text("Mondays at 09:00", exact=False).count() == 1
    screenshot(page, "settings")
    page.get_by_text("Weekly coaching e-mail", exact=True).click()  # the switch's label toggles it
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("Saved: we won't send you the weekly coaching e-mail.").wait_for()
    wait_until_idle(page)
    screenshot(page, "settings-saved")
    page.reload()
    show(page, "Weekly coaching e-mail")
    assert not page.get_by_label("Weekly coaching e-mail", exact=True).is_checked()
    # Back on, so the demo data stays as it was for other tests in this session.
    page.get_by_text("Weekly coaching e-mail", exact=True).click()
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("Saved: the weekly coaching e-mail is on.").wait_for()
