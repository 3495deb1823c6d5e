"""Seller alerts' pure part (issue 14): the four rules, their default thresholds, the settings form's parsing and
the words of each alert. No database and no clock: the figures and "today" are arguments.

The rules, each over complete UTC days (the Performance page's days), evaluated daily by `core.sales.alerts`:

* **Revenue drop** (`revenue_drop`): revenue of the last 7 complete days is down more than X % from the 7 days
  before — only when the week before had at least `REVENUE_DROP_MIN_ORDERS` orders and
  `REVENUE_DROP_MIN_REVENUE` of revenue, so a shop selling a few dollars a week is not alarmed by noise.
  Revenue is gross: the amounts of the orders created in the period, refunded or not.
* **Low conversion** (`low_conversion`): orders ÷ visits of the last 7 complete days under Y % — only with at
  least `CONVERSION_MIN_VISITS` visits (below that one order more or less swings the rate).
* **High ACOS** (`high_acos`): ad spend ÷ ad-attributed revenue of the last 7 complete days over Z % — only with
  at least `ACOS_MIN_SPEND` of spend; spend with no attributed revenue at all is a breach with its own words.
* **No sale** (`no_sale`, per product): a published product published at least N days ago with no order since
  the start of the day N days ago (the N complete days before today and today so far).

A threshold compares exactly ("more than", "under", "over": equal is not a breach); the words round.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from core.money import CENT, format_money_whole, format_percent, parse_amount, percent
from core.periods import format_day

# ---------------------------------------------------------------- rules and their defaults

REVENUE_DROP = "revenue_drop"
LOW_CONVERSION = "low_conversion"
HIGH_ACOS = "high_acos"
NO_SALE = "no_sale"

DEFAULT_REVENUE_DROP_PERCENT = Decimal("30.00")  # a week a third weaker than the one before is worth a look
DEFAULT_MIN_CONVERSION_PERCENT = Decimal("1.00")  # digital marketplaces convert about 1–3 % of visits
DEFAULT_MAX_ACOS_PERCENT = Decimal("50.00")  # ads costing half the sales they bring eat most of the margin
DEFAULT_NO_SALE_DAYS = 30

REVENUE_DROP_MIN_ORDERS = 5  # the week before needs at least this many orders…
REVENUE_DROP_MIN_REVENUE = Decimal("50.00")  # …and this much revenue for a drop to count
CONVERSION_MIN_VISITS = 100  # visits in the 7 days for the conversion alert to speak
ACOS_MIN_SPEND = Decimal("10.00")  # ad spend in the 7 days for the ACOS alert to speak
WINDOW_DAYS = 7  # the shop-wide rules look at the last 7 complete days (and revenue at the 7 before)

MIN_DAYS, MAX_DAYS = 1, 365


@dataclass(frozen=True)
class AlertRule:
    """One rule as the settings form and the alerts list show it."""

    key: str  # the `seller_alert_breaches.rule` value
    field: str  # the `seller_alert_settings` column of its threshold
    label: str
    help: str
    default: Decimal | int
    unit: str  # "%" or "days"
    maximum: Decimal  # inclusive, except where `below_maximum`
    below_maximum: bool = False

    @property
    def on_key(self) -> str:
        """The raw settings key of the rule's on/off switch."""
        return f"{self.key}_on"


