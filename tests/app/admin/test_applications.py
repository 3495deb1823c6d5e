"""Admin Applications page (AppTest): the queue shows each waiting seller; Approve opens the account and the seller
then reads the notification; Reject needs a reason (an empty one is refused next to the field and nothing changes);
the Decided tab lists who decided and why; Admin Home links here; sellers cannot open the page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from core.models import (
    EmailOutbox,
    Notification,
    ProductStatus,
    SellerApplicationDecision,
    SellerProfile,
    SellerStatus,
)
from tests.app.conftest import World, logged_in_app, pin_clock, plain
from tests.factories import make_product, make_seller

PAGE = "pages/admin/applications.py"
FIXED_NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_clock(monkeypatch, FIXED_NOW)


def add_applicant(world: World, username: str, name: str) -> str:
    with Session(world.engine) as session:
        seller = make_seller(session, username=username, password=f"{username}-test-pass", name=name,
                             status=SellerStatus.PENDING)  # fmt: skip
        seller.bio = "Templates for *small* shops"
        make_product(session, seller=seller, status=ProductStatus.DRAFT)
        session.commit()
        return seller.id


def status_of(world: World, seller_id: str) -> SellerStatus:
    with Session(world.engine) as session:
        return session.get(SellerProfile, seller_id).status


def decisions_of(world: World, seller_id: str) -> list[SellerApplicationDecision]:
    with Session(world.engine) as session:
        return list(
            session.scalars(select(SellerApplicationDecision).where(SellerApplicationDecision.seller_id == seller_id))
        )


def open_page() -> AppTest:
    at = logged_in_app("admin", "admin", "Ada Admin").run()
    at.switch_page(PAGE)
    return at.run()


def page_text(at: AppTest) -> str:
    return "\n".join(plain(m.value) for m in at.markdown) + "\n" + "\n".join(plain(c.value) for c in at.caption)


def test_the_queue_shows_each_waiting_seller(world: World) -> None:
    add_applicant(world, "quinn", "Quinn Queue")

    at = open_page()

    assert not at.exception
    assert at.tabs[0].label.startswith("Waiting (")
    text = page_text(at)
    assert "**Quinn Queue** · @quinn" in text
    assert "Templates for *small* shops" in text  # the seller's bio, as typed (never Markdown)
    assert "0 published products · 1 draft" in text


def test_approve_opens_the_account_and_the_seller_reads_it(world: World) -> None:
    seller_id = add_applicant(world, "ravi", "Ravi Ready")
    at = open_page()

    at.button(key=f"app_approve_{seller_id}").click().run()

    assert not at.exception
    assert status_of(world, seller_id) == SellerStatus.APPROVED
    assert [d.decision for d in decisions_of(world, seller_id)] == [SellerStatus.APPROVED]
    assert any("Approved Ravi Ready" in plain(s.value) for s in at.success)
    assert not any(b.key == f"app_approve_{seller_id}" for b in at.button)  # left the queue
    # The seller, logged in now, has the seller tools and the notification in the sidebar.
    seller = logged_in_app("ravi", "seller", "Ravi Ready").run()
    assert not seller.exception
    sidebar = "\n".join(plain(m.value) for e in seller.sidebar.expander for m in e.markdown)
    assert "Your seller application was approved" in sidebar


def test_reject_needs_a_reason_and_then_tells_the_seller(world: World) -> None:
    seller_id = add_applicant(world, "sam", "Sam Sparse")
    at = open_page()
    at.button(key=f"app_reject_{seller_id}").click().run()

    # Empty reason: a message next to the field, nothing changes.
    at.button(key=f"FormSubmitter:app_reject_form_{seller_id}-Reject application").click().run()

    assert not at.exception
    assert [plain(e.value) for e in at.error] == ["Give the seller a reason (3–500 characters): it is sent to them."]
    assert status_of(world, seller_id) == SellerStatus.PENDING and decisions_of(world, seller_id) == []

    at.text_area(key=f"app_reason_{seller_id}").input("Please add at least one finished product.")
    at.button(key=f"FormSubmitter:app_reject_form_{seller_id}-Reject application").click().run()

    assert not at.exception
    assert status_of(world, seller_id) == SellerStatus.REJECTED
    (decision,) = decisions_of(world, seller_id)
    assert decision.reason == "Please add at least one finished product."
    with Session(world.engine) as session:
        user_id = session.get(SellerProfile, seller_id).user_id
        assert (
            session.scalar(select(func.count()).select_from(Notification).where(Notification.user_id == user_id)) == 1
        )
        assert (
            session.scalar(select(func.count()).select_from(EmailOutbox).where(EmailOutbox.to_user_id == user_id)) == 1
        )
    # The Decided tab: who, when, why.
    history = at.dataframe[0].value
    row = history[history["Seller"] == "Sam Sparse"].iloc[0]
    assert (row["Decision"], row["Decided by"], row["Reason"]) == (
        "Rejected",
        "Ada Admin",
        "Please add at least one finished product.",
    )
    assert row["When"] == "Nov 23, 2026 10:00"


def test_admin_home_links_to_the_queue(world: World) -> None:
    add_applicant(world, "tia", "Tia Waiting")
    at = logged_in_app("admin", "admin", "Ada Admin").run()

    assert not at.exception
    links = [link for link in at.get("page_link") if "Review applications" in link.proto.label]
    assert len(links) == 1 and links[0].proto.page.endswith("applications")
    assert any("seller application" in plain(i.value) for i in at.info)


def test_a_seller_cannot_open_the_applications_page() -> None:
    at = logged_in_app("maya", "seller", "Maya Lopez").run()
    with pytest.raises(ValueError):
        at.switch_page(PAGE)
