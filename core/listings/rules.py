"""The listing score's rules (seed 000 step 2c): what is measured in a listing and how each check is judged.

Pure functions over plain values: no database, no clock, no randomness. Each check gets a share in
[0, 1] of its points; points are rounded to one decimal. The checks judge the measurements of
`core.listings.text`; `core.listings.score` adds them up into the six dimensions and the overall score.

Scores are stored (`listing_scores`): a change here that changes any score must bump
`core.listings.persisted.RULE_VERSION`, so every stored score is treated as missing and rescored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from core.listings.text import DescriptionStats, TitleStats, content_words, normalize_terms, stem

# --------------------------------------------------------------------------- the rules, as numbers

TITLE_LENGTH_POINTS = 6.0
"""Title length: full inside [TITLE_MIN_CHARS, TITLE_MAX_CHARS] characters (trimmed; a run of spaces counts as one).
Below: 6 × n / 30. Above: 6 × (160 − n) / 80, i.e. zero at twice the maximum (160 characters)."""
TITLE_MIN_CHARS = 30
TITLE_MAX_CHARS = 80
TITLE_KEYWORD_POINTS = 6.0
"""At least one keyword of the category in the title: all or nothing. A keyword is a word of the category
name or of one of the category's top tags with at least 3 letters that is not a stop word; words match
after lower-casing and dropping a plural ending ("planners" matches "planner", "stories" "story")."""
TITLE_CAPS_POINTS = 3.0
"""No all-caps: full when at most half of the title's letters are capitals and no word of 4 or more
letters is all capitals ("PDF", "SEO" are fine; "FREE" is shouting); half when only such words shout;
zero when more than half of the letters are capitals, or the title has no letters at all."""
CAPS_MAX_UPPER_SHARE = 0.5

DESCRIPTION_WORDS_POINTS = 12.0
"""Word count: 12 × min(words, 200) / 200. Words are counted after HTML tags and Markdown markers are
removed ("step-by-step" and "don't" are one word each)."""
DESCRIPTION_TARGET_WORDS = 200
DESCRIPTION_STRUCTURE_POINTS = 4.0
"""Headings: full for an HTML <h1>–<h6> or a Markdown "#"-"######" heading line; half when there is only
bold text (HTML <strong>/<b>, Markdown **bold** or __bold__)."""
DESCRIPTION_PARAGRAPH_POINTS = 3.0
"""Paragraphs: 3 × min(paragraphs, 2) / 2. HTML: the number of <p> elements. Markdown or plain text:
blank-line separated blocks that hold at least one line that is neither a heading nor a list item."""
DESCRIPTION_TARGET_PARAGRAPHS = 2
DESCRIPTION_LIST_POINTS = 6.0
"""Feature list: 6 × min(items, 3) / 3. HTML: <li> elements; Markdown: lines starting "- ", "* ", "+ ",
"1. " or "1) "."""
DESCRIPTION_TARGET_LIST_ITEMS = 3

FEATURED_IMAGE_POINTS = 8.0
"""A featured image is set (a non-blank URL)."""
GALLERY_POINTS = 12.0
"""Gallery: 12 × min(distinct non-blank gallery images, 3) / 3, i.e. 4 points per image up to three."""
GALLERY_TARGET_IMAGES = 3

SEO_TITLE_POINTS = 5.0
SEO_DESCRIPTION_POINTS = 5.0
SEO_KEYWORDS_POINTS = 5.0
"""SEO keywords: 5 × min(distinct keywords, 3) / 3 (case-insensitive, blanks ignored)."""
SEO_TARGET_KEYWORDS = 3

PRICING_POINTS = 15.0
"""Price against the segment's interquartile range [p25, p75]: full inside. Below p25 the points fall
linearly to 0 at PRICE_FLOOR_RATIO × p25; above p75 they fall linearly to 0 at PRICE_CEILING_RATIO × p75.
Without a usable benchmark (none, or fewer than MIN_BENCHMARK_SAMPLE published listings) the rule is not
judged and gives NEUTRAL_SHARE of its points."""
PRICE_FLOOR_RATIO = 0.5
PRICE_CEILING_RATIO = 2.0
MIN_BENCHMARK_SAMPLE = 5

TAG_COUNT_POINTS = 4.0
"""Tag count: 4 × min(distinct tags, 3) / 3 (tags are trimmed and lower-cased before counting)."""
TAG_TARGET_COUNT = 3
TAG_MATCH_POINTS = 6.0
"""Tags match category norms: 6 × min(matches, 2) / 2, where a match is a listing tag among the
category's TOP_TAGS_PER_CATEGORY most used tags on published listings. A count, not a share, so that
adding a tag never lowers the score. Without norms (no category, or no tagged published listing in it)
the rule gives NEUTRAL_SHARE of its points."""
TAG_TARGET_MATCHES = 2
TOP_TAGS_PER_CATEGORY = 20

NEUTRAL_SHARE = 0.5
"""The share of a rule's points given when the market data to judge it does not exist yet."""