RULES: tuple[AlertRule, ...] = (
    AlertRule(
        REVENUE_DROP,
        "revenue_drop_percent",
        "Revenue drops week over week by more than",
        "Last 7 complete days against the 7 days before. Only when the week before had at least "
        f"{REVENUE_DROP_MIN_ORDERS} orders and {format_money_whole(REVENUE_DROP_MIN_REVENUE)} of revenue.",
        DEFAULT_REVENUE_DROP_PERCENT,
        "%",
        Decimal(100),
        below_maximum=True,
    ),
    AlertRule(
        LOW_CONVERSION,
        "min_conversion_percent",
        "Conversion falls under",
        f"Orders ÷ visits over the last 7 complete days. Only with at least {CONVERSION_MIN_VISITS} visits.",
        DEFAULT_MIN_CONVERSION_PERCENT,
        "%",
        Decimal(100),
    ),
    AlertRule(
        HIGH_ACOS,
        "max_acos_percent",
        "ACOS rises over",
        "Ad spend ÷ revenue the ads brought, over the last 7 complete days. Only with at least "
        f"{format_money_whole(ACOS_MIN_SPEND)} of ad spend; spend that brought no sale at all always alerts.",
        DEFAULT_MAX_ACOS_PERCENT,
        "%",
        Decimal(1000),
    ),
    AlertRule(
        NO_SALE,
        "no_sale_days",
        "A published product has no sale for",
        "Per product, counting only products published at least that many days ago.",
        DEFAULT_NO_SALE_DAYS,
        "days",
        Decimal(MAX_DAYS),
    ),
)
RULES_BY_KEY = {rule.key: rule for rule in RULES}


@dataclass(frozen=True)
class AlertSettings:
    """A seller's alert settings: `enabled` switches every alert; a None threshold switches that rule off.
    `saved` is False for the defaults of a seller who never saved any."""

    enabled: bool = True
    revenue_drop_percent: Decimal | None = DEFAULT_REVENUE_DROP_PERCENT
    min_conversion_percent: Decimal | None = DEFAULT_MIN_CONVERSION_PERCENT
    max_acos_percent: Decimal | None = DEFAULT_MAX_ACOS_PERCENT
    no_sale_days: int | None = DEFAULT_NO_SALE_DAYS
    saved: bool = False

    def threshold(self, rule: str) -> Decimal | int | None:
        """The rule's threshold when the rule is on (and alerts are enabled), else None."""
        return getattr(self, RULES_BY_KEY[rule].field) if self.enabled else None

    def with_values(self, **values: Any) -> AlertSettings:
        return replace(self, **values)


DEFAULT_SETTINGS = AlertSettings()

# ---------------------------------------------------------------- parsing the form

MSG_MISSING = "Enter a threshold, or switch this alert off."
MSG_NOT_A_NUMBER = "Enter a number, like {example}."
MSG_NOT_POSITIVE = "Enter a percent above 0."
MSG_TOO_MANY_DECIMALS = "Use at most two decimals."
MSG_DAYS = f"Enter a whole number of days from {MIN_DAYS} to {MAX_DAYS}."


def msg_too_large(rule: AlertRule) -> str:
    if rule.below_maximum:
        return f"Enter a percent below {rule.maximum:,.0f}."
    return f"Enter at most {rule.maximum:,.0f}%."


class AlertSettingsError(ValueError):
    """Settings that cannot be saved: `errors` maps each bad field to its message (nothing was stored)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


def _number(value: object) -> Decimal | None:
    """A number typed or given by a widget ("30", " 2.5 % ", 30.0); None for words, NaN, infinities, booleans."""
    if isinstance(value, str):
        value = value.strip().removesuffix("%")
    return parse_amount(value)  # type: ignore[arg-type]


def threshold_error(rule: AlertRule, value: object) -> tuple[Decimal | int | None, str | None]:
    """(threshold, None) when `value` is a good threshold for `rule`, else (None, message)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, MSG_MISSING
    number = _number(value)
    if number is None:
        return None, MSG_NOT_A_NUMBER.format(example=int(rule.default))
    if rule.unit == "days":
        if number != number.to_integral_value() or not MIN_DAYS <= number <= MAX_DAYS:
            return None, MSG_DAYS
        return int(number), None
    if number <= 0:
        return None, MSG_NOT_POSITIVE
    if number > rule.maximum or (rule.below_maximum and number == rule.maximum):
        return None, msg_too_large(rule)
    if number != number.quantize(CENT):
        return None, MSG_TOO_MANY_DECIMALS
    return number.quantize(CENT), None


