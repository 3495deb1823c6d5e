"""Safety of admin-authored learn content: HTML sanitising (nh3), video-link allow-listing, slugs, plain text.

Everything here is pure. The HTML is sanitised when an article is saved *and* again when it is read, so a
row written around `core.learn.library.save_resource` (a script, an import, a restored backup) still renders clean.
Video links are never embedded as typed: for YouTube and Vimeo the embed URL is rebuilt from the validated
video id, so a confusing link (`https://evil.example\\@youtube.com/…`) cannot smuggle another host through.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import nh3

# ----------------------------------------------------------------------------------------------- HTML

ALLOWED_TAGS = frozenset(
    {
        "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "b", "i", "a", "blockquote", "code", "pre",
        "br", "hr", "img", "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
# No `style`, `class` or `id` anywhere: inline styles can cover the page (position:fixed) and classes can
# borrow the app's own CSS to imitate its buttons.
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
# Tags removed together with everything inside them (other unknown tags are removed but keep their text).
# Dropping the content of svg/math/noscript/template closes the known parser-differential (mXSS) tricks.
_DROP_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "noscript",
     "noembed", "noframes", "template", "textarea", "select", "xmp", "title", "head"}
)  # fmt: skip


def _only_https_images(tag: str, attribute: str, value: str) -> str | None:
    # nh3 has one scheme list for every URL attribute; images are stricter than links (no http, no mailto).
    if tag == "img" and attribute == "src" and not value.lower().startswith("https://"):
        return None
    return value


def sanitize_html(html: str) -> str:
    """The HTML an admin wrote, reduced to the allowed tags and attributes (see the module constants).

    Links keep only http/https/mailto hrefs (relative, protocol-relative, `javascript:`, `vbscript:` and
    `data:` links lose their href in any case or entity encoding), get `rel="noopener noreferrer nofollow"`
    and open in a new tab; images keep only https sources. Comments are dropped.
    """
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_only_https_images,
        url_schemes=set(LINK_SCHEMES),
        url_relative="deny",
        link_rel=LINK_REL,
        # Streamlit's st.html keeps target="_blank" (and adds noopener): a link must not replace the app.
        set_tag_attribute_values={"a": {"target": "_blank"}},
        strip_comments=True,
    )


_BLOCK_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "pre", "br", "hr", "tr", "td", "th",
     "div", "table", "section", "article", "img"}
)  # fmt: skip


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The readable text of an HTML fragment, words separated by single spaces (for search, excerpts, counts)."""
    collector = _TextCollector()
    collector.feed(html or "")
    collector.close()
    return " ".join("".join(collector.parts).split())


def word_count(html: str) -> int:
    return len(html_to_text(html).split())


