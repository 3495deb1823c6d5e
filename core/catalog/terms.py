"""Search-term vocabulary: one normal form per search term, its content words, and the product type it names.

`normalize_term` is what groups "Notion Budget Templates!" with "notion  budget template": control, direction
and zero-width characters dropped, lower case, apostrophes dropped ("women's" → "womens"), every other
punctuation mark a space, whitespace collapsed, and each word of four letters or more made singular by these
rules, in order:

1. words in `SINGULAR_WORDS` (news, series, canvas, christmas, …) and words ending in "ss", "us" or "is"
   (business, status, analysis) stay as they are;
2. "-ies" becomes "-ie" for the nouns in `IE_NOUNS` (cookies → cookie) and "-y" otherwise (diaries → diary);
3. "-sses", "-xes", "-zzes", "-ches" and "-shes" lose "es" (classes → class, boxes → box, sketches → sketch),
   except the "-che" nouns in `CHE_NOUNS` (niches → niche);
4. any other final "s" goes (templates → template, planners → planner, slides → slide).

Irregular plurals (knives, children) are left alone: grouping only needs both spellings of a search to
land on one form, and irregular plurals are rare in marketplace searches.
"""

from __future__ import annotations

import re

from core.models import DigitalProductType
from core.text_input import clean_search

# Words that end in "s" but are not plurals (rule 1). Three-letter words never change (ads, gas, bus).
SINGULAR_WORDS = frozenset(
    {
        "news", "series", "species", "canvas", "christmas", "atlas", "texas", "lens", "always", "perhaps",
        "chaos", "ethos", "cosmos", "pathos", "bias", "alias", "physics", "mathematics", "economics", "ethics",
        "analytics", "statistics", "diabetes", "herpes", "rabies", "scabies", "pajamas", "thanks", "athletics",
        "gymnastics", "aerobics", "olympics", "wales", "pilates",
    }
)  # fmt: skip
# Nouns whose singular ends in "-ie" (rule 2).
IE_NOUNS = frozenset(
    {
        "cookie", "movie", "selfie", "smoothie", "brownie", "hoodie", "zombie", "calorie", "rookie", "genie",
        "pixie", "goodie", "freebie", "newbie", "veggie", "foodie", "techie", "onesie", "birdie", "pie", "tie",
        "lie", "auntie", "bestie", "boogie", "cutie", "sweetie", "beanie", "barbie", "indie", "lingerie",
    }
)  # fmt: skip
# Nouns whose singular ends in "-che" (rule 3).
CHE_NOUNS = frozenset(
    {"niche", "cache", "headache", "avalanche", "moustache", "mustache", "psyche", "quiche", "cliche", "creche"}
)
IRREGULAR = {"quizzes": "quiz"}

# PostgreSQL's English stop words (tsearch_data/english.stop): the full-text search ignores them on both
# databases, so a term is matched, compared and shown by the words that remain.
_STOP_WORDS_TEXT = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
    herself it its itself they them their theirs themselves what which who whom this that these those am is
    are was were be been being have has had having do does did doing a an the and but if or because as until
    while of at by for with about against between into through during before after above below to from up down
    in out on off over under again further then once here there when where why how all any both each few more
    most other some such no nor not only own same so than too very s t can will just don should now
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

# Words in a search that name a product type, most specific first ("template" alone says least).
KEYWORD_PRODUCT_TYPES: tuple[tuple[DigitalProductType, frozenset[str]], ...] = (
    (DigitalProductType.COURSE, frozenset({"course", "class", "masterclass", "lesson", "bootcamp", "training"})),
    (DigitalProductType.POWERPOINT, frozenset({"slide", "presentation", "powerpoint", "deck", "pitch", "keynote"})),
    (
        DigitalProductType.SPREADSHEET,
        frozenset({"spreadsheet", "tracker", "excel", "budget", "calculator", "bookkeeping", "ledger", "invoice"}),
    ),
    (DigitalProductType.PLANNER, frozenset({"planner", "journal", "calendar", "log", "organizer", "diary"})),
    (DigitalProductType.EBOOK, frozenset({"ebook", "guide", "book", "handbook", "cookbook", "manual", "workbook"})),
    (
        DigitalProductType.GRAPHIC,
        frozenset({"svg", "clipart", "overlay", "graphic", "printable", "sign", "invitation", "logo", "icon"}),
    ),
    (
        DigitalProductType.DOCUMENT,
        frozenset({"checklist", "contract", "agreement", "sheet", "proposal", "letter", "resume", "form", "chart"}),
    ),
    (
        DigitalProductType.WEB_TEMPLATE,
        frozenset({"website", "landing", "theme", "wordpress", "shopify", "webflow", "notion", "template"}),
    ),
)

_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def singular(word: str) -> str:
    """The singular of one lower-case word by the module's rules (a word that is not a plural is unchanged)."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) < 4 or not word.endswith("s") or word in SINGULAR_WORDS or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-1] if word[:-1] in IE_NOUNS else word[:-3] + "y"
    if word.endswith(("sses", "xes", "zzes", "shes")):
        return word[:-2]
    if word.endswith("ches"):
        return word[:-1] if word[:-1] in CHE_NOUNS else word[:-2]
    return word[:-1]


def normalize_term(query: str) -> str:
    """The grouping form of a search: lower case, no punctuation, single spaces, singular words.

    Control, direction and zero-width characters are dropped first (`core.text_input.clean_search`), so
    "note\u200bbook" groups with "notebook" and a NUL never reaches the database."""
    text = _APOSTROPHES.sub("", clean_search(query).casefold())
    return " ".join(singular(word) for word in _NOT_WORD.sub(" ", text).split())


def content_words(term: str) -> tuple[str, ...]:
    """The words of a normalised term that full-text search matches on (stop words dropped), in order, unique."""
    seen: dict[str, None] = {}
    for word in term.split():
        if word not in STOP_WORDS:
            seen.setdefault(word, None)
    return tuple(seen)


def keyword_product_type(term: str) -> DigitalProductType | None:
    """The product type a normalised term names by itself ("adhd planner" → PLANNER), or None."""
    words = set(term.split())
    for product_type, keywords in KEYWORD_PRODUCT_TYPES:
        if words & keywords:
            return product_type
    return None


def vocabulary(texts: list[str]) -> frozenset[str]:
    """The content words of some free texts (category names, specialties), normalised like search terms."""
    words: set[str] = set()
    for text in texts:
        words.update(content_words(normalize_term(text)))
    return frozenset(words)
