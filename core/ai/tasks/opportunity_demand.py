"""The demand chain of a market opportunity (pure): expected searches a month × click-through × conversion.

`core.ai.tasks.classify_opportunities` states the rules in its docstring; this module holds the arithmetic so the
offline engine, the validation of a model's answer and the report share one chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.money import format_share

RECENT_DAYS, EARLIER_DAYS = 30, 60
DEMAND_FACTOR_BOUNDS = (0.5, 1.5)


def trend_ratio(recent: int, earlier: int) -> float | None:
    """Searches per day in the last 30 days over those in the 60 before; None without earlier searches."""
    if earlier <= 0:
        return None
    # (recent / 30) / (earlier / 60), multiplied out so that ratios on a threshold (1.2, 0.8) are exact.
    return (recent * EARLIER_DAYS) / (earlier * RECENT_DAYS)


def monthly_searches(search_volume: int, recent: int, earlier: int) -> int:
    """Expected searches a month: 90-day volume ÷ 3 × the trend ratio bounded to [0.5, 1.5], rounded half up."""
    ratio = trend_ratio(recent, earlier)
    low, high = DEMAND_FACTOR_BOUNDS
    factor = high if ratio is None else min(max(ratio, low), high)
    estimate = Decimal(search_volume) / 3 * Decimal(str(factor))
    return int(estimate.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class DemandRates:
    """The chain's two rates: searches that open a listing, and views that buy per product type (0.034 = 3.4 %)."""

    click_through: float
    conversion_by_type: tuple[tuple[str, float], ...]  # every product type, in `PRODUCT_TYPES` order

    def conversion(self, product_type: str) -> float:
        return dict(self.conversion_by_type).get(product_type, 0.0)


@dataclass(frozen=True)
class DemandChain:
    """Searches a month × click-through × conversion = sales a month, every link stated."""

    searches_per_month: int
    click_through: float
    conversion_rate: float
    sales_per_month: float  # unrounded, for the sentence; `sales` is what the report shows

    @property
    def sales(self) -> int:
        return int(Decimal(str(self.sales_per_month)).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def sentence(self) -> str:
        """`≈ 151 searches a month × 30% open a listing × 3.4% of views buy ≈ 1.5 sales a month.` (two decimals
        below one sale, so a small estimate never reads as 0.0)."""
        sales = self.sales_per_month
        amount = f"{sales:.1f}" if sales >= 0.95 or sales == 0 else f"{sales:.2f}"
        return (
            f"≈ {self.searches_per_month} searches a month × {format_share(self.click_through, places=0)} open a "
            f"listing × {format_share(self.conversion_rate)} of views buy ≈ {amount} sales a month."
        )


def demand_chain(searches: int, product_type: str, rates: DemandRates) -> DemandChain:
    """The chain for `searches` a month sold as `product_type`; rates are clamped to [0, 1], so the sales never
    exceed the searches."""
    click = min(max(rates.click_through, 0.0), 1.0)
    conversion = min(max(rates.conversion(product_type), 0.0), 1.0)
    return DemandChain(searches, click, conversion, searches * click * conversion)
