"""What a closed goal tells the seller: the insight for an achieved or missed goal and one tip for next time (pure).

The tip is chosen from facts loaded by `core.goals.store` (listing scores, views, prices), in this order of
preference:

1. PRODUCTS goals: the seller's draft with the best listing score (closest to publishable): finish and
   publish it.
2. Any goal: the most viewed published listing (views in the last 30 days) that can still win at least
   `MIN_TIP_POINTS` (3) listing-score points, with its weakest dimension (the most points to win), how
   many points are missing and the first concrete fix. Most viewed, because a better listing pays off
   where buyers already look.
3. REVENUE goals: an underpriced published listing (price below the segment's p25, see
   `core.pricing.rules.competitive_position`), the most viewed first: raise it toward the p25.
4. Otherwise: a smaller, nearer goal (30 days) from the seller's own pace on the missed goal.

Insight priority: achieved → LOW; missed → HIGH when the shortfall is at least half the target, else MEDIUM.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from core import urls
from core.goals.rules import (
    MAX_RATING,
    format_count,
    format_day,
    format_rating,
    progress_ratio,
    round_up,
)
from core.listings.rules import format_points
from core.models import GoalType, InsightPriority
from core.money import format_money, format_share, to_cents

GOALS_URL = urls.page_link(urls.GOALS)
MIN_TIP_POINTS = 3.0
NEARER_GOAL_DAYS = 30
NEARER_GOAL_STRETCH = Decimal("1.2")  # the nearer goal asks a fifth more than the pace the seller reached
RATING_STEP = Decimal("0.2")
HIGH_PRIORITY_SHORTFALL = 0.5
VIEWS_WINDOW_DAYS = 30


@dataclass(frozen=True)
class ListingGap:
    """One listing's weakest dimension: the one with the most listing-score points the seller can still win."""

    product_id: str
    title: str
    status: str  # a ProductStatus value: "PUBLISHED" or "DRAFT"
    views: int  # product page views in the last `VIEWS_WINDOW_DAYS` days
    overall: float
    dimension_label: str
    missing_points: float
    max_points: float
    advice: str | None = None  # the first offline suggestion for that dimension
    dimension_key: str | None = None  # its `core.listings.score.DIMENSIONS` key: where the editor opens


@dataclass(frozen=True)
class UnderpricedListing:
    product_id: str
    title: str
    price: Decimal
    p25: Decimal
    p75: Decimal
    sample_size: int
    views: int


@dataclass(frozen=True)
class GoalTip:
    kind: str  # "draft" | "listing" | "pricing" | "nearer_goal"
    text: str
    label: str
    url: str
    product_id: str | None = None


@dataclass(frozen=True)
class ClosedGoal:
    """A goal at its deadline: what was counted from `start_day` to `end_day` (seller days, inclusive)."""

    goal_id: str
    goal_type: GoalType
    target: Decimal
    current: Decimal
    start_day: date
    end_day: date

    @property
    def achieved(self) -> bool:
        return self.current >= self.target

    @property
    def shortfall(self) -> Decimal:
        return max(Decimal(0), self.target - self.current)


