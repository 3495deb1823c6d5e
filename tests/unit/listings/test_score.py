"""The listing score's rules, with hand-computed points, and its offline suggestions."""

from __future__ import annotations

import dataclasses
import random

import pytest

from core.listings.rules import price_share
from core.listings.score import (
    DIMENSIONS,
    CategoryNorms,
    CheckStatus,
    ListingInput,
    PriceBand,
    listing_suggestions_offline,
    portfolio_score,
    score_listing,
)
from core.listings.text import analyse_description

NORMS = CategoryNorms.build("Budget Planners", ["budget", "finance", "printable", "monthly planner", "savings"])
BAND = PriceBand(p25=10.0, median=14.0, p75=20.0, average=15.0, sample_size=12)


def words(n: int) -> str:
    return " ".join(["lorem"] * n)


# 2 heading words + 120 + 80 + 2 + 2 + 3 list words = 209 words: every description rule met.
HTML_DESCRIPTION = (
    f"<h2>What's inside</h2><p>{words(120)}</p><p>{words(80)}</p>"
    "<ul><li>Monthly pages</li><li>Savings tracker</li><li>Debt payoff sheet</li></ul>"
)
# 2 heading words + 150 + 50 + 3 list words = 205 words.
MARKDOWN_DESCRIPTION = f"## What's inside\n\n{words(150)}\n\n{words(50)}\n\n- Monthly pages\n- Savings\n* Debt payoff\n"


def perfect(**changes: object) -> ListingInput:
    listing = ListingInput(
        product_id="p-1",
        title="Monthly Budget Planner for Families",  # 35 characters, has "budget"
        description=HTML_DESCRIPTION,
        featured_image="https://cdn.example.com/cover.png",
        gallery_images=["g1.png", "g2.png", "g3.png"],
        seo_title="Monthly budget planner",
        seo_description="A printable planner for the family budget.",
        seo_keywords=["budget", "planner", "printable"],
        tags=["Budget", "finance", "family"],
        price=12,
        category_name="Budget Planners",
        product_type="PLANNER",
    )
    return dataclasses.replace(listing, **changes)


def points(listing: ListingInput, *, band: PriceBand | None = BAND, norms: CategoryNorms | None = NORMS) -> dict:
    score = score_listing(listing, benchmark=band, category_norms=norms)
    return {d.key: d.points for d in score.dimensions} | {"overall": score.overall}


def test_the_maxima_are_those_of_the_seed_and_sum_to_100():
    assert [(k, m) for k, _, m in DIMENSIONS] == [
        ("title_quality", 15),
        ("description_completeness", 25),
        ("image_quality", 20),
        ("seo_optimization", 15),
        ("pricing_competitiveness", 15),
        ("tag_relevance", 10),
    ]


@pytest.mark.parametrize("description", [HTML_DESCRIPTION, MARKDOWN_DESCRIPTION], ids=["html", "markdown"])
def test_a_perfect_listing_scores_100(description):
    score = score_listing(perfect(description=description), benchmark=BAND, category_norms=NORMS)
    assert score.overall == 100.0
    assert score.band == "green"
    assert all(c.status is CheckStatus.MET for d in score.dimensions for c in d.checks)


def test_an_empty_listing_sits_at_every_floor():
    empty = ListingInput("p-0")
    # With market data, nothing is met: 0 everywhere, pricing too (no price against a usable band).
    assert points(empty) == dict.fromkeys([*(k for k, _, _ in DIMENSIONS), "overall"], 0.0)
    # Without market data, only pricing gets its neutral half: 15 × 0.5 = 7.5. The keyword and tag-match
    # rules stay at 0: an empty title and no tags are not "unknown", they are missing.
    score = score_listing(empty, benchmark=None, category_norms=None)
    assert score.overall == 7.5
    assert score.band == "red"
    pricing = score.dimension("pricing_competitiveness").checks[0]
    assert (pricing.status, pricing.points, pricing.detail) == (CheckStatus.NOT_JUDGED, 7.5, "no market benchmark yet")
    assert score.dimension("title_quality").checks[1].status is CheckStatus.MISSING


@pytest.mark.parametrize(
    ("length", "expected"),
    [
        (0, 0.0),  # 6 × 0/30
        (15, 3.0),  # 6 × 15/30
        (29, 5.8),  # 6 × 29/30
        (30, 6.0),
        (80, 6.0),
        (81, 5.9),  # 6 × (160 − 81)/80 = 5.925 → 5.9
        (120, 3.0),  # 6 × 40/80
        (160, 0.0),
        (200, 0.0),  # clamped at 0
    ],
)
def test_title_length_points(length, expected):
    title = ("Budget " + "a" * 300)[:length]  # no trailing space: whitespace at the ends is not counted
    check = score_listing(perfect(title=title), benchmark=BAND, category_norms=NORMS).dimension("title_quality").checks
    assert check[0].points == expected


