"""The learn library's pure side: editor validation (every field, all at once), the preview, tabs, search words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.learn.rules import (
    RESOURCE_TABS,
    ResourceCard,
    ResourceValidationError,
    group_cards_by_type,
    normalise_tags,
    parse_resource_type,
    preview_resource,
    search_words,
    validate_resource,
)
from core.models import ResourceType

VALID = {
    "title": "  How to   Price a Digital Product ",
    "type": "GUIDE",
    "content": "<h2>Start</h2><p>Look at the <strong>median</strong>.</p><script>alert(1)</script>",
}


def _errors(**changes: object) -> dict[str, str]:
    with pytest.raises(ResourceValidationError) as info:
        validate_resource(**{**VALID, "video_hosts": (), **changes})  # type: ignore[arg-type]
    return info.value.errors


def test_valid_input_is_normalised_and_sanitised() -> None:
    data = validate_resource(
        **VALID,
        excerpt="  Use the   market. ",
        video_url=" https://youtu.be/dQw4w9WgXcQ ",
        thumbnail_url="https://cdn.example/t.png",
        category="  Pricing ",
        tags="Pricing, SEO , pricing,, ",
        is_published=True,
        video_hosts=(),
    )
    assert data.title == "How to Price a Digital Product"
    assert data.slug == "how-to-price-a-digital-product"
    assert data.type is ResourceType.GUIDE
    assert data.content == "<h2>Start</h2><p>Look at the <strong>median</strong>.</p>"
    assert data.excerpt == "Use the market."
    assert data.video_url == "https://youtu.be/dQw4w9WgXcQ"  # stored as typed; the embed is computed on read
    assert data.category == "pricing"
    assert data.tags == ("pricing", "seo")
    assert data.is_published is True


def test_blank_optional_fields_become_none() -> None:
    data = validate_resource(
        **VALID, excerpt=" ", video_url="", thumbnail_url=None, category="", tags=[], video_hosts=()
    )
    assert (data.excerpt, data.video_url, data.thumbnail_url, data.category, data.tags) == (None, None, None, None, ())


def test_every_problem_is_reported_at_once() -> None:
    errors = _errors(
        title=" ",
        type="PODCAST",
        content="",
        excerpt="x" * 501,
        video_url="https://evil.example/v.mp4",
        thumbnail_url="http://cdn.example/t.png",
        category="c" * 81,
        tags=[f"t{i}" for i in range(21)],
    )
    assert errors == {
        "title": "Enter a title.",
        "type": "Choose a type: Tutorial, Guide, Video, Best practice, Success story.",
        "content": "Write the article's content.",
        "excerpt": "The excerpt can be at most 500 characters (this one has 501).",
        "video_url": "Videos can be embedded from YouTube or Vimeo; this link is from evil.example.",
        "thumbnail_url": "Use an https:// image link of at most 500 characters.",
        "category": "The category can be at most 80 characters.",
        "tags": "Use at most 20 tags (there are 21).",
    }


def test_title_length_limit() -> None:
    assert _errors(title="t" * 256) == {"title": "The title can be at most 255 characters (this one has 256)."}
    validate_resource(**{**VALID, "title": "t" * 255}, video_hosts=())


def test_content_that_is_only_unsafe_markup_is_refused() -> None:
    errors = _errors(content="<script>alert(1)</script><iframe src='https://evil.example'></iframe>")
    assert errors["content"].startswith("Nothing is left of the content once unsafe markup")


def test_an_image_alone_is_content() -> None:
    data = validate_resource(**{**VALID, "content": '<img src="https://cdn.example/a.png" alt="">'}, video_hosts=())
    assert data.content == '<img src="https://cdn.example/a.png" alt="">'


def test_a_video_resource_needs_a_video_link() -> None:
    assert _errors(type="VIDEO") == {"video_url": "A video resource needs a video link (YouTube, Vimeo…)."}


def test_video_hosts_default_to_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEARN_VIDEO_HOSTS", "media.example.com")
    data = validate_resource(**VALID, video_url="https://media.example.com/embed/7")
    assert data.video_url == "https://media.example.com/embed/7"


@pytest.mark.parametrize(
    ("value", "kind"),
    [(ResourceType.VIDEO, ResourceType.VIDEO), ("BEST_PRACTICE", ResourceType.BEST_PRACTICE),
     ("best_practice", ResourceType.BEST_PRACTICE), ("Success story", ResourceType.SUCCESS_STORY),
     ("", None), (None, None), ("podcast", None)],
)  # fmt: skip
def test_parse_resource_type(value: object, kind: ResourceType | None) -> None:
    assert parse_resource_type(value) is kind  # type: ignore[arg-type]


def test_normalise_tags() -> None:
    assert normalise_tags(" SEO,  Social   Media ,seo") == ("seo", "social media")
    assert normalise_tags(["A", "a", " "]) == ("a",)
    assert normalise_tags(None) == ()


def test_preview_renders_like_the_seller_page_without_saving() -> None:
    words = " ".join(["word"] * 450)  # 450 words + "Intro" = 451 → 451/200 = 2.255 → 2 minutes
    article = preview_resource(
        "My Guide",
        f"<h2>Intro</h2><p onclick='x()'>{words}</p>",
        "https://vimeo.com/76979871",
        type="VIDEO",
        thumbnail_url="http://cdn.example/t.png",
        video_hosts=(),
    )
    assert article.slug == "my-guide"
    assert article.type_label == "Video"
    assert article.content_html == f"<h2>Intro</h2><p>{words}</p>"
    assert article.video_embed == "https://player.vimeo.com/video/76979871"
    assert article.video_provider == "vimeo"
    assert article.thumbnail_url is None  # http thumbnails are never shown
    assert article.read_minutes == 2
    assert article.excerpt.startswith("Intro word word") and article.excerpt.endswith("…")
    assert article.published_at is None


def test_preview_with_a_refused_video_shows_no_player() -> None:
    article = preview_resource("T", "<p>x</p>", "https://evil.example/v", video_hosts=())
    assert article.video_embed is None and article.video_provider is None


def _card(slug: str, kind: ResourceType) -> ResourceCard:
    return ResourceCard(slug, slug, "", kind, "", None, None, datetime(2026, 1, 1, tzinfo=UTC), 1, False)


def test_group_cards_by_type_keeps_every_tab_and_the_order() -> None:
    cards = [_card("g1", ResourceType.GUIDE), _card("v1", ResourceType.VIDEO), _card("g2", ResourceType.GUIDE)]
    groups = group_cards_by_type(cards)
    assert list(groups) == [kind for kind, _ in RESOURCE_TABS]
    assert [c.slug for c in groups[ResourceType.GUIDE]] == ["g1", "g2"]
    assert [c.slug for c in groups[ResourceType.VIDEO]] == ["v1"]
    assert groups[ResourceType.TUTORIAL] == []
    assert [label for _, label in RESOURCE_TABS] == [
        "Tutorials",
        "Guides",
        "Videos",
        "Best practices",
        "Success stories",
    ]


def test_search_words() -> None:
    assert search_words("  price   SEO ") == ["price", "SEO"]
    assert search_words(None) == []
    assert search_words(" ".join(f"w{i}" for i in range(12))) == [f"w{i}" for i in range(8)]
