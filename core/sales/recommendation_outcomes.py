"""The outcome of an accepted product recommendation (issue 14), measured by the daily `recommendation-outcomes`
job: 30 complete days after the day of acceptance, the product's figures for those 30 days against the 30 before
(`baseline`, stored when it was accepted: `core.sales.recommendations.decide`), with a verdict on the order rate
(`core.sales.before_after`); for "reprice", also the effect of the first price change made after accepting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.config import get_settings
from core.models import PriceChange, ProductRecommendation, RecommendationAction, RecommendationStatus
from core.money import as_float, percent_change
from core.periods import Window, complete_days, local_day, start_of_day
from core.sales.before_after import BeforeAfter, PeriodNumbers, load_windows, price_change_windows

OUTCOME_DAYS = 30


def _accepted_day(rec: ProductRecommendation) -> date:
    assert rec.accepted_at is not None
    return local_day(rec.accepted_at, get_settings().timezone)


def baseline_window(accepted_on: date) -> Window:
    """The 30 complete days before the day of acceptance."""
    return complete_days(OUTCOME_DAYS, today=accepted_on)


def outcome_window(accepted_on: date) -> Window:
    """The 30 complete days after the day of acceptance (that day itself is partly before, partly after)."""
    return Window(accepted_on + timedelta(days=1), accepted_on + timedelta(days=OUTCOME_DAYS))


@dataclass(frozen=True)
class OutcomeCounts:
    measured: int  # outcomes stored
    price_effects: int  # of which reprice outcomes with a price change to measure


def _numbers(data: dict[str, Any]) -> PeriodNumbers:
    return PeriodNumbers(
        start=date.fromisoformat(data["start"]),
        end=date.fromisoformat(data["end"]),
        visits=int(data["visits"]),
        orders=int(data["orders"]),
        revenue=Decimal(str(data["revenue"])),
    )


def measure_due_outcomes(session: Session, *, now: datetime) -> OutcomeCounts:
    """Store the outcome of every accepted recommendation whose 30 days after acceptance are complete.

    outcome = {"after": figures of those 30 days, "baseline": the stored figures, "changes": percent change of
    revenue, orders, visits and conversion, "verdict": the order-rate verdict, and for "reprice" "price_changes"
    (those made from acceptance to the end of the window) and "price_effect" (the first one's effect, 14 days
    before vs up to 28 after, when it is at least 7 days old)}.
    """
    tz = get_settings().timezone
    today = local_day(now, tz)
    rec = ProductRecommendation
    due = list(
        session.scalars(
            select(rec)
            .where(
                rec.status == RecommendationStatus.ACCEPTED,
                rec.outcome_measured_at.is_(None),
                rec.accepted_at < start_of_day(today - timedelta(days=OUTCOME_DAYS), tz),
            )
            .order_by(rec.accepted_at, rec.id)
        )
    )
    if not due:
        return OutcomeCounts(0, 0)
    windows: dict[Any, tuple[str, Window]] = {}
    for r in due:
        accepted_on = _accepted_day(r)
        windows[(r.id, "after")] = (r.product_id, outcome_window(accepted_on))
        if r.baseline is None:
            windows[(r.id, "baseline")] = (r.product_id, baseline_window(accepted_on))

    repriced = [r for r in due if r.action == RecommendationAction.REPRICE]
    changes: dict[str, list[PriceChange]] = {}
    if repriced:
        earliest = min(r.accepted_at for r in repriced if r.accepted_at is not None)
        for change in session.scalars(
            select(PriceChange)
            .where(
                PriceChange.product_id.in_(sorted({r.product_id for r in repriced})), PriceChange.created_at >= earliest
            )
            .order_by(PriceChange.created_at, PriceChange.id)
        ):
            changes.setdefault(change.product_id, []).append(change)
    own_changes: dict[str, list[PriceChange]] = {}
    for r in repriced:
        assert r.accepted_at is not None
        end = start_of_day(outcome_window(_accepted_day(r)).end + timedelta(days=1), tz)
        mine = [c for c in changes.get(r.product_id, []) if r.accepted_at <= c.created_at < end]
        own_changes[r.id] = mine
        if mine:
            pair = price_change_windows(local_day(mine[0].created_at, tz), today=today)
            if pair is not None:
                windows[(r.id, "effect_before")] = (r.product_id, pair[0])
                windows[(r.id, "effect_after")] = (r.product_id, pair[1])
    numbers = load_windows(session, windows, tz=tz)

    effects = 0
    for r in due:
        baseline = numbers.get((r.id, "baseline")) or _numbers(r.baseline or {})
        after = numbers[(r.id, "after")]
        pair = BeforeAfter(baseline, after)
        outcome: dict[str, Any] = {
            "baseline": baseline.as_json(),
            "after": after.as_json(),
            "changes": {
                "revenue": as_float(percent_change(after.revenue, baseline.revenue)),
                "orders": as_float(percent_change(after.orders, baseline.orders)),
                "visits": as_float(percent_change(after.visits, baseline.visits)),
                "conversion": None
                if after.conversion is None or baseline.conversion is None
                else as_float(percent_change(after.conversion, baseline.conversion)),
            },
            "verdict": pair.verdict.as_json(),
        }
        if r.action == RecommendationAction.REPRICE:
            mine = own_changes.get(r.id, [])
            outcome["price_changes"] = [
                {
                    "day": local_day(c.created_at, tz).isoformat(),
                    "old_price": str(c.old_price),
                    "new_price": str(c.new_price),
                }
                for c in mine
            ]
            if (r.id, "effect_before") in numbers:
                effect = BeforeAfter(numbers[(r.id, "effect_before")], numbers[(r.id, "effect_after")])
                outcome["price_effect"] = effect.as_json()
                effects += 1
            else:
                outcome["price_effect"] = None
        r.outcome = outcome
        r.outcome_measured_at = now
    session.flush()
    return OutcomeCounts(len(due), effects)
