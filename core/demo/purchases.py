"""The demo's sales as the marketplace records them: one `orders` row and one `purchase` analytics event per unit
its revenue records count, and each seller's daily visits per channel (`seller_traffic`).

Every unit a revenue record counts becomes one order and one `purchase` event on that record's day (UTC),
carrying its share of the record's revenue (`amount`, `amount_cents`; a discounted day's cents are split so the
units add up to the record to the cent). So `revenue_records` is the daily roll-up of the orders (gross: refunded
orders included), and the operator KPIs' GMV from events equals the revenue records' sum over any window of
whole days. The order and its event share the buyer (`buyer_id` = `person_id`), session, time and source.

Who bought: the learner funnel's buyers (`core.demo.events.LearnerPurchase`) take the place of sales on the day
they bought, chosen at random among that day's units that the ads did not bring, keeping their own source; every
other unit is bought by one of a pool of returning customers (people who signed up before the history or check
out as guests), about one per four units a year, with some buying far more often than others. Learner purchases
on a day without enough sales are dropped, and with them their follow-up events; so are the few whose visit was a
paid click (the marketplace's own brand ads), so every ads-channel order is one a seller's ad brought.

Where the returning customers came from: the record's first units are the ads' (`core.demo.ads`: utm_medium
`cpc`/`paid_social`, the network as utm_source); the others draw a source from the seller's own channel mix
(`core.demo.traffic`). The channel is `core.sales.channels.classify_channel` of the source and UTM tags.

Money: commission at the seller's `commission_rate` and the payment fee through `core.sales.orders`, with the
settings' default fee (not the environment's: the demo is deterministic). Refunds: each order is refunded with
its product's probability (`refund_probability`: 1.5 % for the best listings, 4.7 % for the weakest, 8–15 % at the
few shops with a refund problem; 2–3 % of all orders), in full, 0–14 days after the order; one that would fall
after the demo clock (`Clock.as_of`) has not happened yet, so the order stays paid.

`SalesLedger` keeps the sales, the products' sellers and the sellers' daily visits compactly (arrays, not tuples)
so the large scale's millions of records fit.
"""

from __future__ import annotations

import bisect
import math
import random
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from core.config import Settings
from core.demo.activity import HISTORY_DAYS
from core.demo.events import (
    DEMO_CLOCK_HOUR,
    HOUR_CUMULATIVE,
    Clock,
    Emit,
    IdFactory,
    LearnerPurchase,
    Stamps,
    campaign_names,
)
from core.demo.traffic import AD_SOURCES, CHANNEL_CODE, ORDER_SOURCES, ChannelMix, split_visits
from core.demo.writer import JsonText
from core.models.enums import AdChannel, OrderStatus
from core.sales.channels import CHANNELS, classify_channel
from core.sales.orders import order_commission, payment_fee

UNITS_PER_BUYER = 4  # the returning-customer pool has one person per four units sold in the year
REPEAT_SKEW = 1.6  # buyer = pool[int(size x u ** 1.6)]: a few people buy often, most rarely
REFUND_WINDOW_SECONDS = 14 * 86_400  # a refund comes 0-14 days after its order
ORDER_COLUMNS = (
    "id",
    "seller_id",
    "product_id",
    "buyer_id",
    "amount",
    "quantity",
    "commission_rate",
    "commission",
    "payment_fee",
    "currency",
    "source",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "referrer",
    "channel",
    "session_id",
    "status",
    "refunded_at",
    "refunded_amount",
    "created_at",
)
TRAFFIC_COLUMNS = ("seller_id", "day", "channel", "visits")
_DEFAULTS = Settings()
FEE_PERCENT = Decimal(str(_DEFAULTS.payment_fee_percent))
FEE_FIXED = Decimal(str(_DEFAULTS.payment_fee_fixed))
_PAID, _REFUNDED = OrderStatus.PAID.value, OrderStatus.REFUNDED.value
_NETWORKS = tuple(AdChannel)


def refund_probability(quality_score: float, seller_rate: float | None = None) -> float:
    """An order's chance of a refund: 5 % - 3.5 % x the listing's quality (0.1-1.0), or, at a shop with a refund
    problem, its rate (8-15 %) a little higher on weak listings and lower on good ones."""
    if seller_rate is not None:
        return seller_rate * (1.25 - 0.5 * quality_score)
    return 0.05 - 0.035 * quality_score


