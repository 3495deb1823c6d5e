"""Admin Learn library editor (AppTest): field errors write nothing, slug clash, preview as sellers see it,
create / publish / unpublish / reorder / delete with confirmation, and sellers cannot reach the page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from core.learn.library import list_all_resources, save_resource
from core.models import ResourceType, SellerResource
from tests.app.conftest import World, logged_in_app, plain

EDITOR = "pages/admin/learn_editor.py"


@pytest.fixture(scope="module", autouse=True)
def starting_library(world: World) -> Iterator[None]:
    """Three resources in this order: A (published), B (draft), C (published)."""
    with Session(world.engine) as session:
        for title, published in (("Alpha guide", True), ("Beta draft", False), ("Gamma guide", True)):
            save_resource(
                session,
                title=title,
                type=ResourceType.GUIDE,
                content=f"<p>{title}</p>",
                is_published=published,
                video_hosts=(),
            )
        session.commit()
    yield


def titles_in_order(world: World) -> list[tuple[str, bool]]:
    with Session(world.engine) as session:
        return [(r.title, r.is_published) for r in list_all_resources(session)]


def resource_count(world: World) -> int:
    with Session(world.engine) as session:
        return int(session.scalar(select(func.count(SellerResource.id))) or 0)


def resource_id(world: World, title: str) -> str:
    with Session(world.engine) as session:
        return session.scalar(select(SellerResource.id).where(SellerResource.title == title))


def open_editor() -> AppTest:
    at = logged_in_app("admin", "admin", "Ada Admin").run()
    at.switch_page(EDITOR)
    return at.run()


def form_input(at: AppTest, field: str):
    """The form's widget for `field` (keys are le_form_<nonce>_<field>)."""
    for widget in [*at.text_input, *at.text_area, *at.selectbox, *at.checkbox]:
        if widget.key and widget.key.startswith("le_form_") and widget.key.endswith("_" + field):
            return widget
    raise AssertionError(f"no form field {field}")


def submit(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return at.run()


def test_the_list_shows_every_resource_with_its_status(world: World) -> None:
    at = open_editor()
    assert not at.exception
    assert [t.value for t in at.title] == ["Learn library editor"]
    rows = [m.value for m in at.markdown if m.value.startswith("**")]
    assert rows[:3] == [
        "**Alpha guide** :green-badge[Published]",
        "**Beta draft** :gray-badge[Draft]",
        "**Gamma guide** :green-badge[Published]",
    ]


def test_create_with_errors_shows_each_message_next_to_its_field_and_writes_nothing(world: World) -> None:
    before = resource_count(world)
    at = open_editor()
    at = submit(at, "New resource")
    form_input(at, "type").set_value(ResourceType.VIDEO)
    form_input(at, "thumbnail_url").input("http://insecure.example/pic.jpg")
    form_input(at, "video_url").input("https://evil.example/video")
    at = submit(at, "Save")
    assert not at.exception
    errors = [plain(e.value) for e in at.error]  # each message md()-escaped: it can quote what was typed
    # Title and content empty, the thumbnail not https, the video host not allowed; plus the summary line.
    assert "Enter a title." in errors
    assert "Write the article's content." in errors
    assert any(e.startswith("Use an https:// image link") for e in errors)
    assert any("this link is from evil.example" in e for e in errors)
    assert errors[-1] == "Nothing was saved: fix the 4 fields marked above."
    assert resource_count(world) == before


def test_slug_clash_is_refused_with_a_clear_message(world: World) -> None:
    before = resource_count(world)
    at = submit(open_editor(), "New resource")
    form_input(at, "title").input("Alpha  Guide")  # slug alpha-guide, like the existing "Alpha guide"
    form_input(at, "content").input("<p>Copy</p>")
    at = submit(at, "Save")
    assert any("already uses the slug 'alpha-guide'" in plain(e.value) for e in at.error)
    assert resource_count(world) == before


def test_preview_renders_the_sanitised_article_without_saving(world: World) -> None:
    before = resource_count(world)
    at = submit(open_editor(), "New resource")
    form_input(at, "title").input("Preview me")
    form_input(at, "content").input("<h2>Hello</h2><script>alert(1)</script><p>World</p>")
    at = submit(at, "Preview")
    assert not at.exception
    bodies = [h.proto.body for h in at.get("html")]
    assert "<h2>Hello</h2><p>World</p>" in bodies
    assert not any("<script" in b for b in bodies)
    assert "Preview me" in [h.value for h in at.header]
    assert resource_count(world) == before


def test_create_publish_unpublish_reorder_and_delete(world: World) -> None:
    at = submit(open_editor(), "New resource")
    form_input(at, "title").input("Delta tutorial")
    form_input(at, "type").set_value(ResourceType.TUTORIAL)
    form_input(at, "content").input("<p>Step one.</p>")
    form_input(at, "tags").input("SEO, Titles")
    at = submit(at, "Save")
    assert not at.exception
    assert "“Delta tutorial” saved." in [s.value for s in at.success]
    # A new resource goes to the end, as a draft (the box was not ticked).
    assert titles_in_order(world)[-1] == ("Delta tutorial", False)
    delta = resource_id(world, "Delta tutorial")

    at.button(key=f"le_publish_{delta}").click().run()
    assert ("Delta tutorial", True) in titles_in_order(world)
    at.button(key=f"le_publish_{delta}").click().run()
    assert ("Delta tutorial", False) in titles_in_order(world)

    at.button(key=f"le_up_{delta}").click().run()
    order = [t for t, _ in titles_in_order(world)]
    assert order.index("Delta tutorial") == order.index("Gamma guide") - 1

    at.button(key=f"le_delete_{delta}").click().run()
    assert any(w.value.startswith("Delete “Delta tutorial”?") for w in at.warning)
    assert "Delta tutorial" in [t for t, _ in titles_in_order(world)]  # not before the confirmation
    at.button(key="le_cancel_delete").click().run()
    assert not at.warning
    at.button(key=f"le_delete_{delta}").click().run()
    at.button(key="le_confirm_delete").click().run()
    assert not at.exception
    assert "Delta tutorial" not in [t for t, _ in titles_in_order(world)]
    with Session(world.engine) as session:
        row = session.get(SellerResource, delta)
        assert row is not None and row.deleted_at is not None  # soft delete: the row stays


def test_edit_keeps_the_stored_values_and_saves_changes(world: World) -> None:
    beta = resource_id(world, "Beta draft")
    at = open_editor()
    at.button(key=f"le_edit_{beta}").click().run()
    assert form_input(at, "title").value == "Beta draft"
    assert form_input(at, "content").value == "<p>Beta draft</p>"
    form_input(at, "excerpt").input("Now with an excerpt")
    at = submit(at, "Save")
    assert not at.exception
    with Session(world.engine) as session:
        assert session.get(SellerResource, beta).excerpt == "Now with an excerpt"


def test_a_seller_cannot_open_the_editor() -> None:
    at = logged_in_app("maya", "seller", "Maya Lopez").run()
    with pytest.raises(ValueError):
        at.switch_page(EDITOR)
