"""A real person's path through the app in Chromium: log in, see the home page, reload, log out."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SCREENSHOT_DIR

pytestmark = pytest.mark.e2e

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHART = "[data-testid='stVegaLiteChart'], .vega-embed"
PASSWORDS = {"admin": "admin-demo-pass", "maya": "maya-demo-pass", "noah": "noah-demo-pass"}


def wait_until_idle(page) -> None:
    page.wait_for_selector(IDLE, state="attached")


def show(page, text: str) -> None:
    """Wait for `text` to be on the page and for the script run to finish."""
    page.get_by_text(text, exact=True).first.wait_for()
    wait_until_idle(page)


def show_page(page, title: str) -> None:
    """Wait for the page titled `title` in the main area, then for its script run to finish. (`show` with a page's
    name passes at once after a click on its menu link: the link itself carries the text.)"""
    page.locator("[data-testid='stMain']").get_by_role("heading", name=title, exact=True).first.wait_for()
    wait_until_idle(page)


def log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url)
    submit_login(page, username, password)


def submit_login(page, username: str, password: str) -> None:
    """Fill and submit the login form already on `page`."""
    page.get_by_role("textbox", name="Username").wait_for()
    wait_until_idle(page)
    page.get_by_role("textbox", name="Username").fill(username)
    # The password input has no textbox role, and get_by_label("Password") also matches the eye button.
    page.locator("input[type='password']").fill(password)
    page.get_by_role("button", name="Log in").click()


def screenshot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)


def test_seller_logs_in_reloads_and_logs_out(page, app_server) -> None:
    base_url = app_server["base_url"]
    log_in(page, base_url, "maya", PASSWORDS["maya"])
    show(page, "Welcome back, Maya")
    page.locator(CHART).first.wait_for()
    assert page.get_by_text("Revenue · last 30 days").count() == 1
    assert page.get_by_text("Marketplace overview").count() == 0
    screenshot(page, "seller-home")

    # Typing the admin page's address does not open it for a seller: she stays on her own home.
    page.goto(f"{base_url}/admin")
    show(page, "Welcome back, Maya")
    assert page.get_by_text("Marketplace overview").count() == 0
    assert page.get_by_text("GMV · last 30 days").count() == 0
    screenshot(page, "seller-typed-admin-address")

    page.reload()
    show(page, "Welcome back, Maya")  # the cookie kept her logged in
    page.locator(CHART).first.wait_for()

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("textbox", name="Username").wait_for()
    wait_until_idle(page)
    screenshot(page, "after-logout")

    page.reload()
    page.get_by_role("textbox", name="Username").wait_for()
    wait_until_idle(page)
    assert page.get_by_text("Welcome back, Maya").count() == 0
    assert page.get_by_text("Page not found").count() == 0


def test_admin_sees_admin_pages_only(page, app_server) -> None:
    log_in(page, app_server["base_url"], "admin", PASSWORDS["admin"])
    show(page, "Marketplace overview")
    page.locator(CHART).first.wait_for()
    assert page.get_by_text("GMV · last 30 days").count() == 1
    assert page.get_by_text("Welcome back").count() == 0
    assert page.get_by_text("Revenue · last 30 days").count() == 0
    screenshot(page, "admin-home")
    # Streamlit scrolls inside its own container, so a taller window is how the whole page gets on a picture.
    page.set_viewport_size({"width": 1366, "height": 1300})
    page.get_by_text("Sellers by status").wait_for()
    screenshot(page, "admin-home-full")

    page.reload()
    show(page, "Marketplace overview")

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("textbox", name="Username").wait_for()
    page.reload()
    page.get_by_role("textbox", name="Username").wait_for()
    wait_until_idle(page)
    assert page.get_by_text("Marketplace overview").count() == 0


def test_seller_without_sales_sees_the_empty_state(page, app_server) -> None:
    log_in(page, app_server["base_url"], "noah", PASSWORDS["noah"])
    show(page, "Welcome back, Noah")
    page.get_by_text("No sales yet", exact=False).first.wait_for()
    screenshot(page, "seller-home-no-sales")


def test_wrong_password_shows_the_message(page, app_server) -> None:
    log_in(page, app_server["base_url"], "maya", "not-her-password")
    page.get_by_text("Incorrect username or password.").wait_for()
    wait_until_idle(page)
    assert page.get_by_role("textbox", name="Username").is_visible()
    screenshot(page, "login-wrong-password")
