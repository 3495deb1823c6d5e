"""Listing text for demo products: titles, descriptions, tags, SEO, images and prices at three quality levels, and
the demo's known demand curve (how a product's conversion answers its price).

Every function takes the caller's seeded `random.Random`, so the same seed writes the same listing.

**The true price response** (issue 11). Every demo product has a demand curve the tests can recover from its
database row alone (its id, type and price):

    conversion(p) = min(`MAX_CONVERSION`, base × f(p)),   f(p) = min(`DEMAND_FACTOR_MAX`, exp(−k × (p − typ) ÷ typ))

* base: the listing's conversion at the typical price, drawn from its quality (`CONVERSION_RANGE`, 1–6 %);
* typ = (low + high) ÷ 2 of the type's usual range (`TYPE_PROFILES`; 5–10 % above the demo segments' median
  prices, which are pulled down by the many low-quality listings in the lower half of the range);
* k = `SENSITIVITY_LOW` + `SENSITIVITY_SPAN` × u = 0.7 + 0.6 × u, with u ∈ [0, 1) the first 8 bytes of
  SHA-256("demo-price-sensitivity:" + product id) over 2⁶⁴: each product its own sensitivity, 0.7–1.3;
* the tails: below the typical price the factor stops at 2.5 (a listing at a tenth of the market does not
  sell ever more; buyers there no longer look at the price); far above it the exponential would leave a
  listing at 5× the market without a buyer, so from the price p_c = typ × (1 + ln 10 ÷ k) where it reaches
  `DEMAND_FACTOR_FLOOR` (0.1) it falls as 0.1 × (p_c ÷ p)² instead: a few buyers who want this very listing,
  still losing some at every step up (elasticity −2, so no price above p_c earns more than p_c).
  The conversion is held to at most 0.95 (with base ≤ 6 % it never binds: base × 2.5 ≤ 15 %).

Views do not depend on the price (a listing is found, or not, before its price is seen), so units ∝ f(p):
the true price elasticity at p is −k × p ÷ typ (inside the clip), and revenue p × f(p) peaks at p = typ ÷ k.
`true_revenue_ratio` is revenue at the new price over revenue at the old one, the same views assumed.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from dataclasses import dataclass, field

from core.demo.vocabulary import (
    AUDIENCES,
    CATEGORY_TAGS,
    FEATURES,
    PLAIN_SENTENCES,
    TITLE_ADJECTIVES,
    TITLE_BENEFITS,
    TYPE_PROFILES,
)
from core.models.enums import DigitalProductType

QUALITY_LEVELS = ("high", "medium", "low")
# Share of page views that end in a purchase at the type's typical price, by listing quality (1-6 %).
CONVERSION_RANGE = {"high": (0.035, 0.06), "medium": (0.02, 0.035), "low": (0.01, 0.02)}
SENSITIVITY_LOW, SENSITIVITY_SPAN = 0.7, 0.6  # k = 0.7 + 0.6 × u: true revenue peak at typ ÷ k (0.77–1.43 typ)
DEMAND_FACTOR_FLOOR, DEMAND_FACTOR_MAX = 0.1, 2.5  # where the tail turns to 1/p², the top
MAX_CONVERSION = 0.95
IMAGE_HOST = "https://images.demo-marketplace.example"
_TAG_RE = re.compile(r"<[^>]+>")


@dataclass
class Listing:
    title: str
    description: str | None
    tags: list[str]
    seo_title: str | None
    seo_description: str | None
    seo_keywords: list[str] = field(default_factory=list)
    featured_image: str | None = None
    gallery_images: list[str] = field(default_factory=list)
    title_has_subject: bool = True  # does a search for the subject find this title?


def word_count(text: str) -> int:
    """Words of a description, ignoring HTML tags and Markdown markers."""
    return len(_TAG_RE.sub(" ", text).replace("#", " ").split())


def make_title(rng: random.Random, subject: str, ptype: DigitalProductType, quality: str) -> str:
    noun = rng.choice(TYPE_PROFILES[ptype].nouns)
    if quality == "high":
        title = f"{rng.choice(TITLE_ADJECTIVES)} {subject} {noun} - {rng.choice(TITLE_BENEFITS)}"
        while len(title) > 80:  # keep within the 30-80 characters a good title has
            title = f"{subject} {noun} - {rng.choice(TITLE_BENEFITS)}"
            if len(title) > 80:
                title = f"{subject} {noun}"
        return title if len(title) >= 30 else f"{title} | {rng.choice(TITLE_ADJECTIVES)} Edition"
    if quality == "medium":
        return f"{rng.choice(TITLE_ADJECTIVES)} {subject} {noun}" if rng.random() < 0.6 else f"{subject} {noun}"
    style = rng.random()
    if style < 0.35:
        return f"{subject} {noun}".upper()
    if style < 0.6:
        return f"{subject.upper()}!!!"
    if style < 0.8:
        return noun.split()[0].lower() + f" {rng.randint(1, 9)}"
    return subject.split()[0]


def _html_description(rng: random.Random, subject: str, ptype: DigitalProductType, audience: str) -> str:
    features = rng.sample(FEATURES, k=rng.randint(5, 7))
    formats = TYPE_PROFILES[ptype].file_formats
    steps = [
        "Download the files right after purchase.",
        f"Open the {subject.lower()} in your favourite app and replace the sample content.",
        "Adjust colours and fonts to match your brand.",
        "Save a copy for every new project so the original stays clean.",
    ]
    return "\n".join(
        [
            f"<h2>A {subject.lower()} that does the heavy lifting</h2>",
            f"<p>This {subject.lower()} was built for {audience} who want a polished result without starting "
            f"from a blank page. Every section has been tested with real customers, so you spend your time on "
            f"your work instead of on formatting. It is organised in the order you actually need it, from the "
            f"first overview to the final details, and each page explains what to put where.</p>",
            "<h2>What's inside</h2>",
            "<ul>" + "".join(f"<li>{f}</li>" for f in features) + "</ul>",
            "<h2>How to use it</h2>",
            "<ol>" + "".join(f"<li>{s}</li>" for s in steps) + "</ol>",
            "<h2>Who it's for</h2>",
            f"<p>Ideal for {audience} and anyone who wants a clear, repeatable process. If you have never used "
            f"a {subject.lower()} before, the included examples show you exactly what good looks like, and the "
            f"quick-start notes walk you through the first hour. Experienced users get a flexible structure "
            f"they can extend as their needs grow.</p>",
            "<h2>File details</h2>",
            f"<p>Delivered as {formats}. Instant digital download; no physical item will be shipped. "
            f"Questions before you buy? Send a message and you will get an answer within one business day.</p>",
        ]
    )


def _markdown_description(rng: random.Random, subject: str, ptype: DigitalProductType, audience: str) -> str:
    features = rng.sample(FEATURES, k=rng.randint(5, 7))
    formats = TYPE_PROFILES[ptype].file_formats
    return "\n".join(
        [
            f"## Why this {subject.lower()} works",
            "",
            f"Made for {audience}, this {subject.lower()} turns a job that usually takes an afternoon into a "
            f"fifteen-minute routine. The structure follows the way people really work, with room for notes "
            f"and a clear summary at the end, so nothing important slips through the cracks.",
            "",
            "## Features",
            "",
            *[f"- {f}" for f in features],
            "",
            "## How it helps",
            "",
            f"Most {audience} lose time rebuilding the same documents again and again. With a ready-made "
            f"{subject.lower()} you start from a proven layout, keep everything consistent, and look "
            f"professional from day one. Customers tell us they finish faster and feel more in control of "
            f"their week after switching to this system.",
            "",
            "## Who it's for",
            "",
            f"Anyone who wants a dependable {subject.lower()} without designing one from scratch: {audience}, "
            f"people starting something new, and teams who need everyone working from the same page. No special "
            f"skills are needed; if you can edit a document, you can use this.",
            "",
            "## What you get",
            "",
            f"- The complete {subject.lower()} ({formats})",
            "- A quick-start guide with examples",
            "- Free updates for life",
            "",
            "Instant download after purchase. Digital product only; nothing is shipped.",
        ]
    )


def make_description(rng: random.Random, subject: str, ptype: DigitalProductType, quality: str) -> str | None:
    audience = rng.choice(AUDIENCES)
    if quality == "high":
        build = _html_description if rng.random() < 0.5 else _markdown_description
        return build(rng, subject, ptype, audience)
    formats = TYPE_PROFILES[ptype].file_formats
    sentences = [s.format(subject_l=subject.lower(), audience=audience, formats=formats) for s in PLAIN_SENTENCES]
    if quality == "medium":
        text = " ".join(sentences) + " " + " ".join(f"{f}." for f in rng.sample(FEATURES, k=rng.randint(2, 4)))
        return text
    if rng.random() < 0.15:
        return None
    return " ".join(sentences[:3])  # about 20 words


def make_listing(
    rng: random.Random, subject: str, ptype: DigitalProductType, category_slug: str, quality: str, image_key: str
) -> Listing:
    title = make_title(rng, subject, ptype, quality)
    description = make_description(rng, subject, ptype, quality)
    category_tags = CATEGORY_TAGS[category_slug]
    subject_tag = subject.lower()
    if quality == "high":
        tags = [subject_tag, *rng.sample(category_tags, k=rng.randint(4, 6))]
        seo_keywords = [subject_tag, f"{subject_tag} template", *rng.sample(category_tags, k=rng.randint(1, 3))]
        listing = Listing(
            title=title,
            description=description,
            tags=tags,
            seo_title=f"{subject} {TYPE_PROFILES[ptype].nouns[0]} | Instant Download"[:70],
            seo_description=(
                f"{title}. A ready-to-use {subject.lower()} in {TYPE_PROFILES[ptype].file_formats}: "
                f"editable, printable and easy to customise."
            )[:160],
            seo_keywords=seo_keywords,
            featured_image=f"{IMAGE_HOST}/{image_key}/cover.jpg",
            gallery_images=[f"{IMAGE_HOST}/{image_key}/gallery-{i}.jpg" for i in range(1, rng.randint(4, 6) + 1)],
        )
    elif quality == "medium":
        has_seo = rng.random() < 0.4
        listing = Listing(
            title=title,
            description=description,
            tags=[subject_tag, *rng.sample(category_tags, k=rng.randint(1, 3))],
            seo_title=title[:70] if has_seo else None,
            seo_description=None,
            seo_keywords=[subject_tag] if has_seo else [],
            featured_image=f"{IMAGE_HOST}/{image_key}/cover.jpg",
            gallery_images=[f"{IMAGE_HOST}/{image_key}/gallery-{i}.jpg" for i in range(1, rng.randint(0, 2) + 1)],
        )
    else:
        listing = Listing(
            title=title,
            description=description,
            tags=[subject_tag] if rng.random() < 0.5 else [],
            seo_title=None,
            seo_description=None,
        )
    listing.title_has_subject = subject.lower() in title.lower()
    return listing


def make_price_cents(rng: random.Random, ptype: DigitalProductType, quality: str) -> int:
    """A price that fits the type, with a few clear outliers (under- and over-priced)."""
    profile = TYPE_PROFILES[ptype]
    roll = rng.random()
    if roll < 0.03:
        dollars = max(0.99, profile.low * rng.uniform(0.15, 0.4))
    elif roll < 0.06:
        dollars = profile.high * rng.uniform(2.5, 5.0)
    else:
        # Better listings sit a little higher in the range.
        position = rng.betavariate(2.0, 3.2 if quality == "low" else 2.4 if quality == "medium" else 1.8)
        dollars = profile.low + (profile.high - profile.low) * position
    # Round to the usual .00 / .99 / .49 endings.
    whole = max(0, int(dollars))
    ending = rng.choice((99, 99, 99, 0, 49))
    cents = whole * 100 + ending if ending else max(1, round(dollars)) * 100
    return max(99, cents)


def make_conversion_rate(rng: random.Random, quality: str) -> float:
    low, high = CONVERSION_RANGE[quality]
    return rng.uniform(low, high)


# ---------------------------------------------------------------- the true price response (module docstring)


def typical_price(ptype: DigitalProductType | str) -> float:
    """typ: the midpoint of the type's usual price range, (low + high) ÷ 2."""
    profile = TYPE_PROFILES[DigitalProductType(ptype)]
    return (profile.low + profile.high) / 2