def parse_alert_settings(raw: Mapping[str, object]) -> AlertSettings | dict[str, str]:
    """The settings from the form's values, or {field: message} for every field that is wrong.

    `raw` holds `enabled` (all alerts on or off, default on), and per rule its switch `<rule>_on` (default on)
    and its threshold under the rule's field name (`revenue_drop_percent`, …). A rule switched off keeps no
    threshold (stored as None) and its field is not checked; a rule switched on needs a good threshold: a positive
    percent with at most two decimals (a drop below 100 %, a conversion at most 100 %, an ACOS at most 1,000 %) or
    a whole number of days from 1 to 365. Negative numbers, NaN, infinities and words are refused.
    """
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"enabled": bool(raw.get("enabled", True))}
    for rule in RULES:
        if not raw.get(rule.on_key, True):
            values[rule.field] = None
            continue
        threshold, error = threshold_error(rule, raw.get(rule.field))
        if error:
            errors[rule.field] = error
        values[rule.field] = threshold
    if errors:
        return errors
    return AlertSettings(**values, saved=True)


# ---------------------------------------------------------------- the rules' predicates (exact comparisons)


def is_revenue_drop(current: Decimal, previous: Decimal, previous_orders: int, threshold: Decimal) -> bool:
    """Revenue down more than `threshold` % from the week before, which had enough orders and revenue."""
    if previous_orders < REVENUE_DROP_MIN_ORDERS or previous < REVENUE_DROP_MIN_REVENUE:
        return False
    return (previous - current) * 100 > threshold * previous


def is_low_conversion(orders: int, visits: int, threshold: Decimal) -> bool:
    """Orders ÷ visits under `threshold` %, with enough visits to say so."""
    return visits >= CONVERSION_MIN_VISITS and orders * 100 < threshold * visits


def is_high_acos(spend: Decimal, attributed_revenue: Decimal, threshold: Decimal) -> bool:
    """Ad spend ÷ attributed revenue over `threshold` %, or spend that brought no revenue, with enough spend."""
    if spend < ACOS_MIN_SPEND:
        return False
    return attributed_revenue <= 0 or spend * 100 > threshold * attributed_revenue


def day_start(day: date) -> datetime:
    """Midnight UTC starting `day` (alerts count UTC days, like the Performance page and `revenue_records`)."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def no_sale_cutoff(today: date, days: int) -> datetime:
    """The moment since which a product must have had no order (and before which it was published) to have had
    "no sale for `days` days": the start of the day `days` days before today."""
    return day_start(today - timedelta(days=days))


# ---------------------------------------------------------------- the words


def percent_text(value: Decimal | int | None) -> str:
    """A threshold or a figure as a percent, with only the decimals it needs: 30%, 1.5%, 0.75%."""
    if value is None:
        return format_percent(None)
    number = Decimal(value)
    places = 0 if number == number.to_integral_value() else 1 if number * 10 == (number * 10).to_integral() else 2
    return format_percent(number, places=places)


@dataclass(frozen=True)
class AlertText:
    title: str
    body: str


def revenue_drop_text(current: Decimal, previous: Decimal, threshold: Decimal) -> AlertText:
    drop = percent(previous - current, previous, places=0)
    return AlertText(
        f"Revenue down {percent_text(drop)} week over week",
        f"Revenue {format_money_whole(current)} in the last 7 days, down {percent_text(drop)} from "
        f"{format_money_whole(previous)} in the 7 days before (your alert: a drop of more than "
        f"{percent_text(threshold)}).",
    )


def low_conversion_text(orders: int, visits: int, threshold: Decimal) -> AlertText:
    rate = percent(orders, visits, places=2)
    return AlertText(
        f"Conversion under {percent_text(threshold)}",
        f"Conversion {percent_text(rate)} in the last 7 days: {orders:,} order{'s' if orders != 1 else ''} from "
        f"{visits:,} visits (your alert: under {percent_text(threshold)}).",
    )


def high_acos_text(spend: Decimal, attributed_revenue: Decimal, threshold: Decimal) -> AlertText:
    if attributed_revenue <= 0:
        return AlertText(
            "Your ads brought no sales",
            f"{format_money_whole(spend)} of ad spend in the last 7 days and no revenue attributed to the ads "
            f"(your alert: ACOS over {percent_text(threshold)}).",
        )
    acos = percent(spend, attributed_revenue, places=0)
    return AlertText(
        f"Ad cost (ACOS) at {percent_text(acos)}",
        f"ACOS {percent_text(acos)} in the last 7 days: {format_money_whole(spend)} of ad spend for "
        f"{format_money_whole(attributed_revenue)} of revenue from the ads (your alert: over "
        f"{percent_text(threshold)}).",
    )


@dataclass(frozen=True)
class StaleProduct:
    """A product with no sale for the seller's N days: its title, when it was published, its last sale (if any)."""

    product_id: str
    title: str
    published_on: date
    last_sale_on: date | None


