"""The anomalies planted in the demo (issue 19): three incidents an operator should be told about, placed relative
to the demo's today so every demo holds them inside the anomaly scan's fortnight (`core.analytics.anomaly_scan`).

* **A product goes viral yesterday.** The first generated shop (thriving or steady, in plan order) with a product
  whose usual units on yesterday's weekday — the median of that weekday over the 8 weeks before, quiet days
  counting 0 — are `VIRAL_USUAL` (1–8) sells `VIRAL_FACTOR` (6) times that yesterday, at least `VIRAL_MIN_UNITS`
  (30). Views, carts and checkouts grow with it at the product's own 8-week conversion: more people came, and they
  bought as its visitors usually do.
* **A shop's sales stop yesterday.** The next generated shop (thriving or steady, not the viral one) whose usual
  revenue on yesterday's weekday is at least `DROP_MIN_USUAL_CENTS` ($200) sells nothing yesterday: its visitors
  still come, add to cart and start checkout, and none of them pays (a broken payment account, say).
* **A checkout outage `OUTAGE_DAYS_AGO` (3) days ago.** On the whole marketplace only `OUTAGE_KEEP` (60 %) of that
  day's purchases go through (each unit kept with that chance, per product-day): carts and checkouts come as usual,
  so checkout abandonment rises (by about 15–20 points on the demo) and that day's GMV falls by about 40 %.

Everything downstream (revenue records, orders and purchase events, traffic, totals) is built from the planted
days, so the data stays consistent. `Plants.planted` says what was planted, for the summary and the tests.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace
from statistics import median

from core.demo.activity import HISTORY_DAYS, ProductDay, binomial
from core.demo.draws import DrawnProduct, SellerPlan

YESTERDAY = HISTORY_DAYS - 2  # the last complete day (HISTORY_DAYS - 1 is today, until the demo clock)
OUTAGE_DAYS_AGO = 3
OUTAGE_DAY = HISTORY_DAYS - 1 - OUTAGE_DAYS_AGO
OUTAGE_KEEP = 0.6
USUAL_WEEKS = 8
VIRAL_USUAL = (1.0, 8.0)
VIRAL_FACTOR = 6
VIRAL_MIN_UNITS = 30
DROP_MIN_USUAL_CENTS = 20_000
PLANTED_STAGES = ("thriving", "steady")


def usual_on(days_by_index: dict[int, int], day: int, weeks: int = USUAL_WEEKS) -> float:
    """The median of a daily value on the same weekday over the `weeks` weeks before `day` (absent days are 0)."""
    return float(median(days_by_index.get(day - 7 * k, 0) for k in range(1, weeks + 1)))


class Plants:
    """Plants the three incidents while the sellers are drawn one by one (module docstring)."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._outage_units_lost = 0
        self._planted: dict[str, dict[str, object]] = {}

    @property
    def planted(self) -> dict[str, dict[str, object]]:
        """What was planted: "viral_product", "stopped_seller" (each once, when a shop qualified) and
        "checkout_outage" (the day and the units that did not go through)."""
        outage = {"day_index": OUTAGE_DAY, "units_lost": self._outage_units_lost}
        return {**self._planted, "checkout_outage": outage}

    def apply(self, plan: SellerPlan, products: list[DrawnProduct]) -> bool:
        """Change the drawn days of one seller's products in place; True when a sale day appeared or vanished (the
        seller's stage and first sale are then derived again)."""
        changed = self._outage(plan, products)
        if plan.persona is not None or plan.stage not in PLANTED_STAGES:
            return changed
        if "viral_product" not in self._planted and self._viral(plan, products):
            return True
        if "stopped_seller" not in self._planted and self._stop(plan, products):
            return True
        return changed

    def _outage(self, plan: SellerPlan, products: list[DrawnProduct]) -> bool:
        rng = random.Random(f"demo:{self._seed}:outage:{plan.index}")
        emptied = False
        for product in products:
            days = product.days
            # The days are in order: look back from the newest (a listing's history can be a year long).
            for position in range(len(days) - 1, -1, -1):
                day = days[position]
                if day.index < OUTAGE_DAY:
                    break
                if day.index != OUTAGE_DAY or not day.units:
                    continue
                kept = binomial(rng, day.units, OUTAGE_KEEP)
                days[position] = replace(day, units=kept, revenue_cents=day.revenue_cents * kept // day.units)
                self._outage_units_lost += day.units - kept
                emptied = emptied or kept == 0
        return emptied

    def _viral(self, plan: SellerPlan, products: list[DrawnProduct]) -> bool:
        best: tuple[float, DrawnProduct] | None = None
        for product in products:
            units = {d.index: d.units for d in product.days}
            usual = usual_on(units, YESTERDAY)
            low, high = VIRAL_USUAL
            if low <= usual <= high and (best is None or usual > best[0]):
                best = (usual, product)
        if best is None:
            return False
        usual, product = best
        window = [d for d in product.days if YESTERDAY - 7 * USUAL_WEEKS <= d.index < YESTERDAY]
        views_seen = sum(d.views for d in window)
        conversion = sum(d.units for d in window) / views_seen if views_seen else 0.05
        units = max(VIRAL_MIN_UNITS, math.ceil(VIRAL_FACTOR * usual))
        views = max(units, math.ceil(units / max(conversion, 0.01)))
        checkout = min(views, units + math.ceil(units * 0.35))
        day = ProductDay(
            index=YESTERDAY,
            views=views,
            unique_visitors=max(units, int(views * 0.85)),
            add_to_cart=min(views, checkout + math.ceil(checkout * 0.6)),
            checkout_started=checkout,
            units=units,
            revenue_cents=units * product.price_cents,
        )
        product.days = [d for d in product.days if d.index != YESTERDAY] + [day]
        product.days.sort(key=lambda d: d.index)
        self._planted["viral_product"] = {
            "product_id": product.id,
            "seller": plan.username,
            "day_index": YESTERDAY,
            "usual_units": usual,
            "units": units,
        }
        return True

    def _stop(self, plan: SellerPlan, products: list[DrawnProduct]) -> bool:
        revenue: dict[int, int] = {}
        for product in products:
            for d in product.days:
                revenue[d.index] = revenue.get(d.index, 0) + d.revenue_cents
        usual = usual_on(revenue, YESTERDAY)
        if usual < DROP_MIN_USUAL_CENTS:
            return False
        for product in products:
            product.days = [replace(d, units=0, revenue_cents=0) if d.index == YESTERDAY else d for d in product.days]
        self._planted["stopped_seller"] = {
            "seller": plan.username,
            "day_index": YESTERDAY,
            "usual_cents": usual,
            "lost_cents": revenue.get(YESTERDAY, 0),
        }
        return True