def test_title_at_29_and_81_characters_scores_whole_listing():
    # Everything else perfect: 100 − 6 + 5.8 = 99.8, and 100 − 6 + 5.9 = 99.9.
    assert points(perfect(title=("Budget planner " + "a" * 99)[:29]))["overall"] == 99.8
    assert points(perfect(title=("Budget planner " + "a" * 99)[:81]))["overall"] == 99.9


@pytest.mark.parametrize(
    ("title", "keyword", "caps"),
    [
        ("Planners for teachers who love order", 6.0, 3.0),  # "planners" is the category name word
        ("Savings tracker for a calm household", 6.0, 3.0),  # "savings" is a top tag
        ("Monthly sheets to plan the household", 6.0, 3.0),  # "monthly" is a word of the tag "monthly planner"
        ("Household sheets for a calm and tidy year", 0.0, 3.0),  # no keyword: "for", "and" are stop words
        ("FREE Budget Planner Template For Families", 6.0, 1.5),  # one shouted word of 4+ letters: half
        ("PDF Budget Planner Template For Families", 6.0, 3.0),  # 3-letter acronyms are fine
        ("MONTHLY BUDGET PLANNER for families", 6.0, 0.0),  # 20 of 31 letters are capitals (> 50 %)
    ],
)
def test_title_keyword_and_capitals(title, keyword, caps):
    checks = score_listing(perfect(title=title), benchmark=BAND, category_norms=NORMS).dimension("title_quality").checks
    assert (checks[1].points, checks[2].points) == (keyword, caps)


def test_title_keyword_is_neutral_without_category_keywords():
    # 35 characters → 6; no keywords known → 6 × 0.5 = 3 (not judged); normal case → 3. Total 12.
    score = score_listing(perfect(), benchmark=BAND, category_norms=None)
    title = score.dimension("title_quality")
    assert title.points == 12.0
    assert title.checks[1].status is CheckStatus.NOT_JUDGED


def test_html_description_with_partial_credit():
    html = "<p><strong>Great</strong> planner for the whole year</p><ul><li>One</li><li>Two</li></ul>"
    stats = analyse_description(html)
    assert (stats.format, stats.words, stats.paragraphs, stats.list_items) == ("html", 8, 1, 2)
    # words 12 × 8/200 = 0.48 → 0.5; bold only 4 × 0.5 = 2; 1 paragraph 3 × 1/2 = 1.5; 2 items 6 × 2/3 = 4.
    # 0.5 + 2 + 1.5 + 4 = 8.0
    assert points(perfect(description=html))["description_completeness"] == 8.0


def test_markdown_description_with_partial_credit():
    text = "**Great** planner.\nSecond line same block.\n\n1. One\n2. Two\n3) Three\n\nClosing words here"
    stats = analyse_description(text)
    # Words: Great planner Second line same block One Two Three Closing words here = 12 (list numbers dropped).
    # Paragraphs: the first and last blocks; the middle block is a list only.
    assert (stats.format, stats.words, stats.paragraphs, stats.list_items) == ("markdown", 12, 2, 3)
    # words 12 × 12/200 = 0.72 → 0.7; bold only 2; 2 paragraphs 3; 3 items 6. 0.7 + 2 + 3 + 6 = 11.7
    assert points(perfect(description=text))["description_completeness"] == 11.7


def test_plain_description_and_entities():
    # 5 words → 12 × 5/200 = 0.3; no headings 0; 1 paragraph 1.5; no list 0 → 1.8
    assert points(perfect(description="Just one paragraph of text"))["description_completeness"] == 1.8
    # HTML entities and tags are not words: "Tom & Jerry's planner" is 3 words.
    assert analyse_description("<p>Tom &amp; Jerry's <em>planner</em></p>").words == 3


@pytest.mark.parametrize(
    ("featured", "gallery", "expected"),
    [
        (None, [], 0.0),
        ("cover.png", [], 8.0),
        ("cover.png", ["a"], 12.0),  # 8 + 12 × 1/3
        ("cover.png", ["a", "b"], 16.0),  # 8 + 12 × 2/3
        ("cover.png", ["a", "b", "c"], 20.0),
        ("cover.png", ["a", "b", "c", "d"], 20.0),  # capped at 3
        ("cover.png", ["a", "a", " ", "b"], 16.0),  # duplicates and blanks do not count
        ("  ", ["a", "b", "c"], 12.0),  # a blank featured image is not set
    ],
)
def test_image_points(featured, gallery, expected):
    assert points(perfect(featured_image=featured, gallery_images=gallery))["image_quality"] == expected


def test_seo_points():
    # title 5 + no description 0 + 2 distinct keywords 5 × 2/3 = 3.33 → 3.3; total 8.3
    listing = perfect(seo_description="", seo_keywords=["Budget", "budget ", "planner"])
    assert points(listing)["seo_optimization"] == 8.3