def read_minutes(words: int, *, words_per_minute: int = 200) -> int:
    """Reading time rounded half up, at least one minute: 299 words → 1, 300 → 2 (1.5 rounds up), 500 → 3."""
    return max(1, (words + words_per_minute // 2) // words_per_minute)


def text_excerpt(text: str, *, max_chars: int = 160) -> str:
    """The first `max_chars` characters of `text`, cut at a word boundary, with "…" when shortened."""
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    if " " in cut[max_chars // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,.;:-") + "…"


# ----------------------------------------------------------------------------------------------- slugs

SLUG_MAX_LENGTH = 80
# Letters NFKD does not decompose into ASCII.
_TRANSLITERATE = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE",
                                "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "TH"})  # fmt: skip


def slugify(title: str, *, max_length: int = SLUG_MAX_LENGTH) -> str:
    """A URL slug: ASCII, lower case, words joined by single hyphens, at most `max_length` characters.

    "Tips & Tricks for Sellers' Café" → "tips-and-tricks-for-sellers-cafe". A title with no ASCII letters
    or digits at all ("定价指南") still gets a slug, "resource-" + 8 hex digits of its SHA-1, so two such
    titles do not collide. A slug never contains "--" (deleted resources use that to free their slug).
    """
    text = unicodedata.normalize("NFKD", (title or "").translate(_TRANSLITERATE))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = text.replace("&", " and ").replace("'", "")
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        # Cut inside a word: drop the partial word when that loses little (a hyphen in the last quarter).
        if slug[max_length] != "-" and cut.rfind("-") >= max_length * 3 // 4:
            cut = cut[: cut.rfind("-")]
        slug = cut.strip("-")
    if not slug:
        slug = "resource-" + hashlib.sha1((title or "").encode("utf-8")).hexdigest()[:8]
    return slug


# ----------------------------------------------------------------------------------------------- video links

YOUTUBE_HOSTS = frozenset(
    {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com", "www.youtube-nocookie.com"}
)
YOUTU_BE_HOSTS = frozenset({"youtu.be"})
VIMEO_HOSTS = frozenset({"vimeo.com", "www.vimeo.com"})
VIMEO_PLAYER_HOSTS = frozenset({"player.vimeo.com"})
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_VIMEO_ID = re.compile(r"[0-9]{1,12}")
_VIMEO_HASH = re.compile(r"[0-9a-f]{6,20}")
_YOUTUBE_TIME = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?")
# Characters a pasted link never needs and that only help to confuse a parser or break out of an attribute.
_FORBIDDEN_URL_CHARS = frozenset("\\\"'<>`{}|^")
MAX_VIDEO_URL_LENGTH = 500


class VideoUrlError(ValueError):
    """A video link the learn library will not embed; the message is meant for the editor, next to the field."""


@dataclass(frozen=True)
class VideoEmbed:
    provider: str  # "youtube" | "vimeo" | the allowed extra host
    embed_url: str  # always https; for YouTube and Vimeo rebuilt from the video id


def normalise_hosts(hosts: Iterable[str]) -> tuple[str, ...]:
    """Extra hosts from settings as bare lower-case host names; entries with a scheme, path or port are ignored."""
    clean: list[str] = []
    for host in hosts:
        host = (host or "").strip().lower().rstrip(".")
        if host and re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+", host):
            clean.append(host)
    return tuple(dict.fromkeys(clean))


def allowed_video_sources(extra_hosts: Iterable[str] = ()) -> str:
    """ "YouTube, Vimeo or media.example.com" — for messages and help texts."""
    names = ["YouTube", "Vimeo", *normalise_hosts(extra_hosts)]
    return ", ".join(names[:-1]) + " or " + names[-1]


def _youtube_start(query: dict[str, list[str]]) -> int | None:
    raw = (query.get("t") or query.get("start") or [""])[0]
    match = _YOUTUBE_TIME.fullmatch(raw) if raw else None
    if not match or not any(match.groups()):
        return None
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    total = hours * 3600 + minutes * 60 + seconds
    return total or None


def _youtube(video_id: str, query: dict[str, list[str]]) -> VideoEmbed:
    if not _YOUTUBE_ID.fullmatch(video_id):
        raise VideoUrlError(
            "This YouTube link does not point at one video: paste the video's own link "
            "(youtube.com/watch?v=… or youtu.be/…)."
        )
    start = _youtube_start(query)
    suffix = f"?{urlencode({'start': start})}" if start else ""
    return VideoEmbed("youtube", f"https://www.youtube-nocookie.com/embed/{video_id}{suffix}")


def _youtube_id(host: str, path: str, query: dict[str, list[str]]) -> str:
    parts = [p for p in path.split("/") if p]
    if host in YOUTU_BE_HOSTS:
        return parts[0] if len(parts) == 1 else ""
    if parts == ["watch"]:
        return (query.get("v") or [""])[0]
    if len(parts) == 2 and parts[0] in ("embed", "shorts", "live", "v"):
        return parts[1]
    return ""


def _vimeo(host: str, path: str) -> VideoEmbed:
    parts = [p for p in path.split("/") if p]
    if host in VIMEO_PLAYER_HOSTS and len(parts) == 2 and parts[0] == "video":
        parts = parts[1:]
    video_id, private_hash = [*parts, ""][:2] if 1 <= len(parts) <= 2 else ("", "")
    if not _VIMEO_ID.fullmatch(video_id) or (private_hash and not _VIMEO_HASH.fullmatch(private_hash)):
        raise VideoUrlError("This Vimeo link does not point at one video: paste the video's own link (vimeo.com/123…).")
    suffix = f"?{urlencode({'h': private_hash})}" if private_hash else ""
    return VideoEmbed("vimeo", f"https://player.vimeo.com/video/{video_id}{suffix}")


def parse_video_url(url: str, *, extra_hosts: Iterable[str] = ()) -> VideoEmbed:
    """The embed for a pasted video link, or `VideoUrlError` saying why it is refused.

    Accepted: https links to one YouTube video (`youtube.com/watch?v=ID`, `youtu.be/ID`, `/embed/ID`,
    `/shorts/ID`, `/live/ID`, `t=`/`start=` kept) → `https://www.youtube-nocookie.com/embed/ID`; to one Vimeo
    video (`vimeo.com/ID`, `vimeo.com/ID/HASH`, `player.vimeo.com/video/ID`) → `https://player.vimeo.com/video/ID`;
    and any https link whose host is exactly one of `extra_hosts`, kept as it is (without its #fragment).
    Refused: http, user names (`https://youtube.com@evil.example/`), explicit ports, backslashes, quotes,
    spaces and non-ASCII characters, and every other host, lookalikes included (`youtube.com.evil.example`).
    """
    url = (url or "").strip()
    if not url:
        raise VideoUrlError("Paste the link of a video.")
    if len(url) > MAX_VIDEO_URL_LENGTH:
        raise VideoUrlError(f"This link is too long (at most {MAX_VIDEO_URL_LENGTH} characters).")
    if any(c in _FORBIDDEN_URL_CHARS or c.isspace() or not c.isprintable() or not c.isascii() for c in url):
        raise VideoUrlError("This link contains characters (spaces, quotes, backslashes…) a video link cannot have.")
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.netloc:
        raise VideoUrlError("Use a secure link that starts with https://.")
    if "@" in parts.netloc:
        raise VideoUrlError("Links with a user name (…@) are not accepted: paste the video's normal link.")
    if ":" in parts.netloc:
        raise VideoUrlError("Links with a port number (host:port) are not accepted: paste the video's normal link.")
    host = parts.netloc.lower()
    query = parse_qs(parts.query)
    if host in YOUTUBE_HOSTS or host in YOUTU_BE_HOSTS:
        return _youtube(_youtube_id(host, parts.path, query), query)
    if host in VIMEO_HOSTS or host in VIMEO_PLAYER_HOSTS:
        return _vimeo(host, parts.path)
    extras = normalise_hosts(extra_hosts)
    if host in extras:
        return VideoEmbed(host, urlunsplit(("https", host, parts.path or "/", parts.query, "")))
    raise VideoUrlError(f"Videos can be embedded from {allowed_video_sources(extras)}; this link is from {host}.")


def video_embed_url(url: str, *, extra_hosts: Iterable[str] = ()) -> str | None:
    """The safe https embed URL for `url` (see `parse_video_url`), or None when it is not allowed."""
    try:
        return parse_video_url(url, extra_hosts=extra_hosts).embed_url
    except VideoUrlError:
        return None


def is_https_url(url: str) -> bool:
    """An absolute https URL with a host and no user name, spaces or quotes (thumbnails)."""
    url = (url or "").strip()
    if not url or any(c in _FORBIDDEN_URL_CHARS or c.isspace() or not c.isprintable() for c in url):
        return False
    parts = urlsplit(url)
    return parts.scheme.lower() == "https" and bool(parts.hostname) and "@" not in parts.netloc
