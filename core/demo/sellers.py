"""Drawing one demo seller at a time: timeline, products and their daily activity.

A seller is planned with an intended stage. `simulate_seller` draws it and checks the stage its
data really shows (`classify_seller_stage`), retrying with a fresh draw until both agree, then
turns the draw into rows (`core.demo.rows`).

Every seller joins inside the history; an established shop lists most of its catalogue in the weeks after
its approval (the first one one to two weeks after it). A new listing is found gradually: its demand ramps from
1 % to 100 % over its first 45 days, so a first sale comes days or weeks after publication, as on a real
marketplace. A listing's views are drawn from its seller's level and its base conversion; its price then moves
the conversion along the product's known demand curve (`core.demo.listings.true_conversion`), so units answer
the price and the pricing model's advice can be checked against the truth.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from core.demo.activity import HISTORY_DAYS, ProductDay, simulate_product
from core.demo.draws import DrawnProduct, MarketContext, SellerDraw, SellerPlan
from core.demo.events import id_factory
from core.demo.listings import (
    QUALITY_LEVELS,
    make_conversion_rate,
    make_listing,
    make_price_cents,
    true_conversion,
)
from core.demo.rows import SellerBuild, build_rows
from core.demo.stages import (
    PERSONAS,
    STAGE_MIX,
    STAGE_PROFILES,
    classify_seller_stage,
    seller_curve,
)
from core.demo.vocabulary import CATEGORIES, FIRST_NAMES, LAST_NAMES, SHOP_WORDS, SUBJECTS
from core.models.enums import ProductStatus, SellerStatus
from core.sales.trends import trend_windows

QUALITY_UNITS = {"high": 1.0, "medium": 0.55, "low": 0.25}  # better listings sell more
ESTABLISHED = ("thriving", "steady", "declining", "churned")
EARLY_SKEW = 2.5  # joined (high - (high - low) x u^2.5) days ago: half of them in the first ~18 % of the range
LAUNCH_DAYS = 30  # mean extra days before an established shop's later listings (after the first's 1–14)
RAMP_DAYS, RAMP_START = 45, 0.01  # a new listing's demand ramps from 1 % to 100 % over 45 days


def _start_draw(plan: SellerPlan, ctx: MarketContext, seed: int, attempt: int) -> SellerDraw:
    rng = random.Random(f"demo:{seed}:seller:{plan.index}:{attempt}")
    profile = STAGE_PROFILES[plan.stage]
    clock = ctx.clock
    persona = plan.persona
    low, high = profile.created_days_ago
    if persona is not None:
        created_ago = persona.created_days_ago
    elif plan.stage in ESTABLISHED:
        # Most established shops joined in the marketplace's first months, the others since (a steady trickle).
        created_ago = high - int((high - low) * rng.random() ** EARLY_SKEW)
    else:
        created_ago = rng.randint(low, high)
    created_index = HISTORY_DAYS - 1 - created_ago
    created_at = clock.time_on(rng, created_index)
    approved_at, approved_index = None, HISTORY_DAYS
    if plan.stage != "pending":
        approved_index = min(HISTORY_DAYS - 2, created_index + rng.randint(1, 5))
        approved_at = max(clock.time_on(rng, approved_index), created_at + timedelta(hours=1))
    slugs = [slug for slug, _, _ in CATEGORIES]
    focus = list(persona.specialties) if persona else rng.sample(slugs, k=rng.randint(1, 3))
    curve, churn_index = seller_curve(
        rng,
        plan.stage,
        persona.ratio if persona else None,
        ctx.season[focus[0]],
        approved_index=approved_index,
        annual_rate=persona.annual_rate if persona else None,
    )
    size = persona.size if persona and persona.size else rng.lognormvariate(0, 0.6)
    return SellerDraw(
        rng,
        id_factory(rng),
        plan,
        ctx,
        profile,
        created_at,
        approved_at,
        approved_index,
        churn_index,
        curve,
        size,
        focus,
    )


def _product_timeline(draw: SellerDraw, roll: float, first: bool) -> tuple[str, int | None, int]:
    """(status, index of publication or None for drafts, index where activity ends)."""
    rng, stage, last = draw.rng, draw.plan.stage, HISTORY_DAYS - 1
    if stage == "pending" or (roll < 0.05 and not first):
        return ProductStatus.DRAFT, None, HISTORY_DAYS
    if first and stage in ("new", "no_first_sale"):
        # Most creators publish their first item within days of being approved.
        published = min(last - 4, draw.approved_index + rng.randint(0, 6))
    elif stage == "new":
        published = rng.randint(max(draw.approved_index, last - 55), last - 4)
    elif stage == "no_first_sale":
        published = rng.randint(draw.approved_index, last - 1)
    else:
        # Established shops list most of their catalogue in the weeks after approval, the rest over time.
        latest = max(draw.approved_index, min(last - 7, draw.churn_index - 30))
        persona = draw.plan.persona
        if persona is not None and persona.launch_days:  # a shop that moved its catalogue over at once
            delay = rng.randint(0, 3) + (0 if first else int(rng.expovariate(1 / persona.launch_days)))
        else:
            delay = rng.randint(1, 14) + (0 if first else int(rng.expovariate(1 / LAUNCH_DAYS)))
        published = min(draw.approved_index + delay, latest)
    status, end = ProductStatus.PUBLISHED, HISTORY_DAYS
    if roll > 0.93 and published < last - 20:
        status, end = ProductStatus.ARCHIVED, rng.randint(max(published, 0) + 10, last - 5)
    if stage == "churned" and rng.random() < 0.65:
        status, end = ProductStatus.ARCHIVED, min(end, draw.churn_index + rng.randint(0, 10))
    return status, published, end


def _draw_product(draw: SellerDraw, first: bool) -> DrawnProduct:
    rng, ctx, last = draw.rng, draw.ctx, HISTORY_DAYS - 1
    all_slugs = [slug for slug, _, _ in CATEGORIES]
    category = rng.choice(draw.focus) if rng.random() < 0.85 else rng.choice(all_slugs)
    subject, types = rng.choice(SUBJECTS[category])
    ptype = rng.choice(types)
    quality = rng.choices(
        QUALITY_LEVELS, weights=draw.plan.persona.quality if draw.plan.persona else draw.profile.quality
    )[0]
    score = {"high": (0.75, 1.0), "medium": (0.45, 0.75), "low": (0.1, 0.45)}[quality]
    product_id = draw.new_id()
    listing = make_listing(rng, subject, ptype, category, quality, f"p/{product_id[:8]}")
    price = make_price_cents(rng, ptype, quality)
    status, published_index, end = _product_timeline(draw, rng.random(), first)
    if published_index is None:
        # A draft is written in the last weeks the seller was around: never after a churned seller left.
        joined = ctx.clock.index_of(draw.created_at)
        newest = max(joined, min(last, draw.churn_index))
        created = max(draw.moment(rng.randint(max(joined, newest - 40), newest)), draw.created_at)
        published, updated = None, created
    else:
        published = max(draw.moment(published_index), draw.created_at)
        created = max(draw.created_at, published - timedelta(days=rng.random() * 14))
        updated = max(draw.moment(end), published) if end < HISTORY_DAYS else published
    deleted = None
    if published_index is not None and published_index < last - 6 and rng.random() < 0.025:
        end = min(end, rng.randint(max(published_index, 0) + 5, last))
        deleted = updated = max(draw.moment(end), published)
    product = DrawnProduct(
        product_id,
        category,
        subject,
        ptype,
        quality,
        rng.uniform(*score),
        listing,
        price,
        status,
        created,
        published,
        updated,
        deleted,
    )
    if published_index is not None:
        product.days = _simulate(draw, product, published_index, end)
    return product


def _simulate(draw: SellerDraw, product: DrawnProduct, published_index: int, end: int) -> list[ProductDay]:
    rng, ctx, stage = draw.rng, draw.ctx, draw.plan.stage
    factor = [a * b for a, b in zip(draw.curve, ctx.season[product.category], strict=True)]
    for i in range(max(0, published_index), min(HISTORY_DAYS, published_index + RAMP_DAYS)):
        factor[i] *= RAMP_START + (1 - RAMP_START) * (i - published_index) / RAMP_DAYS
    conversion = make_conversion_rate(rng, product.quality)
    if stage == "no_first_sale":
        view_level, conversion = rng.uniform(0.3, 2.5), 0.0  # browsed, never bought (yet)
    elif rng.random() < ctx.dormant_share:
        view_level = rng.uniform(0.005, 0.08)  # a listing hardly anybody finds
    else:
        units = draw.profile.units_level * draw.size * rng.lognormvariate(0, 0.9) * ctx.demand_factor
        view_level = units * QUALITY_UNITS[product.quality] / conversion
    # Views come from the base conversion (found or not, whatever the price); the price then moves the
    # conversion along the product's true curve (`core.demo.listings`), so units follow the price.
    conversion = true_conversion(conversion, product.id, product.ptype, product.price_cents / 100)
    # The days are drawn from the product's own stream (seeded by its id): how many draws a busy listing takes
    # cannot shift the next listing's traits, so a persona's level follows its `size` smoothly.
    return simulate_product(
        random.Random(product.id),
        factor,
        start=max(0, published_index),
        end=end,
        view_level=view_level,
        conversion_rate=conversion,
        price_cents=product.price_cents,
    )


def _derived_stage(draw: SellerDraw, products: list[DrawnProduct]) -> tuple[str, int | None]:
    """The stage the drawn data shows, and the index of the first sale."""
    revenue = [0] * HISTORY_DAYS
    for product in products:
        for day in product.days:
            revenue[day.index] += day.revenue_cents
    sale_days = [i for i, cents in enumerate(revenue) if cents]
    first = sale_days[0] if sale_days else None
    days = draw.ctx.days
    today = draw.ctx.clock.today
    stage = classify_seller_stage(
        status=SellerStatus.PENDING if draw.approved_at is None else SellerStatus.APPROVED,
        first_sale_day=days[first] if first is not None else None,
        last_sale_day=days[sale_days[-1]] if sale_days else None,
        revenue_blocks=revenue_blocks(revenue, days, today),
        today=today,
    )
    return stage, first


def revenue_blocks(revenue_cents: list[int], days: list[date], today: date) -> list[Decimal]:
    """The revenue of each 90-day block of `core.sales.trends.trend_windows(today)` (complete days only)."""
    first = days[0]
    out = []
    for window in trend_windows(today).blocks:
        lo, hi = max(0, (window.start - first).days), (window.end - first).days
        out.append(Decimal(sum(revenue_cents[lo : hi + 1]) if hi >= 0 else 0).scaleb(-2))
    return out


def simulate_seller(
    plan: SellerPlan,
    ctx: MarketContext,
    seed: int,
    max_attempts: int = 40,
    plant: Callable[[SellerPlan, list[DrawnProduct]], bool] | None = None,
) -> SellerBuild:
    """Draw the seller until its data shows the planned stage (the last draw wins after max_attempts); `plant`
    (`core.demo.planted.Plants.apply`) may then change the drawn days before they become rows: when it adds or
    empties a sale day, the stage and first sale are derived again from the planted days."""
    for attempt in range(max_attempts):
        draw = _start_draw(plan, ctx, seed, attempt)
        count = plan.persona.products if plan.persona else draw.rng.randint(*draw.profile.products)
        products = [_draw_product(draw, first=number == 0) for number in range(count)]
        stage, first_sale = _derived_stage(draw, products)
        if stage == plan.stage:
            break
    if plant is not None and plant(plan, products):
        stage, first_sale = _derived_stage(draw, products)
    return build_rows(draw, products, stage, first_sale, seed)


def seller_plans(rng: random.Random, count: int, persona_hashes: dict[str, str], shared_hash: str) -> list[SellerPlan]:
    """The personas first, then `count` generated sellers whose stages follow STAGE_MIX exactly."""
    plans = [
        SellerPlan(
            i, p.stage, p.username, p.name, f"{p.username}@example.com", p.display_name, persona_hashes[p.username], p
        )
        for i, p in enumerate(PERSONAS)
    ]
    stages = [stage for stage, share in STAGE_MIX.items() for _ in range(round(share * count))]
    stages = (stages + ["thriving"] * count)[:count]
    rng.shuffle(stages)
    for number, stage in enumerate(stages, start=len(plans)):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        username = f"{first}.{last}{number}".lower()
        word = rng.choice(SHOP_WORDS)
        shop = f"{first} {last} {word}" if rng.random() < 0.5 else f"{last} {word}"
        plans.append(
            SellerPlan(number, stage, username, f"{first} {last}", f"{username}@example.com", shop, shared_hash)
        )
    return plans
