"""Who the demo sellers are: the stages, the rules that tell them apart, each stage's profile, the personas.

`classify_seller_stage` is the single definition of a stage: the generator checks every drawn
seller against it, and the tests apply it to the database.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from core.demo.activity import HISTORY_DAYS, churn_curve, growth_curve
from core.models.enums import SellerStatus

STAGES = ("pending", "no_first_sale", "new", "thriving", "steady", "declining", "churned")
NEW_SELLER_DAYS = 60  # first sale at most this many days ago
CHURN_DAYS = 60  # churned: no sale in the last 60 days
GROWTH_RATIO = Decimal("1.15")  # thriving: last 90 days >= 1.15 x the 90 days before
DECLINE_RATIO = Decimal("0.85")  # declining: last 90 days <= 0.85 x the 90 days before
# The 90-day revenue ratio each stage aims at (the trend is solved against the seasonality).
TARGET_RATIO = {"thriving": (1.35, 1.9), "steady": (0.96, 1.04), "declining": (0.5, 0.72)}


def classify_seller_stage(
    *,
    status: str,
    first_sale_day: date | None,
    last_sale_day: date | None,
    revenue_last_90: Decimal,
    revenue_prev_90: Decimal,
    today: date,
) -> str:
    """The stage a seller's data shows. Windows: last 90 days = (today-90, today], previous = (today-180, today-90].

    pending: status PENDING. no_first_sale: approved, no revenue row ever. churned: had sales, none in
    the last 60 days. new: first sale within the last 60 days. thriving / declining: last-90-day revenue
    at least 1.15x / at most 0.85x the previous 90 days. steady: everything in between.
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
    if revenue_last_90 >= revenue_prev_90 * GROWTH_RATIO:
        return "thriving"
    if revenue_last_90 <= revenue_prev_90 * DECLINE_RATIO:
        return "declining"
    return "steady"


@dataclass(frozen=True)
class StageProfile:
    products: tuple[int, int]
    quality: tuple[float, float, float]  # weights of high / medium / low listings
    units_level: float  # expected units per active product and day (mid-history, before noise)
    created_days_ago: tuple[int, int]
    login_rate: float  # chance of a login on a given day
    listed_before_history: float  # share of products already listed when the history starts


STAGE_PROFILES: dict[str, StageProfile] = {
    "pending": StageProfile((1, 4), (0.2, 0.4, 0.4), 0.0, (1, 25), 0.3, 0.0),
    "no_first_sale": StageProfile((2, 6), (0.1, 0.4, 0.5), 0.0, (10, 60), 0.45, 0.0),
    "new": StageProfile((3, 10), (0.3, 0.4, 0.3), 0.45, (20, 56), 0.7, 0.0),
    "thriving": StageProfile((20, 45), (0.55, 0.35, 0.1), 0.5, (400, 1400), 0.75, 0.45),
    "steady": StageProfile((12, 32), (0.3, 0.45, 0.25), 0.5, (400, 1400), 0.45, 0.6),
    "declining": StageProfile((12, 32), (0.25, 0.45, 0.3), 0.45, (400, 1400), 0.3, 0.7),
    "churned": StageProfile((6, 20), (0.15, 0.4, 0.45), 0.4, (380, 1200), 0.35, 0.6),
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


# The three demo logins' sellers: maya grows (+60 % over 90 days), noah has listings but no sale yet,
# dana's revenue is falling (-45 % over 90 days).
PERSONAS = [
    Persona(
        username="maya",
        name="Maya Chen",
        display_name="Maya Makes Planners",
        stage="thriving",
        products=72,
        quality=(0.8, 0.15, 0.05),
        ratio=1.6,
        created_days_ago=900,
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
        ratio=0.55,
        created_days_ago=700,
        specialties=("wedding-events", "design"),
        size=1.2,
    ),
]


def seasonal_ratio(season: list[float]) -> float:
    last = sum(season[HISTORY_DAYS - 90 :])
    previous = sum(season[HISTORY_DAYS - 180 : HISTORY_DAYS - 90])
    return last / previous


def seller_curve(rng: random.Random, stage: str, ratio: float | None, season: list[float]) -> tuple[list[float], int]:
    """The seller's demand multiplier per day, and the churn index (HISTORY_DAYS when not churned)."""
    if stage in TARGET_RATIO:
        low, high = TARGET_RATIO[stage]
        ratio = ratio or rng.uniform(low, high)
        # Solve exp(rate x 90/365) x seasonal ratio = target, so the stage shows whatever "today" is.
        rate = math.log(ratio / seasonal_ratio(season)) * 365 / 90
        curve = growth_curve(rate)
        middle = curve[HISTORY_DAYS // 2]
        return [value / middle for value in curve], HISTORY_DAYS
    if stage == "churned":
        churn_index = HISTORY_DAYS - 1 - rng.randint(66, 250)
        return churn_curve(rng.uniform(-0.6, 0.0), churn_index), churn_index
    return [1.0] * HISTORY_DAYS, HISTORY_DAYS