@pytest.mark.parametrize(
    ("price", "expected"),
    [
        (10, 15.0),  # p25: inside
        (20, 15.0),  # p75: inside
        (7.5, 7.5),  # below: floor 0.5 × 10 = 5; 15 × (7.5 − 5)/(10 − 5) = 7.5
        (6, 3.0),  # 15 × 1/5
        (5, 0.0),  # at the floor
        (0, 0.0),
        (24, 12.0),  # above: ceiling 2 × 20 = 40; 15 × (40 − 24)/(40 − 20) = 12
        (35, 3.8),  # 15 × 5/20 = 3.75 → 3.8
        (40, 0.0),
        (99, 0.0),
    ],
)
def test_pricing_points(price, expected):
    assert points(perfect(price=price))["pricing_competitiveness"] == expected


def test_pricing_without_a_usable_benchmark_is_neutral():
    assert points(perfect(), band=None)["pricing_competitiveness"] == 7.5
    thin = dataclasses.replace(BAND, sample_size=4)  # fewer than 5 published listings: not a market yet
    score = score_listing(perfect(price=99), benchmark=thin, category_norms=NORMS)
    check = score.dimension("pricing_competitiveness").checks[0]
    assert (check.points, check.status) == (7.5, CheckStatus.NOT_JUDGED)
    assert "only 4 comparable listings" in check.detail


def test_price_share_on_a_degenerate_band():
    flat = PriceBand(p25=0.0, median=0.0, p75=0.0, average=0.0, sample_size=9)  # all free
    assert price_share(0.0, flat) == 1.0
    assert price_share(3.0, flat) == 0.0  # ceiling 2 × 0 = 0: anything above is off


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ([], 0.0),
        (["family"], 1.3),  # count 4 × 1/3 = 1.33 → 1.3; no match 0
        (["budget"], 4.3),  # 1.3 + one match 6 × 1/2 = 3
        (["Budget", " budget", "BUDGET "], 4.3),  # one distinct tag after trimming and lower-casing
        (["budget", "family", "kids"], 7.0),  # count 4 + one match 3
        (["budget", "savings", "kids"], 10.0),  # count 4 + two matches 6
    ],
)
def test_tag_points(tags, expected):
    assert points(perfect(tags=tags))["tag_relevance"] == expected


def test_tag_match_is_neutral_without_norms():
    # 3 tags 4 + no norms 6 × 0.5 = 3 → 7
    score = score_listing(perfect(), benchmark=BAND, category_norms=CategoryNorms.build("Budget Planners", []))
    tags = score.dimension("tag_relevance")
    assert tags.points == 7.0
    assert tags.checks[1].status is CheckStatus.NOT_JUDGED


def test_a_mixed_listing_adds_up():
    listing = ListingInput(
        "p-9",
        title="Budget sheet",  # 12 chars: 6 × 12/30 = 2.4; keyword 6; normal case 3 → 11.4
        description="Just one paragraph of text",  # 1.8 (see above)
        featured_image=None,
        gallery_images=["a"],  # 0 + 4 = 4
        seo_title="Budget",  # 5 + 0 + 0 = 5
        tags=["budget"],  # 4.3
        price=30,  # 15 × (40 − 30)/20 = 7.5
    )
    # 11.4 + 1.8 + 4 + 5 + 7.5 + 4.3 = 34.0 → red
    score = score_listing(listing, benchmark=BAND, category_norms=NORMS)
    assert points(listing) == {
        "title_quality": 11.4,
        "description_completeness": 1.8,
        "image_quality": 4.0,
        "seo_optimization": 5.0,
        "pricing_competitiveness": 7.5,
        "tag_relevance": 4.3,
        "overall": 34.0,
    }
    assert score.band == "red"


@pytest.mark.parametrize(("overall", "band"), [(39.9, "red"), (40.0, "yellow"), (70.0, "yellow"), (70.1, "green")])
def test_bands(overall, band):
    score = score_listing(perfect(), benchmark=BAND, category_norms=NORMS)
    assert dataclasses.replace(score, overall=overall).band == band


def test_portfolio_score():
    a = score_listing(perfect(), benchmark=BAND, category_norms=NORMS)  # 100
    b = score_listing(ListingInput("p-0"), benchmark=None, category_norms=None)  # 7.5
    assert portfolio_score([a, b]) == 53.8  # (100 + 7.5)/2 = 53.75 → 53.8
    assert portfolio_score([]) is None


# --------------------------------------------------------------------------- suggestions


