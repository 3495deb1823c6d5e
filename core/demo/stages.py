"""Who the demo sellers are: the stages, the rules that tell them apart, each stage's profile, the personas.

`classify_seller_stage` is the single definition of a stage: the generator checks every drawn
seller against it, and the tests apply it to the database. Its "declining" is the product's own rule
(`core.sales.trends`, the one the admin's stage and every seller page read); the demo only splits the
admin's "active" into thriving and steady.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from core.demo.activity import HISTORY_DAYS, churn_curve, growth_curve
from core.models.enums import SellerStatus
from core.sales.trends import BLOCKS, has_year_of_history, is_declining, trend_windows

STAGES = ("pending", "no_first_sale", "new", "thriving", "steady", "declining", "churned")
NEW_SELLER_DAYS = 60  # first sale at most this many days ago
CHURN_DAYS = 60  # churned: no sale in the last 60 days
GROWTH_RATIO = Decimal("1.15")  # thriving: last 90 days >= 1.15 x the 90 days before
# The 90-day revenue ratio each stage aims at (the trend is solved against the seasonality).
TARGET_RATIO = {"thriving": (1.35, 1.9), "steady": (0.96, 1.04), "declining": (0.45, 0.62)}


def classify_seller_stage(
    *,
    status: str,
    first_sale_day: date | None,
    last_sale_day: date | None,
    revenue_blocks: Sequence[Decimal],
    today: date,
) -> str:
    """The stage a seller's data shows. `revenue_blocks`: revenue of the 90-day periods of
    `core.sales.trends.trend_windows(today)` — the last 90 complete days, the 90 before, the two blocks before
    those, the same 90 days a year earlier.

    pending: status PENDING. no_first_sale: approved, no revenue row ever. churned: had sales, none in
    the last 60 days. new: first sale within the last 60 days. declining: `core.sales.trends.is_declining` (the
    last 90 days under 60 % of the same 90 days a year earlier, or of the best 90-day block without a year of
    history). thriving: the last 90 days at least 1.15 x the 90 before. steady: everything in between.
    """
    if status == SellerStatus.PENDING:
        return "pending"
    if status != SellerStatus.APPROVED:
        return "inactive"
    if first_sale_day is None or last_sale_day is None:
        return "no_first_sale"
    if last_sale_day <= today - timedelta(days=CHURN_DAYS):
        return "churned"
    if first_sale_day > today - timedelta(days=NEW_SELLER_DAYS):
        return "new"
    last, previous = revenue_blocks[0], revenue_blocks[1]
    if has_year_of_history(first_sale_day, trend_windows(today)):
        declining = is_declining(last, revenue_blocks[BLOCKS])
    else:
        declining = is_declining(last, max(revenue_blocks[:BLOCKS]))
    if declining:
        return "declining"
    if last >= previous * GROWTH_RATIO:
        return "thriving"
    return "steady"


@dataclass(frozen=True)
class StageProfile:
    products: tuple[int, int]
    quality: tuple[float, float, float]  # weights of high / medium / low listings
    units_level: float  # expected units per active product and day (mid-history, before noise)
    created_days_ago: tuple[int, int]  # always inside the history: every seller's first sale is in the data
    login_rate: float  # chance of a login on a given day


# Established shops joined in the first three quarters of the year the demo covers (approvals spread through
# it), new ones in the last two months; nobody was approved before the history starts, so every first sale is
# a real day of the data and "days to first sale" is measured, not an artefact of where the data begins.
STAGE_PROFILES: dict[str, StageProfile] = {
    "pending": StageProfile((1, 4), (0.2, 0.4, 0.4), 0.0, (1, 25), 0.3),
    "no_first_sale": StageProfile((2, 6), (0.1, 0.4, 0.5), 0.0, (10, 60), 0.45),
    "new": StageProfile((3, 10), (0.3, 0.4, 0.3), 0.45, (20, 56), 0.7),
    "thriving": StageProfile((20, 45), (0.55, 0.35, 0.1), 0.5, (85, 362), 0.75),
    "steady": StageProfile((12, 32), (0.3, 0.45, 0.25), 0.5, (200, 362), 0.45),
    "declining": StageProfile((12, 32), (0.25, 0.45, 0.3), 0.45, (160, 362), 0.3),
    "churned": StageProfile((6, 20), (0.15, 0.4, 0.45), 0.4, (170, 362), 0.35),
}


# Share of the generated (non-persona) sellers per stage.
STAGE_MIX = {
    "pending": 0.16,
    "no_first_sale": 0.12,
    "new": 0.12,
    "thriving": 0.20,
    "steady": 0.12,
    "declining": 0.14,
    "churned": 0.14,
}


@dataclass(frozen=True)
class Persona:
    username: str
    name: str
    display_name: str
    stage: str
    products: int
    quality: tuple[float, float, float]
    ratio: float | None
    created_days_ago: int
    specialties: tuple[str, ...]
    size: float | None
    annual_rate: float | None = None  # a fixed trend (per year, exponential) instead of a 90-day target ratio
    launch_days: float | None = None  # mean days from approval to a later listing (None: the shops' usual)


# The three demo logins' sellers: maya grows (+60 % over 90 days), noah has listings but no sale yet, dana's
# shop collapses: it opened a year ago with its whole catalogue, peaked in its first full months (about $36,000)
# and sells well under a tenth of that in the last complete month (exp(-3.8 x 10/12) ≈ 0.04 before the
# holiday season lifts November), the story issue 11 tells.
PERSONAS = [
    Persona(
        username="maya",
        name="Maya Chen",
        display_name="Maya Makes Planners",
        stage="thriving",
        products=72,
        quality=(0.8, 0.15, 0.05),
        ratio=1.6,
        created_days_ago=355,
        specialties=("productivity", "personal-finance", "business-finance"),
        size=1.1,
    ),
    Persona(
        username="noah",
        name="Noah Brooks",
        display_name="Noah's Slide Shop",
        stage="no_first_sale",
        products=5,
        quality=(0.2, 0.5, 0.3),
        ratio=None,
        created_days_ago=23,
        specialties=("business-finance",),
        size=None,
    ),
    Persona(
        username="dana",
        name="Dana Whitfield",
        display_name="Dana Designs Co.",
        stage="declining",
        products=26,
        quality=(0.35, 0.45, 0.2),
        ratio=None,
        created_days_ago=362,
        specialties=("wedding-events", "design"),
        size=1.08,
        annual_rate=-3.8,
        launch_days=4,
    ),
]


def seasonal_ratio(season: list[float]) -> float:
    last = sum(season[HISTORY_DAYS - 90 :])
    previous = sum(season[HISTORY_DAYS - 180 : HISTORY_DAYS - 90])
    return last / previous


def seller_curve(
    rng: random.Random,
    stage: str,
    ratio: float | None,
    season: list[float],
    *,
    approved_index: int = 0,
    annual_rate: float | None = None,
) -> tuple[list[float], int]:
    """The seller's demand multiplier per day, and the churn index (HISTORY_DAYS when not churned)."""
    if stage in TARGET_RATIO:
        if annual_rate is not None:
            rate = annual_rate
        else:
            low, high = TARGET_RATIO[stage]
            ratio = ratio or rng.uniform(low, high)
            # Solve exp(rate x 90/365) x seasonal ratio = target, so the stage shows whatever "today" is.
            rate = math.log(ratio / seasonal_ratio(season)) * 365 / 90
        curve = growth_curve(rate)
        middle = curve[HISTORY_DAYS // 2]
        return [value / middle for value in curve], HISTORY_DAYS
    if stage == "churned":
        # Sold for at least 60 days after approval, then stopped 66+ days before today.
        latest = max(66, min(250, HISTORY_DAYS - 1 - approved_index - 60))
        churn_index = HISTORY_DAYS - 1 - rng.randint(66, latest)
        return churn_curve(rng.uniform(-0.6, 0.0), churn_index), churn_index
    return [1.0] * HISTORY_DAYS, HISTORY_DAYS
