"""The demo's `purchase` events, made from the same sales as its revenue records: one marketplace, one GMV.

Every unit a revenue record counts becomes one `purchase` event on that record's day (UTC), carrying its share
of the record's revenue in `amount_cents` (a discounted day's cents are split so the units add up to the record
to the cent). So the operator KPIs' GMV from events equals the revenue records' sum over any window of whole
days, and purchases, paying buyers and AOV describe the sales the sellers see.

Who bought: the learner funnel's buyers (`core.demo.events.LearnerPurchase`) take the place of sales on the day
they bought, chosen at random among that day's units; every other unit is bought by one of a pool of returning
customers (people who signed up before the history or check out as guests), about one per four units a year,
with some buying far more often than others. Learner purchases on a day without enough sales are dropped, and
with them their follow-up events.

`SalesLedger` keeps the sales compactly (arrays, not tuples) so the large scale's millions of records fit.
"""

from __future__ import annotations

import bisect
import random
from array import array
from collections import defaultdict
from collections.abc import Iterable

from core.demo.activity import HISTORY_DAYS
from core.demo.events import Clock, Emit, IdFactory, LearnerPurchase, attribution, event_row
from core.demo.vocabulary import TRAFFIC_SOURCES
from core.demo.writer import JsonText

UNITS_PER_BUYER = 4  # the returning-customer pool has one person per four units sold in the year
REPEAT_SKEW = 1.6  # buyer = pool[int(size x u ** 1.6)]: a few people buy often, most rarely


class SalesLedger:
    """Every revenue record's (day index, product, units, revenue cents), in the order they were generated."""

    def __init__(self) -> None:
        self.day = array("H")
        self.units = array("I")
        self.cents = array("q")
        self.product = array("I")
        self.product_ids: list[str] = []
        self._product_index: dict[str, int] = {}
        self.total_units = 0

    def __len__(self) -> int:
        return len(self.day)

    def add(self, day_index: int, product_id: str, units: int, cents: int) -> None:
        index = self._product_index.get(product_id)
        if index is None:
            index = self._product_index[product_id] = len(self.product_ids)
            self.product_ids.append(product_id)
        self.day.append(day_index)
        self.units.append(units)
        self.cents.append(cents)
        self.product.append(index)
        self.total_units += units

    def extend(self, sales: Iterable[tuple[int, str, int, int]]) -> None:
        for sale in sales:
            self.add(*sale)

    def by_day(self) -> tuple[array, list[int]]:
        """(record indices ordered by day, stable; offsets: day d's records are order[offsets[d]:offsets[d + 1]])."""
        counts = [0] * (HISTORY_DAYS + 1)
        for d in self.day:
            counts[d + 1] += 1
        offsets = [0] * (HISTORY_DAYS + 1)
        for d in range(HISTORY_DAYS):
            offsets[d + 1] = offsets[d] + counts[d + 1]
        order = array("I", bytes(4 * len(self.day)))
        cursor = offsets[:-1].copy()
        for index, d in enumerate(self.day):
            order[cursor[d]] = index
            cursor[d] += 1
        return order, offsets


def split_cents(cents: int, units: int) -> list[int]:
    """`cents` over `units` purchases, as equal as whole cents allow, the larger shares first (sums exactly)."""
    base, extra = divmod(cents, units)
    return [base + 1] * extra + [base] * (units - extra)


def buyer_pool(rng: random.Random, size: int) -> tuple[int, str]:
    """(pool size, an id prefix): returning customer k is `f"{prefix}{k:012x}"`, a UUID-shaped id per seed."""
    a, b, c, d = rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12), rng.getrandbits(12)
    return max(1, size), f"{a:08x}-{b:04x}-4{c:03x}-8{d:03x}-"


def purchase_events(
    rng: random.Random,
    new_id: IdFactory,
    clock: Clock,
    ledger: SalesLedger,
    learners: Iterable[LearnerPurchase],
    emit: Emit,
) -> dict[str, int]:
    """Emit one purchase event per unit of the ledger (see the module docstring); returns what was written."""
    pending: dict[int, list[LearnerPurchase]] = defaultdict(list)
    for purchase in sorted(learners, key=lambda p: (p.bought_at, p.person)):
        pending[clock.index_of(purchase.bought_at)].append(purchase)
    size, prefix = buyer_pool(rng, ledger.total_units // UNITS_PER_BUYER)
    sources = [s for s, _ in TRAFFIC_SOURCES]
    cumulative, total_weight = [], 0.0
    for _, weight in TRAFFIC_SOURCES:
        total_weight += weight
        cumulative.append(total_weight)
    order, offsets = ledger.by_day()
    written = {"purchases": 0, "learner_purchases": 0, "learner_purchases_dropped": 0}
    rand = rng.random
    for day in range(HISTORY_DAYS):
        records = order[offsets[day] : offsets[day + 1]]
        units_today = sum(ledger.units[r] for r in records)
        learners_today = pending.get(day, [])
        taken = min(len(learners_today), units_today)
        written["learner_purchases_dropped"] += len(learners_today) - taken
        positions = sorted(rng.sample(range(units_today), taken)) if taken else []
        by_position = dict(zip(positions, learners_today[:taken], strict=True))
        position = 0
        for r in records:
            product_id = ledger.product_ids[ledger.product[r]]
            for amount in split_cents(ledger.cents[r], ledger.units[r]):
                # json.dumps({"amount_cents": …, "product_id": …, "currency": "USD"}), written directly: the
                # small demo has half a million of these.
                props = JsonText(f'{{"amount_cents": {amount}, "product_id": "{product_id}", "currency": "USD"}}')
                learner = by_position.get(position)
                if learner is not None:
                    row = event_row(
                        new_id, learner.person, None, new_id(), "purchase", learner.bought_at, learner.source,
                        learner.utm, props,
                    )  # fmt: skip
                    emit("analytics_events", row)
                    for follow_up in learner.follow_ups:
                        emit("analytics_events", follow_up)
                    written["learner_purchases"] += 1
                else:
                    person = f"{prefix}{int(size * rand() ** REPEAT_SKEW):012x}"
                    when = clock.time_on(rng, day)
                    source = sources[bisect.bisect_right(cumulative, rand() * total_weight)]
                    utm = attribution(rng, source, when)
                    emit(
                        "analytics_events",
                        event_row(new_id, person, None, new_id(), "purchase", when, source, utm, props),
                    )
                position += 1
                written["purchases"] += 1
    return written