@dataclass(frozen=True)
class InsightDraft:
    title: str
    description: str
    priority: InsightPriority
    action_items: list[dict[str, str]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


def _editor_url(product_id: str, dimension: str | None = None) -> str:
    """The Listing editor at the product (and at the dimension the tip is about)."""
    return urls.page_link(urls.LISTING_EDITOR, product=product_id, dimension=dimension)


def _draft_tip(listings: Sequence[ListingGap]) -> GoalTip | None:
    drafts = [g for g in listings if g.status == "DRAFT"]
    if not drafts:
        return None
    best = min(drafts, key=lambda g: (-g.overall, g.title.lower(), g.product_id))
    text = (
        f"Finish and publish your draft “{best.title}”: it already scores {format_points(best.overall)}/100 on listing "
        "health, and every product you publish counts toward your next products goal."
    )
    return GoalTip("draft", text, "Finish this draft", _editor_url(best.product_id), best.product_id)


def _listing_tip(listings: Sequence[ListingGap]) -> GoalTip | None:
    published = [g for g in listings if g.status == "PUBLISHED"]
    candidates = [g for g in published if g.missing_points >= MIN_TIP_POINTS]
    if not candidates:
        return None
    pick = min(candidates, key=lambda g: (-g.views, -g.missing_points, g.title.lower(), g.product_id))
    most_viewed = pick.views >= max(g.views for g in published)
    who = "your most viewed listing" if most_viewed else "one of your most viewed listings"
    seen = f" ({pick.views:,} views in the last {VIEWS_WINDOW_DAYS} days)" if pick.views else ""
    text = (
        f"“{pick.title}”, {who}{seen}, is missing {format_points(pick.missing_points)} of "
        f"{format_points(pick.max_points)} points on {pick.dimension_label.lower()}."
    )
    if pick.advice:
        text += f" {pick.advice}"
    return GoalTip(
        "listing", text, "Fix this listing", _editor_url(pick.product_id, pick.dimension_key), pick.product_id
    )


def _pricing_tip(underpriced: Sequence[UnderpricedListing]) -> GoalTip | None:
    if not underpriced:
        return None
    pick = min(underpriced, key=lambda u: (-u.views, -(u.p25 - u.price) / u.p25, u.title.lower(), u.product_id))
    text = (
        f"“{pick.title}” sells at {format_money(pick.price)}, below the typical {format_money(pick.p25)}–"
        f"{format_money(pick.p75)} of {pick.sample_size} comparable listings: raising it toward "
        f"{format_money(pick.p25)} earns more from every sale."
    )
    return GoalTip(
        "pricing", text, "Review the price", urls.page_link(urls.PRICING, product=pick.product_id), pick.product_id
    )


def nearer_goal_tip(goal: ClosedGoal, *, today: date) -> GoalTip:
    """A 30-day goal a fifth above the pace reached on the missed goal (rounded up to whole units or dollars);
    a quarter of the missed target when nothing was reached; for ratings, 0.2 ★ above the current average."""
    by = format_day(today + timedelta(days=NEARER_GOAL_DAYS))
    kind, label = "nearer_goal", "Set a new goal"
    if goal.goal_type is GoalType.RATING:
        if goal.current <= 0:
            text = (
                "Set a smaller, nearer goal: your first ratings. Ask recent buyers for a review; a rating goal "
                "needs rated products to count."
            )
        else:
            aim = min(MAX_RATING, goal.current + RATING_STEP)
            text = (
                f"Set a smaller, nearer goal: {format_rating(aim)} ★ by {by}, one step up from your current "
                f"{format_rating(goal.current)} ★."
            )
        return GoalTip(kind, text, label, GOALS_URL)
    days = (goal.end_day - goal.start_day).days + 1
    aim = round_up(goal.current / days * NEARER_GOAL_DAYS * NEARER_GOAL_STRETCH)
    if aim <= 0:
        aim, basis = max(Decimal(1), round_up(goal.target / 4)), "a quarter of this goal, to get going"
    else:
        basis = f"a fifth more than your pace on this goal ({_value(goal.goal_type, goal.current)} in {days} days)"
    return GoalTip(
        kind, f"Set a smaller, nearer goal: {_value(goal.goal_type, aim)} by {by}, {basis}.", label, GOALS_URL
    )


def choose_missed_goal_tip(
    goal: ClosedGoal,
    *,
    listings: Sequence[ListingGap],
    underpriced: Sequence[UnderpricedListing],
    today: date,
) -> GoalTip:
    """The one tip for a missed goal (order of preference: see the module docstring)."""
    choices = []
    if goal.goal_type is GoalType.PRODUCTS:
        choices.append(_draft_tip(listings))
    choices.append(_listing_tip(listings))
    if goal.goal_type is GoalType.REVENUE:
        choices.append(_pricing_tip(underpriced))
    for tip in choices:
        if tip is not None:
            return tip
    return nearer_goal_tip(goal, today=today)


# ---------------------------------------------------------------- the insight


_NOUN = {GoalType.REVENUE: "revenue", GoalType.SALES: "sales", GoalType.PRODUCTS: "products", GoalType.RATING: "rating"}


def _value(goal_type: GoalType, value: Decimal) -> str:
    """Money to the cent, counts with their noun, ratings with a star."""
    if goal_type is GoalType.REVENUE:
        return format_money(value)
    if goal_type is GoalType.RATING:
        return f"{format_rating(value)} ★"
    return format_count(goal_type, value)


def _target_text(goal: ClosedGoal) -> str:
    text = _value(goal.goal_type, goal.target)
    if goal.goal_type is GoalType.PRODUCTS:
        count, noun = text.split(" ", 1)
        return f"{count} new {noun}"
    return text


def _result_line(goal: ClosedGoal) -> str:
    period = f"from {format_day(goal.start_day)} to {format_day(goal.end_day)}"
    share = f"{format_share(progress_ratio(goal.current, goal.target), places=0)} of your {_target_text(goal)} target"
    if goal.goal_type is GoalType.REVENUE:
        return f"You made {format_money(goal.current)} {period}: {share}."
    if goal.goal_type is GoalType.SALES:
        return f"You made {format_count(GoalType.SALES, goal.current)} {period}: {share}."
    if goal.goal_type is GoalType.PRODUCTS:
        count = int(goal.current)
        return f"You published {count} new product{'' if count == 1 else 's'} {period}: {share}."
    if goal.current <= 0:
        return f"Your products had no ratings on {format_day(goal.end_day)}, against a target of {_target_text(goal)}."
    return (
        f"Your products' average rating was {_value(GoalType.RATING, goal.current)} on {format_day(goal.end_day)}, "
        f"against a target of {_target_text(goal)}."
    )


def shortfall_priority(goal: ClosedGoal) -> InsightPriority:
    """LOW for an achieved goal; HIGH when the shortfall is ≥ half the target, else MEDIUM."""
    if goal.achieved:
        return InsightPriority.LOW
    share = goal.shortfall / goal.target if goal.target > 0 else Decimal(1)
    return InsightPriority.HIGH if share >= Decimal(str(HIGH_PRIORITY_SHORTFALL)) else InsightPriority.MEDIUM


def goal_insight(goal: ClosedGoal, tip: GoalTip | None = None) -> InsightDraft:
    """The insight for a goal whose deadline passed: congratulations, or the shortfall and what to try next."""
    noun = _NOUN[goal.goal_type]
    set_goal = {"label": "Set your next goal", "action": "set_goal", "url": GOALS_URL}
    meta: dict[str, Any] = {
        "goal_id": goal.goal_id,
        "goal_type": goal.goal_type.value,
        "target": str(to_cents(goal.target)),
        "current": str(to_cents(goal.current)),
        "outcome": "ACHIEVED" if goal.achieved else "MISSED",
    }
    if goal.achieved:
        title = f"Congratulations! You reached your {noun} goal of {_target_text(goal)}"
        description = f"{_result_line(goal)} Set your next goal while the momentum is there."
        return InsightDraft(title, description, InsightPriority.LOW, [set_goal], meta)
    title = f"Your {noun} goal fell short by {_value(goal.goal_type, goal.shortfall)}"
    description = _result_line(goal)
    actions = []
    if tip is not None:
        description += f" Try next: {tip.text}"
        actions.append({"label": tip.label, "action": tip.kind, "url": tip.url})
        meta.update(tip=tip.kind, product_id=tip.product_id)
    if not actions or actions[0]["url"] != GOALS_URL:
        actions.append(set_goal)
    meta["shortfall"] = str(to_cents(goal.shortfall))
    return InsightDraft(title, description, shortfall_priority(goal), actions, meta)