BAND_RED_BELOW = 40.0
BAND_GREEN_ABOVE = 70.0
"""Bands of the overall score: red < 40, yellow 40–70 (both ends included), green > 70."""

# --------------------------------------------------------------------------- market data the rules compare with


@dataclass(frozen=True)
class PriceBand:
    """Prices of the published listings of a segment (product type, and category or all categories)."""

    p25: float
    median: float
    p75: float
    average: float
    sample_size: int
    scope: str = "category"  # "category" or "type" (all categories of the product type)


@dataclass(frozen=True)
class CategoryNorms:
    """A category's name words and its most used tags (lower-cased, most used first)."""

    name_words: tuple[str, ...] = ()
    top_tags: tuple[str, ...] = ()

    @classmethod
    def build(cls, category_name: str | None, top_tags: Iterable[str] = ()) -> CategoryNorms:
        return cls(tuple(content_words(category_name or "")), tuple(normalize_terms(top_tags)))

    @cached_property  # works on a frozen dataclass: it writes the instance __dict__ directly
    def keywords(self) -> tuple[str, ...]:
        """Category name words first, then the words of the top tags in tag order, one word per stem."""
        seen: set[str] = set()
        ordered: list[str] = []
        for word in (*self.name_words, *(w for tag in self.top_tags for w in content_words(tag))):
            if stem(word) not in seen:
                seen.add(stem(word))
                ordered.append(word)
        return tuple(ordered)


# --------------------------------------------------------------------------- checks


class CheckStatus(StrEnum):
    MET = "met"
    PARTIAL = "partial"
    MISSING = "missing"
    NOT_JUDGED = "not_judged"  # no market data yet: neutral credit, nothing the seller can fix


@dataclass(frozen=True)
class Check:
    """One line of a dimension's checklist: the rule, how far it is met, and the specifics."""

    rule: str
    status: CheckStatus
    detail: str
    points: float
    max_points: float

    @property
    def actionable_gap(self) -> float:
        """Points the seller can still win on this rule (0 for a rule that was not judged)."""
        return 0.0 if self.status is CheckStatus.NOT_JUDGED else round(self.max_points - self.points, 1)


def _check(rule: str, share: float, max_points: float, detail: str, *, judged: bool = True) -> Check:
    share = min(1.0, max(0.0, share))
    if not judged:
        status = CheckStatus.NOT_JUDGED
    elif share >= 1.0:
        status = CheckStatus.MET
    else:
        status = CheckStatus.MISSING if share <= 0.0 else CheckStatus.PARTIAL
    return Check(rule, status, detail, round(max_points * share, 1), max_points)


def _money(value: float) -> str:
    return f"{value:,.2f}"


def _quote_list(words: Sequence[str]) -> str:
    return ", ".join(f"'{w}'" for w in words)


# --------------------------------------------------------------------------- the checks of each dimension


