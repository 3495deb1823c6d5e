"""The seller Settings page: the weekly coaching e-mail switch shows the stored choice, saves, and persists."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from core.models import SellerProfile
from tests.app.conftest import World, logged_in_app

SETTINGS_PAGE = "pages/seller/settings.py"
TOGGLE = "settings_weekly_digest"


@pytest.fixture(autouse=True)
def everyone_opted_in(world: World) -> Iterator[None]:
    def reset() -> None:
        with Session(world.engine) as session:
            session.execute(update(SellerProfile).values(weekly_digest_opt_in=True))
            session.commit()

    reset()
    yield
    reset()


def settings_page(username: str = "maya", name: str = "Maya Lopez") -> AppTest:
    at = logged_in_app(username, "seller", name).run()
    at.switch_page(SETTINGS_PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def opt_in(world: World, seller_id: str) -> bool:
    with Session(world.engine) as session:
        return session.scalar(select(SellerProfile.weekly_digest_opt_in).where(SellerProfile.id == seller_id))


def save(at: AppTest) -> AppTest:
    [button] = [b for b in at.button if b.label == "Save settings"]
    button.click().run()
    assert not at.exception, at.exception
    return at


def test_the_page_shows_the_choice_and_the_address(world: World) -> None:
    at = settings_page()
    assert [t.value for t in at.title] == ["Settings"]
    assert at.toggle(key=TOGGLE).label == "Weekly coaching e-mail"
    assert at.toggle(key=TOGGLE).value is True
    # The seller's own address (conftest: make_user gives f"{username}@example.com"), shown to herself only.
    assert any("`maya@example.com`" in c.value and "Mondays at 09:00" in c.value for c in at.caption)


def test_switching_off_saves_and_persists(world: World) -> None:
    at = settings_page()
    at.toggle(key=TOGGLE).set_value(False)
    assert opt_in(world, world.maya_seller_id) is True  # nothing saved before "Save settings"
    save(at)
    assert [s.value for s in at.success] == ["Saved: we won't send you the weekly coaching e-mail."]
    assert opt_in(world, world.maya_seller_id) is False
    assert opt_in(world, world.noah_seller_id) is True  # only her own profile

    fresh = settings_page()  # a new session reads the stored choice
    assert fresh.toggle(key=TOGGLE).value is False
    assert not fresh.success

    fresh.toggle(key=TOGGLE).set_value(True)
    save(fresh)
    assert [s.value for s in fresh.success] == ["Saved: the weekly coaching e-mail is on."]
    assert opt_in(world, world.maya_seller_id) is True


def test_each_seller_sees_their_own_settings(world: World) -> None:
    with Session(world.engine) as session:
        session.execute(
            update(SellerProfile).where(SellerProfile.id == world.noah_seller_id).values(weekly_digest_opt_in=False)
        )
        session.commit()
    maya = settings_page()
    noah = settings_page("noah", "Noah Kim")
    assert maya.toggle(key=TOGGLE).value is True
    assert noah.toggle(key=TOGGLE).value is False
    assert any("`noah@example.com`" in c.value for c in noah.caption)
    assert not any("maya@" in c.value for c in noah.caption)
