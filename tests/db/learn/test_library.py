"""The learn library against both databases: seller scoping (published, not deleted), slug rules, sanitising
on save and again on read, search with literal wildcards, filters, ordering, publishing and soft delete."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from core.db import new_id
from core.learn.library import (
    ResourceValidationError,
    delete_resource,
    get_published_resource,
    list_all_resources,
    list_published_resources,
    load_resource,
    move_resource,
    reorder_resources,
    resource_categories,
    save_resource,
    set_published,
)
from core.models import ResourceType, SellerResource
from tests.conftest import NOW

pytestmark = pytest.mark.timeout(120)


def _save(session: Session, title: str, **fields: Any) -> SellerResource:
    values: dict[str, Any] = {
        "type": ResourceType.GUIDE,
        "content": f"<p>All about {title}.</p>",
        "is_published": True,
        "video_hosts": (),
        "now": NOW,
    }
    values.update(fields)
    return save_resource(session, title=title, **values)


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SellerResource)) or 0


def _insert_raw(session: Session, **values: Any) -> str:
    """A row written straight with SQL, around `save_resource` (an import, a script, an old backup)."""
    row = {
        "id": new_id(),
        "type": "GUIDE",
        "order": 0,
        "is_published": True,
        "published_at": NOW,
        "created_at": NOW,
        "updated_at": NOW,
    }
    row.update(values)
    session.execute(insert(SellerResource.__table__).values(**row))
    return str(row["id"])


def test_sellers_never_see_drafts_or_deleted_resources(session: Session) -> None:
    _save(session, "Published Guide", category="pricing")
    _save(session, "Draft Guide", category="drafts-only", is_published=False)
    deleted = _save(session, "Deleted Guide", category="gone")
    delete_resource(session, resource_id=deleted.id, now=NOW)

    assert [c.slug for c in list_published_resources(session)] == ["published-guide"]
    assert resource_categories(session) == ["pricing"]
    assert get_published_resource(session, slug="published-guide") is not None
    assert get_published_resource(session, slug="draft-guide") is None
    assert get_published_resource(session, slug="deleted-guide") is None
    assert get_published_resource(session, slug="no-such-guide") is None
    assert get_published_resource(session, slug=deleted.slug) is None  # the freed "…--deleted-…" slug too
    # The admin sees the draft, not the deleted one.
    assert [r.slug for r in list_all_resources(session)] == ["published-guide", "draft-guide"]


def test_unpublishing_hides_at_once(session: Session) -> None:
    resource = _save(session, "Soon Hidden")
    set_published(session, resource_id=resource.id, published=False)
    assert list_published_resources(session) == []
    assert get_published_resource(session, slug="soon-hidden") is None


def test_slug_clash_is_refused_with_a_clear_message_and_nothing_written(session: Session) -> None:
    _save(session, "Pricing Basics")
    with pytest.raises(ResourceValidationError) as info:
        _save(session, "Pricing basics!", content="<p>Other text</p>")
    assert info.value.errors == {
        "title": "Another resource already uses the slug 'pricing-basics' (title 'Pricing Basics'). Change the title."
    }
    assert _count(session) == 1


def test_editing_into_a_clash_leaves_the_row_unchanged(session: Session) -> None:
    _save(session, "Pricing Basics")
    other = _save(session, "SEO Basics", is_published=False)
    with pytest.raises(ResourceValidationError):
        _save(session, "Pricing Basics", resource_id=other.id, content="<p>changed</p>", is_published=False)
    session.expire_all()
    stored = session.get(SellerResource, other.id)
    assert stored is not None
    assert (stored.title, stored.slug, stored.content) == ("SEO Basics", "seo-basics", "<p>All about SEO Basics.</p>")


def test_invalid_input_writes_nothing(session: Session) -> None:
    with pytest.raises(ResourceValidationError) as info:
        _save(session, "A Video", type=ResourceType.VIDEO, video_url="https://youtube.com.evil.example/watch?v=x")
    assert info.value.errors["video_url"] == (
        "Videos can be embedded from YouTube or Vimeo; this link is from youtube.com.evil.example."
    )
    with pytest.raises(ResourceValidationError) as info:
        _save(session, "A Guide", thumbnail_url="http://cdn.example/t.png")
    assert set(info.value.errors) == {"thumbnail_url"}
    assert _count(session) == 0


def test_save_stores_sanitised_content(session: Session) -> None:
    resource = _save(
        session,
        "Safe Guide",
        content='<h2 style="position:fixed">Hi</h2><script>alert(1)</script><p onclick="x()">Text '
        '<a href="javascript:alert(1)">bad</a> <a href="https://example.com">good</a></p>',
    )
    session.expire_all()
    stored = session.get(SellerResource, resource.id)
    assert stored is not None
    rel = 'target="_blank" rel="noopener noreferrer nofollow"'
    assert stored.content == (f'<h2>Hi</h2><p>Text <a {rel}>bad</a> <a href="https://example.com" {rel}>good</a></p>')


def test_reading_sanitises_again_whatever_is_in_the_row(session: Session) -> None:
    _insert_raw(
        session,
        title="Imported",
        slug="imported",
        content='<p>Hello</p><script>alert(1)</script><img src=x onerror=alert(1)><iframe srcdoc="<b>x</b>">'
        '</iframe><a href="JaVaScRiPt:alert(1)">x</a><p style="position:fixed">y</p>',
        video_url="https://evil.example/v.mp4",
        thumbnail_url="javascript:alert(1)",
        tags=["import"],
    )
    article = get_published_resource(session, slug="imported", video_hosts=())
    assert article is not None
    assert article.content_html == (
        '<p>Hello</p><img><a target="_blank" rel="noopener noreferrer nofollow">x</a><p>y</p>'
    )
    assert article.video_embed is None
    assert article.thumbnail_url is None
    [card] = list_published_resources(session)
    assert card.excerpt == "Hello x y"  # from the visible text: no script source in the card
    assert card.thumbnail_url is None


def test_article_carries_the_allow_listed_embed_and_reading_time(session: Session, monkeypatch: Any) -> None:
    monkeypatch.setenv("LEARN_VIDEO_HOSTS", "media.example.com")
    words = " ".join(["word"] * 398)  # "Watch" + 398 + "Done" = 400 words → 400 / 200 = 2 minutes
    _save(
        session,
        "Watch This",
        type=ResourceType.VIDEO,
        content=f"<p>Watch {words} Done</p>",
        video_url="https://media.example.com/embed/7",
        video_hosts=None,
        excerpt="A short film.",
        tags=["Video", "Intro"],
        category="Marketing",
    )
    article = get_published_resource(session, slug="watch-this")
    assert article is not None
    assert article.video_embed == "https://media.example.com/embed/7"
    assert article.video_provider == "media.example.com"
    assert (article.read_minutes, article.excerpt, article.tags, article.category) == (
        2,
        "A short film.",
        ("video", "intro"),
        "marketing",
    )
    assert article.published_at == NOW
    # The host is later removed from settings: the article still shows, without the player.
    assert get_published_resource(session, slug="watch-this", video_hosts=()).video_embed is None  # type: ignore[union-attr]


def test_search_treats_percent_and_underscore_literally(session: Session) -> None:
    _save(session, "Get 100% More Sales", content="<p>A promise.</p>")
    _save(session, "Get 1000 More Sales", content="<p>Another promise.</p>")
    _save(session, "Naming files", content="<p>Use snake_case names.</p>")
    _save(session, "Naming folders", content="<p>Use snakeXcase names.</p>")
    assert [c.slug for c in list_published_resources(session, search="100%")] == ["get-100-more-sales"]
    assert [c.slug for c in list_published_resources(session, search="snake_case")] == ["naming-files"]
    assert [c.slug for c in list_published_resources(session, search="%")] == ["get-100-more-sales"]
    assert [c.slug for c in list_published_resources(session, search="_")] == ["naming-files"]


def test_search_matches_title_excerpt_tags_and_visible_text_only(session: Session) -> None:
    _save(session, "Pricing Basics", content="<p>Start from the <strong>median</strong> price.</p>", tags=["money"])
    _save(session, "Listing Photos", content="<p>Bright images sell.</p>", excerpt="Photos that convert")
    _save(session, "Draft Secret", content="<p>median</p>", is_published=False)

    def slugs(search: str) -> list[str]:
        return [c.slug for c in list_published_resources(session, search=search)]

    assert slugs("PRICING") == ["pricing-basics"]  # title, any case
    assert slugs("median") == ["pricing-basics"]  # article text (the draft is never searched)
    assert slugs("money") == ["pricing-basics"]  # tags
    assert slugs("convert") == ["listing-photos"]  # excerpt
    assert slugs("strong") == []  # a tag name of the HTML is not text
    assert slugs("bright sell") == ["listing-photos"]  # every word, anywhere
    assert slugs("bright median") == []
    assert slugs("   ") == ["pricing-basics", "listing-photos"]  # blank search = no filter


def test_search_pagination_counts_only_real_matches(session: Session) -> None:
    for i in range(3):
        _save(session, f"Guide {i}", content="<p>A strong offer.</p>")
    _save(session, "Bold Ideas", content="<p><strong>bold</strong></p>")  # matches the HTML, not the text
    _save(session, "Guide 3", content="<p>Strong reviews.</p>")
    # Real matches in order: guide-0, guide-1, guide-2, guide-3 → the second page of two is guide-2, guide-3
    # (counting "bold-ideas" would have given guide-2, bold-ideas).
    page_two = list_published_resources(session, search="strong", limit=2, offset=2)
    assert [c.slug for c in page_two] == ["guide-2", "guide-3"]


def test_category_and_type_filters(session: Session) -> None:
    _save(session, "Price Guide", category="Pricing")
    _save(session, "Price Video", category="pricing", type=ResourceType.VIDEO, video_url="https://youtu.be/dQw4w9WgXcQ")
    _save(session, "SEO Guide", category="seo")
    _save(session, "No Category")
    assert [c.slug for c in list_published_resources(session, category="PRICING")] == ["price-guide", "price-video"]
    assert [c.slug for c in list_published_resources(session, resource_type=ResourceType.VIDEO)] == ["price-video"]
    assert [c.slug for c in list_published_resources(session, resource_type="GUIDE", category="seo")] == ["seo-guide"]
    assert resource_categories(session) == ["pricing", "seo"]
    [video] = list_published_resources(session, resource_type=ResourceType.VIDEO)
    assert (video.type_label, video.has_video, video.category) == ("Video", True, "pricing")


def test_new_resources_go_last_and_reorder_renumbers(session: Session) -> None:
    a, b, c = (_save(session, t) for t in ("Alpha", "Beta", "Gamma"))
    assert [(r.slug, r.order) for r in list_all_resources(session)] == [("alpha", 10), ("beta", 20), ("gamma", 30)]

    assert move_resource(session, resource_id=c.id, direction="up") is True
    assert [(r.slug, r.order) for r in list_all_resources(session)] == [("alpha", 10), ("gamma", 20), ("beta", 30)]
    assert [card.slug for card in list_published_resources(session)] == ["alpha", "gamma", "beta"]
    assert move_resource(session, resource_id=a.id, direction="up") is False  # already first
    assert move_resource(session, resource_id=b.id, direction="down") is False  # already last

    reorder_resources(session, ordered_ids=[b.id])  # listed first, the rest keep their order
    assert [(r.slug, r.order) for r in list_all_resources(session)] == [("beta", 10), ("alpha", 20), ("gamma", 30)]
    with pytest.raises(LookupError):
        reorder_resources(session, ordered_ids=[b.id, "missing"])
    with pytest.raises(ValueError):
        reorder_resources(session, ordered_ids=[b.id, b.id])


def test_equal_order_falls_back_to_newest_first(session: Session) -> None:
    _insert_raw(session, title="Old", slug="old", content="<p>o</p>", published_at=NOW - timedelta(days=2))
    _insert_raw(session, title="New", slug="new", content="<p>n</p>", published_at=NOW)
    _insert_raw(session, title="First", slug="first", content="<p>f</p>", order=-5, published_at=NOW - timedelta(9))
    assert [c.slug for c in list_published_resources(session)] == ["first", "new", "old"]


def test_published_at_is_set_once(session: Session) -> None:
    resource = _save(session, "Launch Plan", is_published=False)
    assert resource.published_at is None
    first = NOW + timedelta(hours=1)
    set_published(session, resource_id=resource.id, published=True, now=first)
    set_published(session, resource_id=resource.id, published=False, now=first + timedelta(days=1))
    assert (resource.is_published, resource.published_at) == (False, first)
    set_published(session, resource_id=resource.id, published=True, now=first + timedelta(days=2))
    _save(session, "Launch Plan", resource_id=resource.id, now=first + timedelta(days=3))
    session.expire_all()
    stored = session.get(SellerResource, resource.id)
    assert stored is not None and (stored.is_published, stored.published_at) == (True, first)


def test_slug_follows_the_title_until_first_published(session: Session) -> None:
    draft = _save(session, "Working Title", is_published=False)
    _save(session, "Final Title", resource_id=draft.id, is_published=False)
    assert draft.slug == "final-title"
    _save(session, "Final Title", resource_id=draft.id, is_published=True)
    _save(session, "Final Title, Revised", resource_id=draft.id, is_published=True)
    assert (draft.title, draft.slug) == ("Final Title, Revised", "final-title")  # shared links keep working
    assert load_resource(session, resource_id=draft.id).slug == "final-title"


def test_soft_delete_frees_the_slug(session: Session) -> None:
    old = _save(session, "Pricing Basics")
    delete_resource(session, resource_id=old.id, now=NOW)
    session.expire_all()
    stored = session.get(SellerResource, old.id)
    assert stored is not None
    assert stored.deleted_at == NOW
    assert stored.slug == f"pricing-basics--deleted-{old.id[:8]}"
    new = _save(session, "Pricing Basics")
    assert new.slug == "pricing-basics"
    assert [c.slug for c in list_published_resources(session)] == ["pricing-basics"]
    with pytest.raises(LookupError):
        delete_resource(session, resource_id=old.id)
    with pytest.raises(LookupError):
        set_published(session, resource_id=old.id, published=True)
    with pytest.raises(LookupError):
        _save(session, "Revived", resource_id=old.id)


def test_a_deleted_row_still_holding_its_slug_is_freed_on_save(session: Session) -> None:
    legacy = _insert_raw(session, title="Old Guide", slug="old-guide", content="<p>x</p>", deleted_at=NOW)
    resource = _save(session, "Old Guide")
    assert resource.slug == "old-guide"
    assert session.get(SellerResource, legacy).slug == f"old-guide--deleted-{legacy[:8]}"  # type: ignore[union-attr]


def test_unknown_resource_type_filter_is_an_error(session: Session) -> None:
    with pytest.raises(ValueError):
        list_published_resources(session, resource_type="PODCAST")


def test_a_clash_that_slips_past_the_check_is_still_refused(session: Session, monkeypatch: Any) -> None:
    # Two admins saving the same title at once: the unique index catches what the check could not see.
    _save(session, "Pricing Basics")
    monkeypatch.setattr("core.learn.library._claim_slug", lambda *args, **kwargs: None)
    with pytest.raises(ResourceValidationError) as info:
        _save(session, "Pricing Basics")
    assert info.value.errors == {"title": "Another resource already uses the slug 'pricing-basics'. Change the title."}
    assert _count(session) == 1
    assert [c.slug for c in list_published_resources(session)] == ["pricing-basics"]  # the session still works