def test_suggestions_are_specific_and_ordered_by_gain():
    listing = ListingInput(
        "p-5",
        title="Family money sheet",  # 18 characters, no category keyword
        description=HTML_DESCRIPTION,
        featured_image="cover.png",
        gallery_images=["a"],
        seo_title="x",
        seo_description="y",
        seo_keywords=["a", "b", "c"],
        tags=["budget", "savings", "kids"],
        price=12,
    )
    score = score_listing(listing, benchmark=BAND, category_norms=NORMS)
    suggestions = listing_suggestions_offline(score, listing)
    # Gaps: images 20 − 12 = 8 (high); title: length 6 − 3.6 = 2.4 and keyword 6 → 8.4 (high).
    assert [(s.dimension, s.impact) for s in suggestions] == [("title_quality", "high"), ("image_quality", "high")]
    assert suggestions[0].suggestion == (
        "Your title is 18 characters; aim for 30–80; include 'budget' or 'planners' so buyers searching the "
        "category find it."
    )
    assert suggestions[1].suggestion.startswith("Add 2 more gallery images (you have 1; listings with 3+")


def test_suggestion_impact_thresholds():
    # SEO keyword gap only: 1 keyword → 5 × 1/3 = 1.7 points, gap 3.3 → low
    low = perfect(seo_keywords=["budget"])
    # No featured image: gap 8 → high; one gallery image short: gap 4 → medium
    high, medium = perfect(featured_image=None), perfect(gallery_images=["a", "b"])
    impacts = [
        listing_suggestions_offline(score_listing(x, benchmark=BAND, category_norms=NORMS), x)[0].impact
        for x in (low, medium, high)
    ]
    assert impacts == ["low", "medium", "high"]


def test_pricing_suggestion_and_no_suggestion_without_market_data():
    listing = perfect(price=30)
    score = score_listing(listing, benchmark=BAND, category_norms=NORMS)
    [suggestion] = listing_suggestions_offline(score, listing)
    assert suggestion.dimension == "pricing_competitiveness"
    assert "above the typical range 10.00–20.00 of 12 comparable listings" in suggestion.suggestion
    neutral = score_listing(listing, benchmark=None, category_norms=None)
    assert listing_suggestions_offline(neutral, listing) == []  # only unjudged gaps: nothing to do
    assert listing_suggestions_offline(score_listing(perfect(), benchmark=BAND, category_norms=NORMS), perfect()) == []


def test_suggestions_refuse_a_foreign_listing():
    score = score_listing(perfect(), benchmark=BAND, category_norms=NORMS)
    with pytest.raises(ValueError):
        listing_suggestions_offline(score, perfect(product_id="other"))


# --------------------------------------------------------------------------- properties


def random_listing(rng: random.Random, n: int) -> ListingInput:
    pool = ["budget", "finance", "savings", "kids", "printable", "Budget", "  ", "calm", "monthly planner"]
    return ListingInput(
        product_id=f"r-{n}",
        title=rng.choice(["", "BUDGET", "Budget planner"]) + " x" * rng.randint(0, 60),
        description=rng.choice([None, "", HTML_DESCRIPTION, MARKDOWN_DESCRIPTION, words(rng.randint(0, 400))]),
        featured_image=rng.choice([None, "", "cover.png"]),
        gallery_images=[f"g{rng.randint(0, 5)}" for _ in range(rng.randint(0, 5))],
        seo_title=rng.choice([None, "t"]),
        seo_description=rng.choice([None, "d"]),
        seo_keywords=rng.sample(pool, rng.randint(0, 5)),
        tags=rng.sample(pool, rng.randint(0, 6)),
        price=rng.choice([None, round(rng.uniform(0, 60), 2)]),
    )


def test_every_subscore_stays_within_its_range():
    rng = random.Random(2026)
    for n in range(300):
        band = rng.choice([None, BAND, dataclasses.replace(BAND, sample_size=2)])
        score = score_listing(random_listing(rng, n), benchmark=band, category_norms=rng.choice([None, NORMS]))
        for dim, (_, _, maximum) in zip(score.dimensions, DIMENSIONS, strict=True):
            assert 0 <= dim.points <= maximum == dim.max_points
            assert all(0 <= c.points <= c.max_points for c in dim.checks)
        assert score.overall == round(sum(d.points for d in score.dimensions), 1)
        assert 0 <= score.overall <= 100


def test_adding_an_image_or_a_tag_never_lowers_the_score():
    rng = random.Random(7)
    for n in range(300):
        listing = random_listing(rng, n)
        norms = rng.choice([None, NORMS])
        before = score_listing(listing, benchmark=BAND, category_norms=norms).overall
        more = [
            dataclasses.replace(listing, gallery_images=[*listing.gallery_images, f"new-{n}.png"]),
            dataclasses.replace(listing, featured_image="cover.png"),
            dataclasses.replace(listing, tags=[*listing.tags, rng.choice(["budget", "zebra", "savings"])]),
        ]
        for changed in more:
            assert score_listing(changed, benchmark=BAND, category_norms=norms).overall >= before