def title_checks(stats: TitleStats, *, keywords_known: bool) -> tuple[Check, ...]:
    n = stats.length
    if n < TITLE_MIN_CHARS:
        share, detail = n / TITLE_MIN_CHARS, f"{n} characters; aim for {TITLE_MIN_CHARS}–{TITLE_MAX_CHARS}"
    elif n <= TITLE_MAX_CHARS:
        share, detail = 1.0, f"{n} characters"
    else:
        share = (2 * TITLE_MAX_CHARS - n) / TITLE_MAX_CHARS
        detail = f"{n} characters; keep it to {TITLE_MAX_CHARS} or fewer"
    length = _check(f"Title is {TITLE_MIN_CHARS}–{TITLE_MAX_CHARS} characters", share, TITLE_LENGTH_POINTS, detail)

    rule = "Title includes a category keyword"
    if n == 0:
        keyword = _check(rule, 0, TITLE_KEYWORD_POINTS, "no title")
    elif not keywords_known:
        no_data = "no category keywords to compare with yet"
        keyword = _check(rule, NEUTRAL_SHARE, TITLE_KEYWORD_POINTS, no_data, judged=False)
    elif stats.keywords_found:
        keyword = _check(rule, 1, TITLE_KEYWORD_POINTS, f"has {_quote_list(stats.keywords_found)}")
    else:
        keyword = _check(rule, 0, TITLE_KEYWORD_POINTS, f"none of {_quote_list(stats.keyword_hints)}")

    if not stats.has_letters:
        caps = _check("No all-caps", 0, TITLE_CAPS_POINTS, "no title")
    elif stats.upper_share > CAPS_MAX_UPPER_SHARE:
        caps = _check("No all-caps", 0, TITLE_CAPS_POINTS, f"{stats.upper_share:.0%} of the letters are capitals")
    elif stats.shouted_words:
        caps = _check("No all-caps", 0.5, TITLE_CAPS_POINTS, f"words in capitals: {', '.join(stats.shouted_words)}")
    else:
        caps = _check("No all-caps", 1, TITLE_CAPS_POINTS, "normal capitalisation")
    return length, keyword, caps