@dataclass
class SellerMarket:
    """What one seller's build hands the sales pass: who the seller is, its channel mix, its products' refund
    chances, its sales, the ads' units, its visits (unique visitors) and ad clicks per day index."""

    seller_id: str
    commission_rate: Decimal
    mix: ChannelMix
    refund_chance: dict[str, float] = field(default_factory=dict)  # product id -> probability
    sales: list[tuple[int, str, int, int]] = field(default_factory=list)  # (day index, product id, units, cents)
    reserved: dict[tuple[str, int], tuple[int, ...]] = field(default_factory=dict)  # ads units' network indexes
    visits: dict[int, int] = field(default_factory=dict)  # day index -> unique visitors
    clicks: dict[int, int] = field(default_factory=dict)  # day index -> ad clicks


class SalesLedger:
    """Every revenue record's (day index, product, units, revenue cents) in the order generated, each product's
    seller and refund chance, each seller's visits per day."""

    def __init__(self) -> None:
        self.day = array("H")
        self.units = array("I")
        self.cents = array("q")
        self.product = array("I")
        self.product_ids: list[str] = []
        self.product_seller = array("I")
        self.refund_chance = array("d")
        self._product_index: dict[str, int] = {}
        self.ads: dict[int, tuple[int, ...]] = {}  # record index -> network index of each ads unit (first units)
        self.seller_ids: list[str] = []
        self.commission_rates: list[Decimal] = []
        self.mixes: list[ChannelMix] = []
        self.visit_seller = array("I")
        self.visit_day = array("H")
        self.visit_count = array("I")
        self.clicks: dict[int, int] = {}  # seller index x HISTORY_DAYS + day -> ad clicks
        self.total_units = 0

    def __len__(self) -> int:
        return len(self.day)

    def add_seller(self, market: SellerMarket) -> None:
        seller = len(self.seller_ids)
        self.seller_ids.append(market.seller_id)
        self.commission_rates.append(market.commission_rate)
        self.mixes.append(market.mix)
        for product_id, chance in market.refund_chance.items():
            self._product_index[product_id] = len(self.product_ids)
            self.product_ids.append(product_id)
            self.product_seller.append(seller)
            self.refund_chance.append(chance)
        for day, product_id, units, cents in market.sales:
            ads = market.reserved.get((product_id, day))
            if ads:
                self.ads[len(self.day)] = ads
            self.day.append(day)
            self.units.append(units)
            self.cents.append(cents)
            self.product.append(self._product_index[product_id])
            self.total_units += units
        for day, count in sorted(market.visits.items()):
            self.visit_seller.append(seller)
            self.visit_day.append(day)
            self.visit_count.append(count)
        for day, clicks in market.clicks.items():
            self.clicks[seller * HISTORY_DAYS + day] = clicks

    def by_day(self) -> tuple[array, list[int]]:
        """(record indices ordered by day, stable; offsets: day d's records are order[offsets[d]:offsets[d + 1]])."""
        return _by_day(self.day)

    def visits_by_day(self) -> tuple[array, list[int]]:
        """The same for the seller-day visits."""
        return _by_day(self.visit_day)


def _by_day(days: array) -> tuple[array, list[int]]:
    counts = [0] * (HISTORY_DAYS + 1)
    for d in days:
        counts[d + 1] += 1
    offsets = [0] * (HISTORY_DAYS + 1)
    for d in range(HISTORY_DAYS):
        offsets[d + 1] = offsets[d] + counts[d + 1]
    order = array("I", bytes(4 * len(days)))
    cursor = offsets[:-1].copy()
    for index, d in enumerate(days):
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


class _Money:
    """amount -> (amount, commission, payment fee), computed once per distinct amount and rate: Decimals, or with
    `text` their text for COPY."""

    def __init__(self, *, text: bool = False) -> None:
        self._text = text
        self._cache: dict[tuple[int, Decimal], tuple[Any, Any, Any]] = {}

    def __call__(self, cents: int, rate: Decimal) -> tuple[Any, Any, Any]:
        key = (cents, rate)
        found = self._cache.get(key)
        if found is None:
            amount = Decimal(cents).scaleb(-2)
            found = (amount, order_commission(amount, rate), payment_fee(amount, percent=FEE_PERCENT, fixed=FEE_FIXED))
            if self._text:
                found = tuple(str(value) for value in found)
            self._cache[key] = found
        return found


