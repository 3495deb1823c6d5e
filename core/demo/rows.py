"""The rows one drawn demo seller becomes: user, profile, products, daily views / conversions / revenue, events.

Totals on the product and profile rows (views, downloads, sales, revenue, ratings) are summed
from the same daily rows that are inserted, so they always agree.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from core.demo.activity import HISTORY_DAYS
from core.demo.ads import ADVERTISER_SHARE, PERSONA_ADS, AdPlan, plan_ads
from core.demo.draws import DrawnProduct, SellerDraw
from core.demo.events import id_factory, seller_events, sequential_ids
from core.demo.purchases import SellerMarket, refund_probability
from core.demo.stages import CHURN_DAYS
from core.demo.traffic import draw_channel_mix
from core.demo.vocabulary import CATEGORIES, SELLER_BIOS
from core.models.enums import ConversionEventType, ProductStatus, SellerStatus


@dataclass
class SellerBuild:
    stage: str
    rows: dict[str, list[tuple[Any, ...]]]
    market: SellerMarket  # the sales, channel mix, visits and ads the orders pass needs
    subject_hits: list[str]  # subjects a search finds in published titles


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def build_rows(
    draw: SellerDraw, products: list[DrawnProduct], stage: str, first_sale: int | None, seed: int
) -> SellerBuild:
    """The seller's rows per table, with totals summed from the daily rows; ids come from the draw's stream (the
    channel mix, refunds and ads from the seller's own `market` stream)."""
    rng, plan, ctx = draw.rng, draw.plan, draw.ctx
    user_id, seller_id = draw.new_id(), draw.new_id()
    # The daily rows' and events' ids: their own cheap stream (millions at the large scale).
    new_id = sequential_ids(random.Random(f"demo:{seed}:row-ids:{plan.index}"))
    rows: dict[str, list[tuple[Any, ...]]] = {t: [] for t in _TABLES}
    sales: list[tuple[int, str, int, int]] = []
    subject_hits = []
    total_units = total_cents = rated = rating_sum = 0
    days = ctx.row_days or ctx.days
    for p in products:
        units = sum(d.units for d in p.days)
        cents = sum(d.revenue_cents for d in p.days)
        views = sum(d.views for d in p.days)
        total_units, total_cents = total_units + units, total_cents + cents
        rating, rating_count = None, 0
        if units:
            rating_count = sum(1 for _ in range(min(units, 400)) if rng.random() < 0.05 + 0.07 * p.quality_score)
        if rating_count:
            rating = Decimal(str(round(min(5.0, max(2.5, rng.gauss(3.3 + 1.6 * p.quality_score, 0.3))), 2)))
            rated, rating_sum = rated + rating_count, rating_sum + rating * rating_count
        lst = p.listing
        rows["digital_products"].append(
            (
                p.id,
                seller_id,
                ctx.category_ids[p.category],
                p.ptype.value,
                lst.title,
                lst.description,
                _money(p.price_cents),
                "USD",
                lst.tags,
                lst.seo_title,
                lst.seo_description,
                lst.seo_keywords,
                lst.featured_image,
                lst.gallery_images,
                rating,
                rating_count,
                views,
                units,
                p.status.value,
                p.published_at,
                p.created_at,
                p.updated_at,
                p.deleted_at,
            )
        )
        if p.status == ProductStatus.PUBLISHED and p.deleted_at is None and lst.title_has_subject:
            subject_hits.append(p.subject.lower())
        for d in p.days:
            day = days[d.index]
            rows["product_views"].append((new_id(), p.id, seller_id, day, d.views, d.unique_visitors))
            for kind, count in ((_ATC, d.add_to_cart), (_CHECKOUT, d.checkout_started), (_PURCHASE, d.units)):
                if count:
                    rows["conversion_events"].append((new_id(), p.id, seller_id, day, kind, count))
            if d.units:
                rows["revenue_records"].append((new_id(), seller_id, p.id, day, _money(d.revenue_cents), d.units))
                sales.append((d.index, p.id, d.units, d.revenue_cents))
    clock = ctx.clock
    published = [p.published_at for p in products if p.published_at is not None]
    if stage == "churned":
        quiet_from = min(draw.churn_index + rng.randint(0, 10), HISTORY_DAYS - 1 - CHURN_DAYS - 1)
        active_until = clock.time_on(rng, quiet_from)
    else:
        active_until = clock.as_of
    first_published = min(published) if published else None
    events, last_login = seller_events(
        rng,
        new_id,
        clock,
        user_id=user_id,
        created_at=draw.created_at,
        approved_at=draw.approved_at,
        published_at=first_published,
        first_sale_at=_first_sale_at(draw, first_published, first_sale),
        active_until=active_until,
        login_rate=draw.profile.login_rate,
    )
    rows["analytics_events"] = events
    rows["users"].append(
        (
            user_id,
            plan.username,
            plan.email,
            plan.name,
            plan.password_hash,
            "seller",
            True,
            last_login,
            draw.created_at,
            last_login,
        )
    )
    average = (rating_sum / rated).quantize(Decimal("0.01")) if rated else None
    specialties = list(draw.focus) if plan.persona is not None or rng.random() < 0.65 else []
    status = SellerStatus.PENDING if draw.approved_at is None else SellerStatus.APPROVED
    rows["seller_profiles"].append(
        (
            seller_id,
            user_id,
            plan.display_name,
            _bio(draw),
            status.value,
            draw.approved_at,
            total_units,
            _money(total_cents),
            average,
            COMMISSION_RATE,
            specialties,
            draw.created_at,
            max(draw.approved_at or draw.created_at, draw.created_at),
            None,
        )
    )
    market, ads = _market(draw, products, stage, seller_id, sales, seed)
    rows["ad_spend"] = ads.rows
    return SellerBuild(stage, rows, market, subject_hits)


def _market(
    draw: SellerDraw,
    products: list[DrawnProduct],
    stage: str,
    seller_id: str,
    sales: list[tuple[int, str, int, int]],
    seed: int,
) -> tuple[SellerMarket, AdPlan]:
    """The seller's channel mix, refund chances, visits per day and ads (`core.demo.traffic`, `core.demo.ads`).

    Shops with a following (maya, and established shops bigger than usual) get e-mail traffic; one seller in
    `REFUND_PROBLEM_EVERY` (never a persona) has a refund problem (8-15 %); about `ADVERTISER_SHARE` of the
    sellers with sales advertise, maya and dana always."""
    plan = draw.plan
    rng = random.Random(f"demo:{seed}:market:{plan.index}")
    persona = plan.persona.username if plan.persona else None
    selling = bool(sales) and draw.approved_at is not None
    following = persona == "maya" or (stage in ("thriving", "steady", "declining") and draw.size > 1.0)
    mix = draw_channel_mix(rng, following=following, archetype="social" if persona == "maya" else None)
    problem = persona is None and plan.index % REFUND_PROBLEM_EVERY == REFUND_PROBLEM_SLOT
    seller_rate = rng.uniform(0.08, 0.15) if problem else None
    refund_chance = {p.id: refund_probability(p.quality_score, seller_rate) for p in products}
    visits: dict[int, int] = {}
    for p in products:
        for d in p.days:
            visits[d.index] = visits.get(d.index, 0) + d.unique_visitors
    advertises = persona in PERSONA_ADS if persona else rng.random() < ADVERTISER_SHARE
    ads = AdPlan()
    if selling and advertises:
        ads = plan_ads(rng, id_factory(rng), seller_id, products, draw.ctx.row_days or draw.ctx.days, persona=persona)
    market = SellerMarket(seller_id, COMMISSION_RATE, mix, refund_chance, sales, ads.reserved, visits, ads.clicks)
    return market, ads


def _bio(draw: SellerDraw) -> str | None:
    if draw.approved_at is None and draw.rng.random() < 0.4:
        return None  # pending sellers often have not filled in their profile yet
    topics = " and ".join(CATEGORY_NAMES[slug].lower() for slug in draw.focus[:2])
    return draw.rng.choice(SELLER_BIOS).format(topics=topics)


def _first_sale_at(draw: SellerDraw, first_published: datetime | None, first_sale: int | None) -> datetime | None:
    """When the seller's first sale happened (before the history for sellers listed before it)."""
    if first_sale is None or first_published is None:
        return None
    clock = draw.ctx.clock
    if first_published < clock.day_start(0):
        return min(first_published + timedelta(days=draw.rng.uniform(0.5, 20)), clock.day_start(first_sale))
    return min(
        max(clock.time_on(draw.rng, first_sale), first_published + timedelta(minutes=30)),
        clock.as_of - timedelta(minutes=1),
    )


CATEGORY_NAMES = {slug: name for slug, name, _ in CATEGORIES}
COMMISSION_RATE = Decimal("0.1500")  # every demo seller's platform commission
REFUND_PROBLEM_EVERY, REFUND_PROBLEM_SLOT = 20, 11  # plan index % 20 == 11: a shop with a refund problem
_ATC = ConversionEventType.ADD_TO_CART.value
_CHECKOUT = ConversionEventType.CHECKOUT_STARTED.value
_PURCHASE = ConversionEventType.PURCHASE.value
# Insert order: parents before children (foreign keys).
_TABLES = (
    "users",
    "seller_profiles",
    "digital_products",
    "product_views",
    "conversion_events",
    "revenue_records",
    "ad_spend",
)
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "users": (
        "id",
        "username",
        "email",
        "name",
        "password_hash",
        "role",
        "is_active",
        "last_login_at",
        "created_at",
        "updated_at",
    ),
    "seller_profiles": (
        "id",
        "user_id",
        "display_name",
        "bio",
        "status",
        "approved_at",
        "total_sales",
        "total_revenue",
        "average_rating",
        "commission_rate",
        "specialties",
        "created_at",
        "updated_at",
        "deleted_at",
    ),
    "digital_products": (
        "id",
        "seller_id",
        "category_id",
        "type",
        "title",
        "description",
        "price",
        "currency",
        "tags",
        "seo_title",
        "seo_description",
        "seo_keywords",
        "featured_image",
        "gallery_images",
        "average_rating",
        "rating_count",
        "view_count",
        "download_count",
        "status",
        "published_at",
        "created_at",
        "updated_at",
        "deleted_at",
    ),
    "product_views": ("id", "product_id", "seller_id", "day", "views", "unique_visitors"),
    "conversion_events": ("id", "product_id", "seller_id", "day", "event_type", "count"),
    "revenue_records": ("id", "seller_id", "product_id", "day", "revenue", "units"),
    "ad_spend": (
        "id",
        "seller_id",
        "product_id",
        "day",
        "channel",
        "spend",
        "impressions",
        "clicks",
        "attributed_orders",
        "attributed_revenue",
    ),
}
