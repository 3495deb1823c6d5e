"""The one text-safety helper: text from the data (titles, names, search terms, messages) shown literally inside
Markdown, where `$5 to $9` would render as maths, `:red[x]` as colour and `**x**` as bold."""

from __future__ import annotations

# Every character Streamlit's Markdown gives a meaning to (CommonMark punctuation, `$` maths, `:` directives
# and emoji shortcodes, `~` strikethrough, `|` tables). A backslash before any of them shows it as typed.
MARKDOWN_SPECIALS = frozenset("\\`*_{}[]()<>#+-.!|$:~")


def md(text: str) -> str:
    """`text` escaped for Markdown: every control character gets a backslash, so it reads exactly as typed."""
    return "".join(f"\\{ch}" if ch in MARKDOWN_SPECIALS else ch for ch in text)


def md_keep_bold(text: str) -> str:
    """Like `md`, but our own `**bold**` markers survive (only for text the product wrote around data)."""
    return "**".join(md(part) for part in text.split("**"))