def purchase_events(
    rng: random.Random,
    new_id: IdFactory,
    clock: Clock,
    ledger: SalesLedger,
    learners: Iterable[LearnerPurchase],
    emit: Emit,
    *,
    text_times: bool = False,
) -> dict[str, int]:
    """Emit the orders, their purchase events and the sellers' visits per channel (module docstring); returns what
    was written. The inner loop runs once per unit sold (millions at the large scale), so `Clock.time_on`, the
    channel draw and the rows are written out inline; `text_times` writes the times as COPY text (`Stamps`)."""
    written = {"purchases": 0, "learner_purchases": 0, "learner_purchases_dropped": 0, "refunds": 0, "traffic": 0}
    pending: dict[int, list[tuple[LearnerPurchase, int]]] = defaultdict(list)
    for purchase in sorted(learners, key=lambda p: (p.bought_at, p.person)):
        channel = classify_channel(purchase.source, purchase.utm[0], purchase.utm[1])
        if channel == "ads":
            written["learner_purchases_dropped"] += 1
            continue
        pending[clock.index_of(purchase.bought_at)].append((purchase, CHANNEL_CODE[channel]))
    size, prefix = buyer_pool(rng, ledger.total_units // UNITS_PER_BUYER)
    campaigns = campaign_names(clock)
    ad_sources = [_ad_source(network) for network in _NETWORKS]
    order, offsets = ledger.by_day()
    visit_order, visit_offsets = ledger.visits_by_day()
    money = _Money(text=text_times)
    as_of = clock.as_of
    rand = rng.random
    bisect_right = bisect.bisect_right
    stamps = Stamps(clock, text=text_times)
    stamp = stamps.at
    hours, hour_total, last_day = HOUR_CUMULATIVE, HOUR_CUMULATIVE[-1], HISTORY_DAYS - 1
    # The demo clock as seconds since the history began: a refund after it has not happened yet.
    clock_stops = clock.index_of(as_of) * 86_400 + DEMO_CLOCK_HOUR * 3600
    refund_minutes = REFUND_WINDOW_SECONDS // 60
    seller_ids, product_ids, rates = ledger.seller_ids, ledger.product_ids, ledger.commission_rates
    rate_values = [str(rate) for rate in rates] if text_times else rates
    cumulatives = [mix.order_cumulative for mix in ledger.mixes]
    product_seller, refund_chance, record_units, record_cents = (
        ledger.product_seller,
        ledger.refund_chance,
        ledger.units,
        ledger.cents,
    )
    channel_names = CHANNELS
    last_option = len(ORDER_SOURCES) - 1
    sources = ORDER_SOURCES
    empty: tuple[int, ...] = ()
    zero_counts = [0] * len(CHANNELS)
    purchases = learner_purchases = refunds = 0
    for day in range(HISTORY_DAYS):
        records = order[offsets[day] : offsets[day + 1]]
        # The positions (over the day's units, in record order) the learners may take: not the ads' units.
        eligible: list[int] = []
        position = 0
        for r in records:
            units = record_units[r]
            eligible.extend(range(position + len(ledger.ads.get(r, empty)), position + units))
            position += units
        learners_today = pending.get(day, [])
        taken = min(len(learners_today), len(eligible))
        written["learner_purchases_dropped"] += len(learners_today) - taken
        positions = sorted(rng.sample(eligible, taken)) if taken else []
        by_position = dict(zip(positions, learners_today[:taken], strict=True))
        social, newsletter = campaigns[day]
        campaign_of = {None: None, "season": social, "newsletter": newsletter}
        options = [(code, source, (us, medium, campaign_of[style])) for code, source, us, medium, style in sources]
        day_seconds = day * 86_400
        counts: dict[int, list[int]] = {}
        position = 0
        for r in records:
            product = ledger.product[r]
            product_id = product_ids[product]
            seller = product_seller[product]
            seller_id, rate, rate_value = seller_ids[seller], rates[seller], rate_values[seller]
            cumulative = cumulatives[seller]
            option_total = cumulative[-1]
            chance = refund_chance[product]
            seller_counts = counts.get(seller)
            if seller_counts is None:
                seller_counts = counts[seller] = zero_counts.copy()
            ads = ledger.ads.get(r, empty)
            ads_units = len(ads)
            props_for: dict[int, JsonText] = {}
            for unit, amount in enumerate(split_cents(record_cents[r], record_units[r])):
                props = props_for.get(amount)
                if props is None:
                    # json.dumps({"amount_cents": …, "product_id": …, "currency": "USD"}), written directly.
                    props = props_for[amount] = JsonText(
                        f'{{"amount_cents": {amount}, "product_id": "{product_id}", "currency": "USD"}}'
                    )
                learner = by_position.get(position) if by_position else None
                session = new_id()
                follow_ups = empty
                if learner is not None:
                    purchase, code = learner
                    person, source, utm = purchase.person, purchase.source, purchase.utm
                    bought_at = purchase.bought_at
                    # Whole seconds, rounded up (a refund never precedes its order).
                    second = math.ceil((bought_at - clock.day_start(day)).total_seconds())
                    when = bought_at.isoformat(" ") if text_times else bought_at
                    follow_ups = purchase.follow_ups
                    learner_purchases += 1
                else:
                    person = f"{prefix}{int(size * rand() ** REPEAT_SKEW):012x}"
                    # clock.time_on(rng, day), inline
                    if day >= last_day:
                        hour = int(rand() * DEMO_CLOCK_HOUR)
                    else:
                        hour = bisect_right(hours, rand() * hour_total)
                    second = hour * 3600 + int(rand() * 3600)
                    when = stamp(day, second)
                    if unit < ads_units:
                        code, source, utm = ad_sources[ads[unit]]
                    else:
                        code, source, utm = options[min(last_option, bisect_right(cumulative, rand() * option_total))]
                emit("analytics_events", (new_id(), person, None, session, "purchase", source, *utm, props, when))
                for follow_up in follow_ups:
                    emit("analytics_events", follow_up)
                value, commission, fee = money(amount, rate)
                status, refunded_at, refunded = _PAID, None, None
                if rand() < chance:
                    moment = day_seconds + second + 60 * int(rand() * refund_minutes)
                    if moment <= clock_stops:
                        refunded_at = stamp(moment // 86_400, moment % 86_400)
                        status, refunded = _REFUNDED, value
                        refunds += 1
                emit(
                    "orders",
                    (
                        new_id(), seller_id, product_id, person, value, 1, rate_value, commission, fee, "USD", source,
                        *utm, None, channel_names[code], session, status, refunded_at, refunded, when,
                    ),
                )  # fmt: skip
                seller_counts[code] += 1
                position += 1
            purchases += record_units[r]
        written["traffic"] += _emit_traffic(
            rng, stamps.days[day], ledger, day, visit_order, visit_offsets, counts, emit
        )
    written.update(purchases=purchases, learner_purchases=learner_purchases, refunds=refunds)
    return written


def _ad_source(network: AdChannel) -> tuple[int, str, tuple[str, str, str]]:
    source, utm_source, medium, campaign = AD_SOURCES[network]
    return CHANNEL_CODE[classify_channel(source, utm_source, medium)], source, (utm_source, medium, campaign)


def _emit_traffic(
    rng: random.Random,
    on: date | str,
    ledger: SalesLedger,
    day: int,
    visit_order: array,
    visit_offsets: list[int],
    counts: dict[int, list[int]],
    emit: Emit,
) -> int:
    """The day's `seller_traffic` rows: every seller-day with views, its visits split by `split_visits`."""
    zero = [0] * len(CHANNELS)
    written = 0
    for v in visit_order[visit_offsets[day] : visit_offsets[day + 1]]:
        seller = ledger.visit_seller[v]
        orders = counts.get(seller, zero)
        clicks = ledger.clicks.get(seller * HISTORY_DAYS + day, 0)
        visits = split_visits(rng, ledger.visit_count[v], orders, clicks, ledger.mixes[seller])
        seller_id = ledger.seller_ids[seller]
        for code, count in enumerate(visits):
            if count:
                emit("seller_traffic", (seller_id, on, CHANNELS[code], count))
                written += 1
    return written
