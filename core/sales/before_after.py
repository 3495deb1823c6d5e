"""One product's numbers in a window of days before a moment and a window after it, and a plain verdict on whether
its orders per day changed: the measure shared by the effect of a price change (`core.pricing.price_effect`) and
the outcome of an accepted product recommendation (`core.sales.recommendations`).

* **Visits** are the product's page views (`product_views`, per day); **orders** and **revenue** come from
  `orders` (every order created in the window, refunded or not: gross, like the revenue roll-up), bucketed by the
  day they were created in the marketplace's time zone. **Conversion** = orders ÷ visits.
* **Per day** figures divide by the window's number of days, so windows of different lengths compare.
* **Verdict** on the order rate: with fewer than `MIN_ORDERS` orders in both windows together it is "too early to
  tell"; otherwise an exact conditional binomial test of equal rates (given n = before + after orders, the after
  count is Binomial(n, after days ÷ all days) when the rate did not change; two-sided p-value as in scipy's
  `binomtest`: the probability of every outcome no likelier than the one seen). scipy and statsmodels are not
  installed in this project's environment; the test is exact and needs only `math.lgamma`.
  p < `VERY_LIKELY_BELOW` → "very likely", p < `LIKELY_BELOW` → "likely", else "no clear change".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Order, ProductView
from core.money import ZERO, percent_change, to_cents
from core.periods import Window, local_day, start_of_day

MIN_ORDERS = 10
# The effect of a price change: the 14 complete days before the day of the change against the complete days after
# it, up to 28; shown once at least 7 days after it are complete (the day of the change itself is in neither).
PRICE_EFFECT_BEFORE_DAYS = 14
PRICE_EFFECT_AFTER_DAYS = 28
PRICE_EFFECT_MIN_DAYS = 7
LIKELY_BELOW = 0.05
VERY_LIKELY_BELOW = 0.01
CHUNK = 500


@dataclass(frozen=True)
class PeriodNumbers:
    """A product's figures over one inclusive window of days."""

    start: date
    end: date
    visits: int
    orders: int
    revenue: Decimal

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def conversion(self) -> float | None:
        return self.orders / self.visits if self.visits else None

    @property
    def visits_per_day(self) -> float:
        return self.visits / self.days

    @property
    def orders_per_day(self) -> float:
        return self.orders / self.days

    @property
    def revenue_per_day(self) -> Decimal:
        return to_cents(self.revenue / self.days)

    def as_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "visits": self.visits,
            "orders": self.orders,
            "revenue": str(to_cents(self.revenue)),
            "conversion": self.conversion,
        }


@dataclass(frozen=True)
class OrderRateVerdict:
    """Did the orders per day change? `change` is "rose", "fell", "no clear change" or "too early"."""

    change: str
    p_value: float | None
    sureness: str | None  # "very likely" / "likely" when the test says the rate moved

    @property
    def text(self) -> str:
        if self.change == "too early":
            return f"Too early to tell (fewer than {MIN_ORDERS} orders)"
        assert self.p_value is not None
        p = f"p = {self.p_value:.3f}" if self.p_value >= 0.001 else "p < 0.001"
        if self.change == "no clear change":
            return f"No clear change in orders per day ({p})"
        return f"Orders per day {self.change} ({self.sureness}, {p})"

    def as_json(self) -> dict[str, Any]:
        return {"change": self.change, "p_value": self.p_value, "sureness": self.sureness, "text": self.text}


@dataclass(frozen=True)
class BeforeAfter:
    before: PeriodNumbers
    after: PeriodNumbers

    @property
    def verdict(self) -> OrderRateVerdict:
        return order_rate_verdict(self.before, self.after)

    def changes(self) -> dict[str, Decimal | None]:
        """Percent change after vs before of each per-day figure and of the conversion (None without a base)."""
        b, a = self.before, self.after
        return {
            "visits_per_day": percent_change(a.visits_per_day, b.visits_per_day),
            "orders_per_day": percent_change(a.orders_per_day, b.orders_per_day),
            "revenue_per_day": percent_change(a.revenue_per_day, b.revenue_per_day),
            "conversion": None
            if a.conversion is None or b.conversion is None
            else percent_change(a.conversion, b.conversion),
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "before": self.before.as_json(),
            "after": self.after.as_json(),
            "changes": {k: None if v is None else float(v) for k, v in self.changes().items()},
            "verdict": self.verdict.as_json(),
        }


