"""The words of a listing, measured (pure): stems, category keywords, normalised terms, and the statistics of a
title (length, capitals, keywords) and of an HTML or Markdown description (words, paragraphs, lists, headings).

`core.listings.rules` judges these measurements; nothing here gives points.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

SHOUTED_WORD_MIN_LETTERS = 4
KEYWORD_MIN_LETTERS = 3
_STOP_WORDS_TEXT = (
    "a an and are as at be best but by for from get has have how in into is it its my new no not of on or "
    "our out so that the their this to up use very was what when who why will with you your all any can "
    "more most one other some than too"
)
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
"""Words never taken as a category keyword (English function words and empty praise)."""

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_HTML_MARKUP = re.compile(r"<\s*/?\s*(?:p|h[1-6]|ul|ol|li|strong|b|em|i|br|div|span|a)\b[^>]*>", re.I)
_HTML_TAG = re.compile(r"<[^>]*>")
_HTML_HEADING = re.compile(r"<h[1-6]\b", re.I)
_HTML_BOLD = re.compile(r"<(?:strong|b)\b", re.I)
_HTML_PARAGRAPH = re.compile(r"<p\b", re.I)
_HTML_LIST_ITEM = re.compile(r"<li\b", re.I)
_MD_HEADING_LINE = re.compile(r"^\s{0,3}#{1,6}\s+\S")
_MD_LIST_LINE = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+\S")
_MD_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_LINE_MARKER = re.compile(r"^\s*(?:#{1,6}|[-*+]|\d{1,3}[.)])\s+", re.M)


@lru_cache(maxsize=8192)  # the same few hundred words come up in every listing of a seller
def stem(word: str) -> str:
    """Lower-case and drop a possessive or plural ending, so "Planners" and "planner" compare equal."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def content_words(text: str) -> list[str]:
    """Lower-cased words with at least KEYWORD_MIN_LETTERS letters that are not stop words, in order."""
    words = (w.lower() for w in _WORD.findall(text))
    return [w for w in words if sum(ch.isalpha() for ch in w) >= KEYWORD_MIN_LETTERS and w not in STOP_WORDS]


def normalize_terms(values: Iterable[object] | None) -> list[str]:
    """Trimmed, lower-cased, whitespace-collapsed, distinct, non-blank terms in their first order."""
    seen: set[str] = set()
    out: list[str] = []
    for value in values or ():
        if not isinstance(value, str):
            continue
        term = " ".join(value.split()).lower()
        if term and term not in seen:
            seen.add(term)
            out.append(term)
    return out


def distinct_non_blank(values: Iterable[object] | None) -> int:
    """How many distinct non-blank strings (image URLs) there are."""
    return len({v.strip() for v in values or () if isinstance(v, str) and v.strip()})


def is_set(value: str | None) -> bool:
    return bool(value and value.strip())


@dataclass(frozen=True)
class DescriptionStats:
    format: str  # "html", "markdown", "plain" or "empty"
    words: int
    paragraphs: int
    list_items: int
    has_headings: bool
    has_bold: bool


def analyse_description(text: str | None) -> DescriptionStats:
    """Word count, paragraphs, list items, headings and bold text of an HTML or Markdown description."""
    text = text or ""
    if not text.strip():
        return DescriptionStats("empty", 0, 0, 0, False, False)
    if _HTML_MARKUP.search(text):
        plain = html.unescape(_HTML_TAG.sub(" ", text))
        return DescriptionStats(
            "html",
            len(_WORD.findall(plain)),
            len(_HTML_PARAGRAPH.findall(text)),
            len(_HTML_LIST_ITEM.findall(text)),
            bool(_HTML_HEADING.search(text)),
            bool(_HTML_BOLD.search(text)),
        )
    lines = text.splitlines()
    headings = any(_MD_HEADING_LINE.match(line) for line in lines)
    list_items = sum(1 for line in lines if _MD_LIST_LINE.match(line))
    blocks = re.split(r"\n\s*\n", text.strip())
    paragraphs = sum(
        1
        for block in blocks
        if any(
            ln.strip() and not _MD_HEADING_LINE.match(ln) and not _MD_LIST_LINE.match(ln) for ln in block.split("\n")
        )
    )
    bold = bool(_MD_BOLD.search(text))
    words = len(_WORD.findall(_MD_LINE_MARKER.sub(" ", text)))
    fmt = "markdown" if headings or bold or list_items else "plain"
    return DescriptionStats(fmt, words, paragraphs, list_items, headings, bold)


@dataclass(frozen=True)
class TitleStats:
    length: int
    has_letters: bool
    upper_share: float
    shouted_words: tuple[str, ...]
    keywords_found: tuple[str, ...]
    keyword_hints: tuple[str, ...]  # up to 3 category keywords the title lacks, most relevant first


def analyse_title(title: str | None, keywords: Sequence[str]) -> TitleStats:
    """Length (whitespace runs count as one character), capitals, and which category keywords it has."""
    title = " ".join((title or "").split())
    letters = [ch for ch in title if ch.isalpha()]
    title_stems = {stem(w) for w in content_words(title)}
    return TitleStats(
        length=len(title),
        has_letters=bool(letters),
        upper_share=sum(ch.isupper() for ch in letters) / len(letters) if letters else 0.0,
        # str.isupper() ignores digits, so "3D" has one letter and is not a shouted word.
        shouted_words=tuple(
            w for w in _WORD.findall(title) if sum(ch.isalpha() for ch in w) >= SHOUTED_WORD_MIN_LETTERS and w.isupper()
        ),
        keywords_found=tuple(k for k in keywords if stem(k) in title_stems),
        keyword_hints=tuple(k for k in keywords if stem(k) not in title_stems)[:3],
    )