def plural(count: int | float, noun: str) -> str:
    """ "1 word", "12 words", "1,200 words"."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def format_points(value: float) -> str:
    """Listing score points as people read them: one decimal without a trailing ".0" (37.5, 40)."""
    return f"{value:.1f}".removesuffix(".0")


def _count_detail(count: int, noun: str, target: int) -> str:
    missing = target - count
    return plural(count, noun) + (f"; add {missing} more" if missing > 0 else "")


def description_checks(stats: DescriptionStats) -> tuple[Check, ...]:
    target = DESCRIPTION_TARGET_WORDS
    words = _check(
        f"At least {target} words", stats.words / target, DESCRIPTION_WORDS_POINTS, plural(stats.words, "word")
    )
    if stats.has_headings:
        structure = _check("Headings", 1, DESCRIPTION_STRUCTURE_POINTS, "has headings")
    elif stats.has_bold:
        structure = _check("Headings", 0.5, DESCRIPTION_STRUCTURE_POINTS, "bold text but no headings")
    else:
        structure = _check("Headings", 0, DESCRIPTION_STRUCTURE_POINTS, "no headings or bold text")
    paragraphs = _check(
        f"At least {DESCRIPTION_TARGET_PARAGRAPHS} paragraphs",
        stats.paragraphs / DESCRIPTION_TARGET_PARAGRAPHS,
        DESCRIPTION_PARAGRAPH_POINTS,
        plural(stats.paragraphs, "paragraph"),
    )
    feature_list = _check(
        f"Feature list of {DESCRIPTION_TARGET_LIST_ITEMS}+ items",
        stats.list_items / DESCRIPTION_TARGET_LIST_ITEMS,
        DESCRIPTION_LIST_POINTS,
        _count_detail(stats.list_items, "list item", DESCRIPTION_TARGET_LIST_ITEMS),
    )
    return words, structure, paragraphs, feature_list


def image_checks(*, has_featured: bool, gallery_count: int) -> tuple[Check, ...]:
    return (
        _check("Featured image", float(has_featured), FEATURED_IMAGE_POINTS, "set" if has_featured else "missing"),
        _check(
            f"Gallery of {GALLERY_TARGET_IMAGES}+ images",
            gallery_count / GALLERY_TARGET_IMAGES,
            GALLERY_POINTS,
            _count_detail(gallery_count, "image", GALLERY_TARGET_IMAGES),
        ),
    )


def seo_checks(*, has_title: bool, has_description: bool, keyword_count: int) -> tuple[Check, ...]:
    return (
        _check("SEO title", float(has_title), SEO_TITLE_POINTS, "set" if has_title else "missing"),
        _check(
            "SEO description", float(has_description), SEO_DESCRIPTION_POINTS, "set" if has_description else "missing"
        ),
        _check(
            f"{SEO_TARGET_KEYWORDS}+ SEO keywords",
            keyword_count / SEO_TARGET_KEYWORDS,
            SEO_KEYWORDS_POINTS,
            _count_detail(keyword_count, "keyword", SEO_TARGET_KEYWORDS),
        ),
    )


def price_share(price: float, band: PriceBand) -> float:
    """The share of the pricing points for `price` in `band` (see PRICING_POINTS for the formula)."""
    if price < band.p25:
        floor = PRICE_FLOOR_RATIO * band.p25
        return (price - floor) / (band.p25 - floor) if price > floor else 0.0
    if price > band.p75:
        ceiling = PRICE_CEILING_RATIO * band.p75
        return (ceiling - price) / (ceiling - band.p75) if price < ceiling else 0.0
    return 1.0


def usable_band(band: PriceBand | None) -> bool:
    return band is not None and band.sample_size >= MIN_BENCHMARK_SAMPLE


def pricing_checks(price: float | None, band: PriceBand | None) -> tuple[Check, ...]:
    rule = "Price inside the typical range"
    if band is None or not usable_band(band):
        seen = f" (only {plural(band.sample_size, 'comparable listing')})" if band else ""
        return (_check(rule, NEUTRAL_SHARE, PRICING_POINTS, f"no market benchmark yet{seen}", judged=False),)
    if price is None:
        return (_check(rule, 0, PRICING_POINTS, "no price"),)
    share = price_share(price, band)
    where = "inside" if share >= 1 else ("below" if price < band.p25 else "above")
    detail = (
        f"{_money(price)} is {where} the typical range {_money(band.p25)}–{_money(band.p75)} "
        f"(the middle half of {band.sample_size} published listings)"
    )
    return (_check(rule, share, PRICING_POINTS, detail),)


def tag_checks(tags: Sequence[str], norms: CategoryNorms) -> tuple[Check, ...]:
    """`tags` already normalised (see `normalize_terms`)."""
    count = _check(
        f"{TAG_TARGET_COUNT}+ tags",
        len(tags) / TAG_TARGET_COUNT,
        TAG_COUNT_POINTS,
        _count_detail(len(tags), "tag", TAG_TARGET_COUNT),
    )
    matching = matching_tags(tags, norms)
    rule = "Tags match the category's common tags"
    if not tags:
        match = _check(rule, 0, TAG_MATCH_POINTS, "no tags")
    elif not norms.top_tags:
        match = _check(rule, NEUTRAL_SHARE, TAG_MATCH_POINTS, "no common tags in this category yet", judged=False)
    elif matching:
        detail = f"{len(matching)} common: {_quote_list(matching)}"
        match = _check(rule, len(matching) / TAG_TARGET_MATCHES, TAG_MATCH_POINTS, detail)
    else:
        detail = f"none of the common tags, e.g. {_quote_list(suggested_tags(tags, norms)[:3])}"
        match = _check(rule, 0, TAG_MATCH_POINTS, detail)
    return count, match


def matching_tags(tags: Sequence[str], norms: CategoryNorms) -> tuple[str, ...]:
    common = set(norms.top_tags)
    return tuple(t for t in tags if t in common)


def suggested_tags(tags: Sequence[str], norms: CategoryNorms, limit: int = 5) -> tuple[str, ...]:
    """The category's most used tags that the listing does not have yet."""
    have = set(tags)
    return tuple(t for t in norms.top_tags if t not in have)[:limit]