def price_change_windows(change_day: date, *, today: date) -> tuple[Window, Window] | None:
    """(before, after) windows of a price change made on `change_day`, None while fewer than
    `PRICE_EFFECT_MIN_DAYS` complete days followed it (days end yesterday)."""
    after_end = min(change_day + timedelta(days=PRICE_EFFECT_AFTER_DAYS), today - timedelta(days=1))
    if (after_end - change_day).days < PRICE_EFFECT_MIN_DAYS:
        return None
    before = Window(change_day - timedelta(days=PRICE_EFFECT_BEFORE_DAYS), change_day - timedelta(days=1))
    return before, Window(change_day + timedelta(days=1), after_end)


# ---------------------------------------------------------------------------------------------- the test


def _log_pmf(k: int, n: int, p: float) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * math.log(p) + (n - k) * math.log1p(-p)


def order_rate_p_value(before_orders: int, before_days: int, after_orders: int, after_days: int) -> float:
    """Two-sided exact p-value of "the order rate did not change" (conditional binomial test, see the docstring)."""
    if before_days <= 0 or after_days <= 0:
        raise ValueError("both windows need at least one day")
    n = before_orders + after_orders
    if n == 0:
        return 1.0
    p = after_days / (before_days + after_days)
    observed = _log_pmf(after_orders, n, p)
    # Outcomes no likelier than the observed one (with scipy's relative tolerance for ties).
    tolerance = 1e-7 * max(1.0, abs(observed))
    total = sum(math.exp(lp) for lp in (_log_pmf(k, n, p) for k in range(n + 1)) if lp <= observed + tolerance)
    return min(1.0, total)


def order_rate_verdict(before: PeriodNumbers, after: PeriodNumbers) -> OrderRateVerdict:
    if before.orders + after.orders < MIN_ORDERS:
        return OrderRateVerdict("too early", None, None)
    p = order_rate_p_value(before.orders, before.days, after.orders, after.days)
    if p >= LIKELY_BELOW:
        return OrderRateVerdict("no clear change", p, None)
    change = "rose" if after.orders_per_day > before.orders_per_day else "fell"
    return OrderRateVerdict(change, p, "very likely" if p < VERY_LIKELY_BELOW else "likely")


# ---------------------------------------------------------------------------------------------- loading


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def load_windows(
    session: Session, windows: Mapping[Any, tuple[str, Window]], *, tz: tzinfo
) -> dict[Any, PeriodNumbers]:
    """{key: the product's numbers over the window} for `windows` = {key: (product id, window)}.

    Set-based: per chunk of products, one query for the daily views and one for the orders over the span of all
    their windows; the windows are filled in Python (a product's days appear once however many windows use them).
    """
    by_product: dict[str, list[tuple[Any, Window]]] = {}
    for key, (product_id, window) in windows.items():
        by_product.setdefault(product_id, []).append((key, window))
    out: dict[Any, PeriodNumbers] = {}
    for ids in _chunks(sorted(by_product)):
        spans = [w for pid in ids for _, w in by_product[pid]]
        lo, hi = min(w.start for w in spans), max(w.end for w in spans)
        views: dict[str, dict[date, int]] = {pid: {} for pid in ids}
        for pid, day, amount in session.execute(
            select(ProductView.product_id, ProductView.day, func.sum(ProductView.views))
            .where(ProductView.product_id.in_(ids), ProductView.day >= lo, ProductView.day <= hi)
            .group_by(ProductView.product_id, ProductView.day)
        ):
            views[pid][day] = int(amount or 0)
        orders: dict[str, dict[date, tuple[int, Decimal]]] = {pid: {} for pid in ids}
        for pid, created_at, amount in session.execute(
            select(Order.product_id, Order.created_at, Order.amount).where(
                Order.product_id.in_(ids),
                Order.created_at >= start_of_day(lo, tz),
                Order.created_at < start_of_day(hi + timedelta(days=1), tz),
            )
        ):
            day = local_day(created_at, tz)
            n, revenue = orders[pid].get(day, (0, ZERO))
            orders[pid][day] = (n + 1, revenue + Decimal(amount))
        for pid in ids:
            for key, window in by_product[pid]:
                days = list(window.each_day())
                sold = [orders[pid].get(d, (0, ZERO)) for d in days]
                out[key] = PeriodNumbers(
                    start=window.start,
                    end=window.end,
                    visits=sum(views[pid].get(d, 0) for d in days),
                    orders=sum(n for n, _ in sold),
                    revenue=to_cents(sum((r for _, r in sold), ZERO)),
                )
    return out