def price_sensitivity(product_id: str) -> float:
    """k = 0.7 + 0.6 × u, u from SHA-256 of the product id (deterministic, uniform on [0.7, 1.3))."""
    digest = hashlib.sha256(f"demo-price-sensitivity:{product_id}".encode()).digest()
    return SENSITIVITY_LOW + SENSITIVITY_SPAN * int.from_bytes(digest[:8], "big") / 2**64


def true_price_response(product_id: str, ptype: DigitalProductType | str) -> tuple[float, float]:
    """(k, typ) of the product's true demand curve: elasticity −k × p ÷ typ, revenue-optimal price typ ÷ k."""
    return price_sensitivity(product_id), typical_price(ptype)


def demand_factor(product_id: str, ptype: DigitalProductType | str, price: float) -> float:
    """f(p): the conversion at p over the one at typ (module docstring): min(2.5, exp(−k × (p − typ) ÷ typ)) up
    to p_c = typ × (1 + ln 10 ÷ k), then 0.1 × (p_c ÷ p)²."""
    k, typ = true_price_response(product_id, ptype)
    p = float(price)
    turn = typ * (1 + math.log(1 / DEMAND_FACTOR_FLOOR) / k)
    if p > turn:
        return DEMAND_FACTOR_FLOOR * (turn / p) ** 2
    return min(DEMAND_FACTOR_MAX, math.exp(-k * (p - typ) / typ))


def true_revenue_ratio(product_id: str, ptype: DigitalProductType | str, old_price: float, new_price: float) -> float:
    """R(new) ÷ R(old) = new × f(new) ÷ (old × f(old)) under the product's true curve (the same views)."""
    old, new = float(old_price), float(new_price)
    return new * demand_factor(product_id, ptype, new) / (old * demand_factor(product_id, ptype, old))


def true_conversion(base: float, product_id: str, ptype: DigitalProductType | str, price: float) -> float:
    """conversion(p) = min(0.95, base × f(p))."""
    return min(MAX_CONVERSION, base * demand_factor(product_id, ptype, price))
