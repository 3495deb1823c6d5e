"""The shapes of one drawn demo seller: its plan, the market every draw shares, the drawn products and the draw.

Shared by the drawing (`core.demo.sellers`) and the rows a draw becomes (`core.demo.rows`), so neither
imports the other's types.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime

from core.demo.activity import HISTORY_DAYS, ProductDay
from core.demo.events import Clock, IdFactory
from core.demo.listings import Listing
from core.demo.stages import Persona, StageProfile
from core.models.enums import DigitalProductType, ProductStatus


@dataclass(frozen=True)
class SellerPlan:
    index: int
    stage: str
    username: str
    name: str
    email: str
    display_name: str
    password_hash: str
    persona: Persona | None = None  # maya, noah and dana have fixed traits


@dataclass(frozen=True)
class MarketContext:
    """What every seller draw needs: the calendar, categories and their seasonality, the scale."""

    clock: Clock
    days: list[date]
    category_ids: dict[str, str]
    season: dict[str, list[float]]
    demand_factor: float
    dormant_share: float
    # The days as the daily rows carry them: `days` itself, or their ISO text for PostgreSQL's COPY (cheaper than
    # formatting a date per row of the tens of millions).
    row_days: list[date] | list[str] = field(default_factory=list)


@dataclass
class DrawnProduct:
    id: str
    category: str
    subject: str
    ptype: DigitalProductType
    quality: str
    quality_score: float
    listing: Listing
    price_cents: int
    status: ProductStatus
    created_at: datetime
    published_at: datetime | None
    updated_at: datetime
    deleted_at: datetime | None
    days: list[ProductDay] = field(default_factory=list)


@dataclass
class SellerDraw:
    """One attempt at drawing a seller: everything the product and row helpers share."""

    rng: random.Random
    new_id: IdFactory
    plan: SellerPlan
    ctx: MarketContext
    profile: StageProfile
    created_at: datetime
    approved_at: datetime | None
    approved_index: int
    churn_index: int
    curve: list[float]
    size: float
    focus: list[str]

    def moment(self, index: int) -> datetime:
        return self.ctx.clock.time_on(self.rng, min(index, HISTORY_DAYS - 1))