NO_SALE_NAMED = 3  # products named in one notification; the rest are counted


def _stale_phrase(product: StaleProduct) -> str:
    if product.last_sale_on is None:
        return f"“{product.title}” (no sale since it was published on {format_day(product.published_on)})"
    return f"“{product.title}” (last sale {format_day(product.last_sale_on)})"


def no_sale_text(products: list[StaleProduct], days: int) -> AlertText:
    """One notification for the products that went without a sale for `days` days on the same day."""
    if len(products) == 1:
        title = f"“{products[0].title}” has had no sale in {days} days"
    else:
        title = f"{len(products)} products have had no sale in {days} days"
    named = [_stale_phrase(p) for p in products[:NO_SALE_NAMED]]
    more = len(products) - len(named)
    listed = "; ".join(named) + (f"; and {more} more" if more else "")
    return AlertText(
        title,
        f"No sale in the last {days} days: {listed}. A new price, a better listing or a promotion can wake "
        f"{'it' if len(products) == 1 else 'them'} up.",
    )


# ---------------------------------------------------------------- a breach's numbers (stored as JSON) and its words


def _money(value: Decimal) -> str:
    return str(Decimal(value).quantize(CENT))


def revenue_drop_numbers(current: Decimal, previous: Decimal, orders: int, previous_orders: int) -> dict[str, Any]:
    return {"revenue": _money(current), "previous_revenue": _money(previous), "orders": orders,
            "previous_orders": previous_orders}  # fmt: skip


def conversion_numbers(orders: int, visits: int) -> dict[str, Any]:
    return {"orders": orders, "visits": visits, "conversion_percent": str(percent(orders, visits, places=2))}


def acos_numbers(spend: Decimal, attributed_revenue: Decimal) -> dict[str, Any]:
    acos = percent(spend, attributed_revenue, places=1)
    return {"spend": _money(spend), "attributed_revenue": _money(attributed_revenue),
            "acos_percent": None if acos is None else str(acos)}  # fmt: skip


def no_sale_numbers(published_on: date, last_sale_on: date | None) -> dict[str, Any]:
    return {"published_on": published_on.isoformat(), "last_sale_on": last_sale_on and last_sale_on.isoformat()}


def breach_text(rule: str, numbers: Mapping[str, Any], *, product_id: str = "", product_title: str = "") -> AlertText:
    """The words of one stored breach, from its numbers (each carries its `threshold` and, for the shop-wide rules,
    the window): the same sentence its notification said."""
    threshold = Decimal(str(numbers["threshold"]))
    if rule == REVENUE_DROP:
        return revenue_drop_text(Decimal(numbers["revenue"]), Decimal(numbers["previous_revenue"]), threshold)
    if rule == LOW_CONVERSION:
        return low_conversion_text(int(numbers["orders"]), int(numbers["visits"]), threshold)
    if rule == HIGH_ACOS:
        return high_acos_text(Decimal(numbers["spend"]), Decimal(numbers["attributed_revenue"]), threshold)
    if rule == NO_SALE:
        last = numbers.get("last_sale_on")
        product = StaleProduct(
            product_id, product_title, date.fromisoformat(numbers["published_on"]), last and date.fromisoformat(last)
        )
        return no_sale_text([product], int(threshold))
    raise ValueError(f"unknown alert rule {rule!r}; known: {', '.join(RULES_BY_KEY)}")
