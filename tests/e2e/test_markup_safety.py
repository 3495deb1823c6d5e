"""No markup from users, in Chromium: a dedicated seller whose display name, product title, goal, notification and a
learn resource carry the payloads of issue #12, and a crafted `?slug=`, on every page that shows them. After each
page: no link to and no image from the payload's host, no `:red[…]` colour, no Material icon from the payload,
the text reads as typed, and no request ever left for the payload's host."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import make_engine
from core.learn.library import delete_resource, save_resource
from core.models import (
    DigitalProduct,
    GoalStatus,
    GoalType,
    NotificationType,
    ResourceType,
    SellerGoal,
    SellerProfile,
    User,
)
from core.notify.inapp import create_notification
from tests.e2e.test_login_flow import PASSWORDS, log_in, screenshot, show, wait_until_idle
from tests.factories import make_product, make_seller

pytestmark = pytest.mark.e2e

HOST = "evil.example"
USERNAME, PASSWORD = "markup_eve", "markup-eve-pass"
NAME = "Eve [bank](https://evil.example/a) ![](https://evil.example/n.png) :red[FRAUD]"
TITLE = "Kit ![](https://evil.example/t.png) [x](https://evil.example/x) https://evil.example/login :material/key:"
GOAL = ":red[FRAUD] goal ![](https://evil.example/g.png) www.evil.example"
CATEGORY = "seo :red[FRAUD] ![](https://evil.example/c.png)"
SLUG = "x) :material/lock: Session expired: [log in again](https://evil.example/login) ![](https://evil.example/s.png)"
TABLE = "[data-testid='stDataFrame']"

# What injected Markdown leaves in the page: a link to or an image from the host, text coloured by `:red[…]` or a
# `:red-badge[…]`, a Material icon from `:material/key:` / `:material/lock:`.
INJECTIONS = """() => {
  const found = [];
  for (const a of document.querySelectorAll('a[href*="evil.example"]')) found.push('link ' + a.href);
  for (const i of document.querySelectorAll('img[src*="evil.example"]')) found.push('image ' + i.src);
  for (const e of document.querySelectorAll('[style], .stMarkdownColoredText, .stMarkdownBadge')) {
    const coloured = e.style.color || e.style.backgroundColor || e.matches('.stMarkdownColoredText, .stMarkdownBadge');
    if (coloured && e.textContent.includes('FRAUD')) found.push('colour ' + e.outerHTML.slice(0, 160));
  }
  for (const e of document.querySelectorAll('[aria-label="key icon"], [aria-label="lock icon"]')) {
    found.push('icon ' + e.getAttribute('aria-label'));
  }
  return found;
}"""
# The page's text as a reader sees it (the invisible word joiners taken out).
VISIBLE_TEXT = "() => document.body.innerText.replaceAll('\\u2060', '')"

FOUND: dict[str, list[str]] = {}  # page -> injections seen there (reported at the end of the module)


@pytest.fixture(scope="module")
def hostile(e2e_database) -> Iterator[dict[str, str]]:
    """The dedicated seller and her data (created once; reused if the database already has them) and a published
    learn resource with a hostile title and category (removed afterwards: other tests count the library)."""
    engine = make_engine(e2e_database.url)
    now = datetime.now(UTC)
    with Session(engine) as session:
        eve = session.scalar(select(SellerProfile).join(User).where(User.username == USERNAME))
        if eve is None:
            eve = make_seller(session, username=USERNAME, password=PASSWORD, name=NAME)
            make_product(session, seller=eve, title=TITLE, price="19.00")
            session.add(
                SellerGoal(
                    seller_id=eve.id, type=GoalType.REVENUE, title=GOAL, target_value=Decimal("500"),
                    current_value=Decimal("0"), deadline=now + timedelta(days=30), status=GoalStatus.ACTIVE,
                )
            )  # fmt: skip
        create_notification(
            session, user_id=eve.user_id, type=NotificationType.LISTING_QUALITY, title=f"{TITLE} needs photos",
            body=f"See {NAME} :red-badge[FRAUD] <img src=https://evil.example/i.png>", link="/listing-health",
            now=now,
        )  # fmt: skip
        product_id = session.scalar(select(DigitalProduct.id).where(DigitalProduct.seller_id == eve.id))
        resource = save_resource(
            session, now=now, title=f"Guide {TITLE} {now:%H%M%S}", type=ResourceType.GUIDE, content="<p>Body</p>",
            excerpt=GOAL, video_url="", thumbnail_url="", category=CATEGORY, tags="", is_published=True,
            video_hosts=(),
        )  # fmt: skip
        session.commit()
        ids = {"product": product_id, "resource": resource.id, "slug": resource.slug, "title": resource.title}
    yield ids
    with Session(engine) as session:
        delete_resource(session, resource_id=ids["resource"])
        session.commit()
    engine.dispose()


@pytest.fixture
def requests_to_host(page) -> list[str]:
    """Every request the page makes to the payload's host (an image fetched, a link prefetched); our own pages'
    addresses may carry the host in their query (the crafted `?slug=`)."""
    seen: list[str] = []

    def note(request) -> None:
        host = urllib.parse.urlsplit(request.url).hostname or ""
        if host == HOST or host.endswith("." + HOST):
            seen.append(request.url)

    page.on("request", note)
    return seen


def check(page, name: str, *shown_as_typed: str) -> None:
    """The page `name` as it stands: no injection, and each of `shown_as_typed` on it as typed."""
    wait_until_idle(page)
    page.wait_for_timeout(800)  # time for an injected image to be fetched
    screenshot(page, f"markup-{name}")
    FOUND[name] = page.evaluate(INJECTIONS)
    text = page.evaluate(VISIBLE_TEXT)
    missing = [typed for typed in shown_as_typed if typed not in text]
    assert not FOUND[name], f"{name}: {FOUND[name]}"
    assert not missing, f"{name}: not shown as typed: {missing}"


def test_the_sellers_pages_show_her_text_as_typed(page, app_server, hostile, requests_to_host) -> None:
    base_url = app_server["base_url"]
    page.set_viewport_size({"width": 1366, "height": 1800})
    log_in(page, base_url, USERNAME, PASSWORD)
    show(page, "Welcome back, Eve")
    check(page, "home-and-sidebar", NAME, f"{TITLE} needs photos", f"See {NAME} :red-badge[FRAUD]")

    page.goto(f"{base_url}/pricing?product={hostile['product']}")
    page.get_by_role("heading", name="Pricing tool").wait_for()
    page.get_by_role("textbox", name="Set my own price").fill("21")
    page.get_by_role("button", name="Review my price").click()
    page.get_by_text("Change the price of").wait_for()
    check(page, "pricing-confirmation", f"Change the price of “{TITLE}” from $19.00 to $21.00?")
    page.get_by_role("button", name="Yes, change the price").click()
    page.get_by_text("Price updated").wait_for()
    check(page, "pricing-applied", f"Price updated: “{TITLE}” now sells at $21.00 (was $19.00).")

    page.goto(f"{base_url}/listing-health")
    page.get_by_role("heading", name="Listing health").wait_for()
    check(page, "listing-health", TITLE)

    page.goto(f"{base_url}/goals")
    page.get_by_role("heading", name="Your active goals").wait_for()
    check(page, "goals", GOAL)

    page.goto(f"{base_url}/learn?slug={hostile['slug']}")
    page.get_by_role("button", name="Back to the library").wait_for()
    check(page, "learn-article", hostile["title"], "Seo :red[fraud] ![](https://evil.example/c.png)")

    page.goto(f"{base_url}/learn?slug={urllib.parse.quote(SLUG)}")
    page.get_by_role("heading", name="Resource not found").wait_for()
    # The page quotes at most 80 characters of what was asked for.
    check(page, "learn-crafted-slug", f"We couldn't find a published resource at “{SLUG[:80]}”.")

    assert not requests_to_host, requests_to_host


def test_the_admin_sees_the_sellers_name_as_typed(page, app_server, hostile, requests_to_host) -> None:
    base_url = app_server["base_url"]
    page.set_viewport_size({"width": 1366, "height": 1800})
    log_in(page, base_url, "admin", PASSWORDS["admin"])
    show(page, "Marketplace overview")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Seller success").click()
    page.get_by_role("heading", name="Seller success").wait_for()
    page.get_by_role("textbox", name="Search").fill(USERNAME)
    page.get_by_role("textbox", name="Search").press("Enter")
    wait_until_idle(page)
    page.get_by_role("button", name="CSV of all 1", exact=True).wait_for()
    box = page.locator(TABLE).first.bounding_box()
    assert box is not None
    # The grid is a canvas: the first data row's selection box is at its left edge, one 35 px row below the header.
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
    page.get_by_text("Revenue · last 30 days").first.wait_for()
    check(page, "admin-seller-detail", NAME, f"@{USERNAME}")
    assert not requests_to_host, requests_to_host


def test_report_the_count() -> None:
    """Markdown injections found in the browser on the pages above (the issue asks for the count: 0)."""
    print(f"\nMarkdown injections in Chromium: {sum(map(len, FOUND.values()))} on {len(FOUND)} page views")
    assert FOUND and not any(FOUND.values())
