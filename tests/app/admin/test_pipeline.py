"""Admin Creator pipeline page (AppTest, clock pinned) on hand-placed creators: each column's count and revenue, cards
with masked addresses and typed names shown as typed, a card's dialog that refuses a backward move without a
reason (nothing written) and records one with it, a logged touch, the stuck list's nudge once per 7 days, and a
seller refused by the router and by the page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from core.config import PROJECT_ROOT
from core.models import (
    CreatorPipeline,
    EmailOutbox,
    PipelineInvite,
    PipelineStage,
    PipelineStageChange,
    PipelineTouch,
    User,
)
from tests.app.conftest import RUN_TIMEOUT, World, logged_in_app, pin_clock, plain

PAGE = "pages/admin/pipeline.py"
NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
D = timedelta(days=1)
TYPED = "Tia <b>Typed</b> [x](https://e.example)"


@pytest.fixture(autouse=True)
def creators(monkeypatch: pytest.MonkeyPatch, world: World) -> Iterator[dict[str, str]]:
    """Lena (prospect 2 days, lena@example.net), Dee (drafting 5 days: stuck, dee@example.org), Tia (drafting 1 day,
    a typed name, no address) and Sol (active 10 days, $120.50 of orders, sol@example.com)."""
    pin_clock(monkeypatch, NOW)
    with Session(world.engine) as session:
        rows = {
            "lena": CreatorPipeline(name="Lena Prospect", contact_email="lena@example.net", manual_stage=True,
                                    stage=PipelineStage.PROSPECT, stage_entered_at=NOW - 2 * D),
            "dee": CreatorPipeline(name="Dee Drafter", contact_email="dee@example.org", stage=PipelineStage.DRAFTING,
                                   stage_entered_at=NOW - 5 * D),
            "tia": CreatorPipeline(name=TYPED, stage=PipelineStage.DRAFTING, stage_entered_at=NOW - D),
            "sol": CreatorPipeline(name="Sol Seller", contact_email="sol@example.com", stage=PipelineStage.ACTIVE,
                                   stage_entered_at=NOW - 10 * D, gmv="120.50"),
        }  # fmt: skip
        session.add_all(rows.values())
        session.commit()
        ids = {k: r.id for k, r in rows.items()}
    yield ids
    with Session(world.engine) as session:  # leave the shared world as it was
        for table in (PipelineTouch, PipelineInvite, PipelineStageChange, CreatorPipeline):
            session.execute(delete(table))
        session.execute(delete(EmailOutbox).where(EmailOutbox.kind.like("creator%")))
        session.commit()


def open_page() -> AppTest:
    at = logged_in_app("admin", "admin", "Ada Admin").run()
    at.switch_page(PAGE)
    return at.run()


def markdown(at: AppTest) -> str:
    return "\n".join(plain(m.value) for m in [*at.markdown, *at.caption])


def test_each_column_shows_its_count_and_revenue_and_cards_mask_addresses() -> None:
    at = open_page()

    assert not at.exception
    heads = [plain(m.value) for m in at.markdown if " · " in m.value and m.value.startswith("**")]
    assert heads == [
        "**Prospect** · 1", "**Invited** · 0", "**Signed up** · 0", "**Drafting** · 2",
        "**Published** · 0", "**First sale** · 0", "**Active** · 1", "**Churn risk** · 0",
    ]  # fmt: skip
    text = markdown(at)
    assert "$121 revenue" in text  # $120.50 to the whole dollar, half up
    assert "l****@example.net" in text and "d****@example.org" in text and "s****@example.com" in text
    assert "lena@example.net" not in text and "dee@example.org" not in text
    assert f"**{TYPED}**" in text  # shown as typed: escaped, not rendered as bold or a link
    assert "5 days in stage · no touch yet" in text and "1 day in stage · no touch yet" in text
    assert [t.label for t in at.tabs] == ["Board", "Stuck creators (1)"]


def test_a_backward_move_needs_a_reason_and_then_is_recorded(world: World, creators: dict[str, str]) -> None:
    at = open_page()
    at.button(key=f"pipeline_open_{creators['dee']}").click().run()
    stage = at.selectbox(key=f"pipeline_move_stage_{creators['dee']}")
    assert stage.options[0] == "Prospect (back)"
    stage.set_value(PipelineStage.PROSPECT)
    at.button(key=next(b.key for b in at.button if b.label == "Move")).click().run()

    assert not at.exception
    assert "Say why the creator moves back a stage." in markdown(at)
    with Session(world.engine) as session:
        assert session.get(CreatorPipeline, creators["dee"]).stage == PipelineStage.DRAFTING
        assert session.scalars(select(PipelineStageChange)).all() == []

    at.text_input(key=f"pipeline_move_reason_{creators['dee']}").set_value("Paused: moving house")
    at.button(key=next(b.key for b in at.button if b.label == "Move")).click().run()

    assert not at.exception
    with Session(world.engine) as session:
        row = session.get(CreatorPipeline, creators["dee"])
        assert (row.stage, row.manual_stage) == (PipelineStage.PROSPECT, True)
        admin = session.scalar(select(User.id).where(User.username == "admin"))
        (change,) = session.scalars(select(PipelineStageChange)).all()
        assert (change.from_stage, change.to_stage, change.reason, change.changed_by_user_id) == (
            PipelineStage.DRAFTING, PipelineStage.PROSPECT, "Paused: moving house", admin
        )  # fmt: skip
    assert any(s.value == "Moved to Prospect." for s in at.success)


def test_a_logged_touch_becomes_the_last_touch(world: World, creators: dict[str, str]) -> None:
    at = open_page()
    at.button(key=f"pipeline_open_{creators['lena']}").click().run()
    at.selectbox(key="pipeline_touch_type").set_value("call")
    at.text_area(key="pipeline_touch_note").set_value("Talked about <b>fees</b>")
    at.button(key=next(b.key for b in at.button if b.label == "Log touch")).click().run()

    assert not at.exception
    with Session(world.engine) as session:
        (touch,) = session.scalars(select(PipelineTouch)).all()
        assert (touch.creator_id, touch.touch_type) == (creators["lena"], "call")
        assert touch.note == "Talked about <b>fees</b>"
        row = session.get(CreatorPipeline, creators["lena"])
        assert row.last_touch_type == "call"
    assert "last touch today (call)" in markdown(at)


def test_the_stuck_list_nudges_each_creator_once_per_7_days(world: World, creators: dict[str, str]) -> None:
    at = open_page()
    nudge = at.button(key="pipeline_nudge")
    assert nudge.label == "Nudge all 1"
    nudge.click().run()

    assert not at.exception
    assert [s.value for s in at.success] == ["Nudged 1."]
    at.button(key="pipeline_nudge").click().run()
    assert [s.value for s in at.success] == ["Nudged 0; 1 skipped (nudged in the last 7 days)."]
    with Session(world.engine) as session:
        (mail,) = session.scalars(select(EmailOutbox).where(EmailOutbox.kind.like("creator%"))).all()
        assert mail.to_address == "dee@example.org"


def test_a_seller_cannot_reach_the_page() -> None:
    at = logged_in_app("maya", "seller", "Maya Lopez").run()
    with pytest.raises(ValueError):
        at.switch_page(PAGE)


def test_the_page_itself_stops_a_seller() -> None:
    at = AppTest.from_file(str(PROJECT_ROOT / PAGE), default_timeout=RUN_TIMEOUT)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "maya"
    at.session_state["roles"] = ["seller"]
    at.run()
    assert [e.value for e in at.error] == ["This page is only for admins."]
    assert not at.button and not at.dataframe
