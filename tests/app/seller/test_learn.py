"""Seller Learn page (AppTest): tabs and cards of published resources only, search, `?slug=` articles, the
not-found state, and HTML/XSS stored in the database never reaching the page as script."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from core.learn.library import delete_resource, save_resource
from core.models import ResourceType, SellerResource
from tests.app.conftest import World, logged_in_app

LEARN = "pages/seller/learn.py"
XSS_SLUG = "xss-story"
XSS_CONTENT = (
    '<p>Honest story</p><script>alert("pwned")</script><img src="x" onerror="alert(1)">'
    '<a href="javascript:alert(2)">click</a><iframe src="https://evil.example/"></iframe>'
)


@pytest.fixture(scope="module", autouse=True)
def library(world: World) -> Iterator[dict[str, str]]:
    """Published: 2 tutorials, 1 guide + the XSS guide, 1 video, 0 best practices, 1 success story.
    Not shown: a draft tutorial and a deleted guide."""
    created = datetime(2026, 11, 1, tzinfo=UTC)
    with Session(world.engine) as session:

        def add(title: str, kind: ResourceType, *, published: bool = True, **fields: object) -> SellerResource:
            return save_resource(
                session,
                title=title,
                type=kind,
                content=fields.pop("content", f"<p>{title} explained step by step.</p>"),
                is_published=published,
                video_hosts=(),
                now=created,
                **fields,
            )

        add("Write a title buyers click", ResourceType.TUTORIAL, category="listing", tags="seo, titles")
        add("Shoot a cover image", ResourceType.TUTORIAL, category="listing")
        add("How to price a digital product", ResourceType.GUIDE, category="pricing", excerpt="Start from the market.")
        add("Launch week walkthrough", ResourceType.VIDEO, video_url="https://youtu.be/dQw4w9WgXcQ", category="growth")
        add("From 0 to 100 sales", ResourceType.SUCCESS_STORY, category="growth")
        add("Secret draft tutorial", ResourceType.TUTORIAL, published=False)
        gone = add("Deleted guide", ResourceType.GUIDE)
        delete_resource(session, resource_id=gone.id, now=created)
        # Written around save_resource (an import, a restored backup): raw HTML straight into the row.
        session.add(
            SellerResource(
                title="Unsafe story",
                slug=XSS_SLUG,
                type=ResourceType.GUIDE,
                content=XSS_CONTENT,
                excerpt="<b>bold?</b>",
                is_published=True,
                published_at=created,
                order=999,
            )
        )
        session.commit()
    yield {}


def open_learn(**params: str) -> AppTest:
    at = logged_in_app("maya", "seller", "Maya Lopez").run()
    at.switch_page(LEARN)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def tab_cards(at: AppTest) -> dict[str, int]:
    """Tab label -> number of cards (each card has one Read/Watch button)."""
    return {tab.label: len(tab.button) for tab in at.tabs}


def html_bodies(at: AppTest) -> list[str]:
    return [element.proto.body for element in at.get("html")]


def test_tabs_show_published_resources_of_each_type_only() -> None:
    at = open_learn()
    assert not at.exception
    assert [t.value for t in at.title] == ["Learn"]
    # Published per type: tutorials 2 (the draft is out), guides 1 + the XSS row = 2 (the deleted one is out),
    # videos 1, best practices 0, success stories 1.
    assert tab_cards(at) == {
        "Tutorials (2)": 2,
        "Guides (2)": 2,
        "Videos (1)": 1,
        "Best practices (0)": 0,
        "Success stories (1)": 1,
    }
    page_text = " ".join(m.value for m in at.markdown)
    assert "Secret draft tutorial" not in page_text and "Deleted guide" not in page_text
    assert "Write a title buyers click" in page_text
    assert any("No best practices published yet" in i.value for i in at.info)
    assert [b.label for b in at.tabs[2].button] == ["Watch"]


def test_search_and_category_filter_narrow_the_cards() -> None:
    at = open_learn()
    at.text_input(key="learn_search").input("cover").run()
    assert tab_cards(at)["Tutorials (1)"] == 1
    assert sum(tab_cards(at).values()) == 1
    at.text_input(key="learn_search").input("").run()
    assert at.selectbox(key="learn_category").options == ["All categories", "Growth", "Listing", "Pricing"]
    at.selectbox(key="learn_category").set_value("growth").run()
    # growth: the video and the success story.
    assert tab_cards(at) == {
        "Tutorials (0)": 0,
        "Guides (0)": 0,
        "Videos (1)": 1,
        "Best practices (0)": 0,
        "Success stories (1)": 1,
    }
    assert any("match your search or category" in i.value for i in at.info)


def test_a_card_opens_its_article_and_back_returns_to_the_library() -> None:
    at = open_learn()
    at.button(key="learn_open_how-to-price-a-digital-product").click().run()
    assert not at.exception
    assert at.query_params["slug"] == "how-to-price-a-digital-product"
    assert [t.value for t in at.title] == ["How to price a digital product"]
    assert any("How to price a digital product explained step by step." in body for body in html_bodies(at))
    at.button[0].click().run()  # "Back to the library"
    assert "slug" not in at.query_params
    assert [t.value for t in at.title] == ["Learn"]


def test_slug_in_the_url_opens_the_video_with_the_allow_listed_embed_only() -> None:
    at = open_learn(slug="launch-week-walkthrough")
    assert not at.exception
    assert [t.value for t in at.title] == ["Launch week walkthrough"]
    frames = at.get("iframe")
    assert len(frames) == 1
    assert frames[0].proto.src == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"


def test_unknown_or_draft_slug_shows_not_found_with_a_way_back() -> None:
    for slug in ("no-such-article", "secret-draft-tutorial"):
        at = open_learn(slug=slug)
        assert not at.exception
        assert [t.value for t in at.title] == ["Resource not found"]
        assert "Secret draft" not in " ".join(h for h in html_bodies(at))
        at.button[0].click().run()
        assert [t.value for t in at.title] == ["Learn"]


def test_html_stored_unsafely_never_reaches_the_page_as_script() -> None:
    at = open_learn(slug=XSS_SLUG)
    assert not at.exception
    assert [t.value for t in at.title] == ["Unsafe story"]
    bodies = " ".join(html_bodies(at))
    assert "<p>Honest story</p>" in bodies
    for payload in ("<script", "alert(", "onerror", "javascript:", "<iframe", "evil.example"):
        assert payload not in bodies
    assert not at.get("iframe")
    # The excerpt is plain text on the card: its tags are escaped for Markdown, so they show as typed.
    captions = [c.value for c in open_learn().caption]
    assert "\\<b\\>bold?\\</b\\>" in captions
    assert not any("<b>bold?</b>" in c for c in captions)
