"""Links that arrive from outside the app (bookmarks, e-mails, typed addresses) open the right page.

A logged-out visitor first sees the login form; after logging in (or when the cookie logs them in on
a later visit) they land on the page and item they asked for, never on a page of another role.
"""

from __future__ import annotations

import pytest

from tests.e2e.test_login_flow import PASSWORDS, log_in, screenshot, show

pytestmark = pytest.mark.e2e

ARTICLE_SLUG = "how-to-price-a-digital-product"  # a published demo article (core/demo/resources.py)
ARTICLE_TITLE = "How to Price a Digital Product"


def test_an_article_link_opens_the_article_after_logging_in(page, app_server) -> None:
    base_url = app_server["base_url"]
    log_in_from = f"{base_url}/learn?slug={ARTICLE_SLUG}"
    page.goto(log_in_from)
    page.get_by_role("textbox", name="Username").wait_for()
    # The login form, not the article, while logged out.
    assert page.get_by_text(ARTICLE_TITLE, exact=True).count() == 0
    log_in(page, log_in_from, "maya", PASSWORDS["maya"])
    show(page, ARTICLE_TITLE)
    assert f"slug={ARTICLE_SLUG}" in page.url
    screenshot(page, "deep-link-article-after-login")

    # A later visit in the same browser: the cookie logs her in and the typed address is honoured.
    page.goto(f"{base_url}/market")
    show(page, "Market")
    assert "/market" in page.url


def test_a_seller_link_does_not_open_anything_for_an_admin(page, app_server) -> None:
    base_url = app_server["base_url"]
    log_in(page, f"{base_url}/pricing", "admin", PASSWORDS["admin"])
    show(page, "Marketplace overview")
    assert "/pricing" not in page.url


@pytest.mark.parametrize(
    ("username", "path", "heading"),
    [("maya", "/home", "Welcome back, Maya"), ("admin", "/admin", "Marketplace overview")],
)
def test_the_home_pages_own_address_opens_home(page, app_server, username: str, path: str, heading: str) -> None:
    """`/home` is what e-mails and notifications link to; Streamlit serves the default page only at `/`, so the
    address once opened "Page not found" over Home (seen in Chromium) after the cookie logged the visitor in."""
    base_url = app_server["base_url"]
    log_in(page, base_url, username, PASSWORDS[username])
    show(page, heading)
    for _ in range(2):  # typed while logged in (the cookie logs in again), then a reload
        page.goto(f"{base_url}{path}")
        show(page, heading)
        page.wait_for_timeout(1500)
        assert page.get_by_text("Page not found").count() == 0
        assert path in page.url
