"""The one text-safety helper: text from the data (names, titles, tags, slugs, search terms, messages) shown as
plain text wherever Streamlit renders Markdown — `st.markdown` and its cousins, but also widget labels, tab names,
metric values and tooltips. Only the product's own Markdown is ever rendered.

What it defends against (each checked in Chromium with Streamlit 1.67): `[x](https://…)` links and `![](…)`
images (the reader's browser fetches them), `:red[…]` colour and `:material/…:` icon directives, `$…$` maths,
headings, emphasis, tables, HTML, `&colon;`-style entities, and the auto-links GFM makes of bare `https://…`,
`www.…` and `name@host` even in escaped text.
"""

from __future__ import annotations

import re

# Every character Streamlit's Markdown gives a meaning to: CommonMark punctuation, `$` maths, `:` directives and
# icons, `~` strikethrough, `|` tables, `&` character references (`&colon;`), `=` setext headings. A backslash
# before any of them shows it as typed. (`,`, `%`, `/`, `@`, quotes mean nothing and stay as they are.)
MARKDOWN_SPECIALS = frozenset("\\`*_{}[]()<>#+-.!|$:~&=")

# U+2060 WORD JOINER: invisible, no line break. Streamlit's renderer auto-links and expands directives *after*
# escapes are resolved (remark-gfm's literal auto-links, the `:material/` rewrite), so backslashes alone do not
# stop `https://evil.example` becoming a link. A joiner inside the pattern does.
JOINER = "\u2060"
# After a colon that starts a scheme or a name: https:// :material/x: :material_x: — not "Price: $5" or "09:30".
_AFTER_COLON = re.compile(r"\\:(?=[A-Za-z/]|\\_)")
_BEFORE_WWW_DOT = re.compile(r"(?i)(www)(?=\\\.)")  # www.evil.example, WWW.EVIL.EXAMPLE
_AFTER_AT = re.compile(r"@(?=\w)")  # me@evil.example (a mailto: link otherwise)


def md(text: object) -> str:
    """`text` as plain text inside Markdown: every character with a Markdown meaning gets a backslash (it reads
    exactly as typed) and a word joiner breaks what would still turn into a link, an e-mail link or an icon."""
    escaped = "".join(f"\\{ch}" if ch in MARKDOWN_SPECIALS else ch for ch in str(text))
    escaped = _AFTER_COLON.sub(lambda m: m.group(0) + JOINER, escaped)
    escaped = _BEFORE_WWW_DOT.sub(lambda m: m.group(1) + JOINER, escaped)
    return _AFTER_AT.sub(lambda m: m.group(0) + JOINER, escaped)


def md_keep_bold(text: str) -> str:
    """Like `md`, but our own `**bold**` markers survive (only for text the product wrote around data)."""
    return "**".join(md(part) for part in text.split("**"))


def shown(markdown: str) -> str:
    """What a reader sees of `md(text)`: the backslashes and joiners taken out again (for tests and plain-text
    places that receive a string already made for Markdown)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(JOINER, "")


def code(text: object) -> str:
    """`text` as an inline code span (monospace, nothing inside it is Markdown): the fence is one backtick longer
    than the longest run of backticks in the text, so the text cannot close it."""
    # Streamlit turns ":material/" into an icon before parsing, even inside code: a joiner keeps it text.
    value = (" ".join(str(text).split()) or " ").replace(":material/", ":" + JOINER + "material/")
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {value} " if value.startswith("`") or value.endswith("`") else value
    return f"{fence}{padded}{fence}"
