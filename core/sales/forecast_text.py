"""The sales forecast explained in plain sentences, each with the numbers it used (`core.sales.forecast`'s text).

Kept apart from the arithmetic (`core.sales.rules`) and the assembly (`core.sales.forecast`) so each stays short.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from core.money import format_money, format_share
from core.sales import ranges
from core.sales import rules as fm
from core.sales.methods import COMBINATION, DAMPED, LABELS, SEASONAL_NAIVE, MethodChoice
from core.sales.ranges import Coverage, Spread
from core.sales.rules import GROWTH_LIMIT, MARKET_WEIGHT, OWN_WEIGHT, ModelParameters


class ConfidenceInterval(Protocol):
    """`core.sales.forecast.ConfidenceInterval`'s shape (named here so this module does not import the forecast)."""

    low: Decimal
    high: Decimal


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MARKET_METHODS = {
    "year_over_year": "its last 90 days against the same 90 days a year earlier, so the seasons cancel out",
    "12_month_fit": "a line through its complete months of the last year, each season counted once",
}


def market_sentence(market: float | None, measured: float | None, method: str | None) -> str:
    """What the market trend is and how it was measured; the ±50 % limit is mentioned only when it was hit."""
    if market is None:
        return (
            "The market trend for your product types is unknown (less than 6 complete months of their sales to "
            "measure it from) and counts as flat."
        )
    how = f", measured from {MARKET_METHODS[method]}" if method in MARKET_METHODS else ""
    limited = ""
    if measured is not None and abs(measured) > GROWTH_LIMIT:
        limited = f" (measured {measured:+.1%}, limited to ±{GROWTH_LIMIT:.0%})"
    return f"The market for your product types is changing by {market:+.1%} a month{limited}{how}."


def assumptions(
    params: ModelParameters,
    choice: MethodChoice,
    spread: Spread,
    coverage: Coverage,
    days: int,
    total: Decimal,
    interval: ConfidenceInterval,
    price: Decimal | None,
    sales: int | None,
    *,
    market_measured: float | None = None,
    market_method: str | None = None,
    limit: str | None = None,
    refunds: int = 0,
) -> list[str]:
    """The forecast explained in plain sentences, each with the numbers it used (`limit`: the trend's bound).

    The weekly pattern, growth and market trend are the explainable model's (`params`); the projection itself is the
    chosen method's (`choice`), which the first sentences name.
    """
    g = params.growth
    lines = [
        f"Based on your sales from {params.start:%b %d, %Y} to {params.as_of:%b %d, %Y} ({params.history_days} "
        "days, at most the last 180; days without a sale count as $0, days before your first sale are not counted)."
    ]
    lines.extend(method_sentences(choice))
    if refunds:
        lines.append(
            f"{refunds} day{'s' if refunds != 1 else ''} with more refunds than sales count as $0 (a day sells at "
            "least nothing)."
        )
    if params.spike_guard.cap is not None:
        spikes = ", ".join(f"{d:%b %d} ({format_money(v)})" for d, v in params.spike_guard.capped_days)
        lines.append(
            f"Exceptional days count as {format_money(params.spike_guard.cap)} (1.5 × your third-biggest day) so that "
            f"a one-off spike doesn't inflate the forecast: {spikes}."
        )
    adjusted = (
        " (adjusted for the time of month)" if params.month_position and set(params.month_position) != {1.0} else ""
    )
    lines.append(f"Starting level: your last 7 days averaged {format_money(params.moving_average)} a day{adjusted}.")
    if g.own_measured is not None:
        limited = " (limited to ±50%)" if g.own != g.own_measured else ""
        lines.append(
            f"Your last 30 days brought {format_money(g.last_30)} against {format_money(g.previous_30)} in the "
            f"30 days before: {g.own_measured:+.1%} a month{limited}."
        )
    elif g.previous_30 is not None:
        lines.append("You had no sales in the 30 days before the last 30, so your growth is taken at the +50% limit.")
    else:
        lines.append("Fewer than 60 days of history, so your own growth can't be measured yet and counts as flat.")
    lines.append(market_sentence(g.market, market_measured, market_method))
    month_factors = ", ".join(
        f"days {30 * (m - 1) + 1}–{30 * m} {fm.growth_factor(g.used, m) - 1:+.1%}" for m in range(1, days // 30 + 1)
    )
    blend = OWN_WEIGHT * g.own + MARKET_WEIGHT * (g.market or 0.0)
    held = f" (not the {blend:+.1%} of 80% yours and 20% the market's: see below)" if blend != g.used else ""
    lines.append(
        f"Growth used: 80% of yours and 20% of the market's = {g.used:+.1%} a month{held}, damped so a trend fades "
        f"instead of compounding (half of it in the first month, a quarter more in the next, …): {month_factors}."
    )
    if limit:
        lines.append(limit)
    if params.weekday is None:
        lines.append("No weekday pattern is used: there are too few days with sales to measure one.")
    elif set(params.weekday) == {1.0}:
        lines.append("No weekday stands out from chance in your sales, so every day of the week counts the same.")
    else:
        pattern = ", ".join(f"{name} ×{m:.2f}" for name, m in zip(_WEEKDAYS, params.weekday, strict=True))
        lines.append(f"Weekday pattern from your history (1.00 = an average day): {pattern}.")
    if params.month_position is None and params.history_days < fm.MONTH_POSITION_MIN_HISTORY:
        lines.append("Fewer than 90 days of history, so no start/middle/end-of-month effect is used.")
    elif params.month_position is None:
        lines.append("Too few days with sales to compare parts of past months, so no time-of-month effect is used.")
    elif all(m == 1.0 for m in params.month_position):
        lines.append("Your sales show no start/middle/end-of-month effect of 5% or more, so none is used.")
    else:
        parts = ", ".join(f"{name} ×{m:.2f}" for name, m in zip(fm.MONTH_PARTS, params.month_position, strict=True))
        lines.append(f"Time of month, from the same parts of past months (limited to ×0.80–×1.20): {parts}.")
    if price is None:
        lines.append("No units were recorded with your sales, so the number of sales can't be projected.")
    else:
        per_unit = f"your average {format_money(price)} per unit sold"
        lines.append(f"Sales: {format_money(total)} ÷ {per_unit} = {sales} sales.")
    lines.append(range_sentence(spread, coverage, days, interval))
    return lines


def accuracy_sentence(choice: MethodChoice) -> str:
    """The chosen method against "same as last week" on the seller's own last weeks, in words."""
    if not choice.scores:
        return (
            "Your history is too short to check methods against each other (that needs 58 days: 28 to start from and "
            "30 to check), so the level × weekly pattern × growth model is used."
        )
    weeks = f"your last {choice.selection_origins} week{'s' if choice.selection_origins != 1 else ''}"
    closer = choice.closer_than_naive
    if choice.method == SEASONAL_NAIVE or closer is None:
        return (
            f"On {weeks}, simply repeating last week was the most accurate way to forecast your next 30 days, so "
            "that is what this forecast does."
        )
    if closer >= 0.005:
        return f"On {weeks} this method was {format_share(closer, places=0)} closer than simply repeating last week."
    return f"On {weeks} this method was about as accurate as simply repeating last week."


def method_sentences(choice: MethodChoice) -> list[str]:
    name = choice.label
    if choice.method == COMBINATION:
        name += f" ({LABELS[choice.parts[0]]}; {LABELS[choice.parts[1]]})"
    lines = [f"Method: {name}."]
    if choice.scores:
        others = ", ".join(f"{LABELS[s.method]} {s.mase:.2f}" for s in choice.scores)
        lines.append(
            f"Chosen because it was the most accurate of {len(choice.scores)} methods when each forecast your next 30 "
            f"days from {choice.selection_origins} past starting points a week apart (error relative to repeating "
            f"last week; lower is better): {others}."
        )
    if choice.method != DAMPED:
        lines.append(
            "The weekly pattern, growth and market trend below describe your history and the market; the projection "
            "itself comes from the chosen method."
        )
    lines.append(accuracy_sentence(choice))
    return lines


def range_sentence(spread: Spread, coverage: Coverage, days: int, interval: ConfidenceInterval) -> str:
    head = f"Likely range (80%) for the {days} days: {format_money(interval.low)} to {format_money(interval.high)}"
    if spread.how == ranges.FIXED:
        return (
            f"{head}. There is too little history to check this method against its own past forecasts, so the "
            "range is a fixed ±50% of your current daily level."
        )
    errors = f"{spread.low:+.0%} to {spread.high:+.0%} of your daily level × {days} days"
    if spread.how == ranges.BORROWED:
        source = (
            f"too few past starting points can be checked {days} days ahead, so the 30-day errors are widened by "
            f"√({days}/30): {errors}"
        )
    elif spread.how == ranges.WIDENED:
        source = (
            f"only {spread.origins} past starting points could be checked, so the largest errors among them are "
            f"widened by half: {errors}"
        )
    else:
        checked = f"{spread.origins} past starting points"
        source = f"from how far this method's {days}-day totals were off at {checked}: {errors}"
    held = ""
    if coverage.checked:
        held = (
            f" Checked at {coverage.checked} past starting points, each with only the errors known by then, the range "
            f"held the actual 30-day total {coverage.inside} times out of {coverage.checked}."
        )
    return f"{head}, {source}.{held}"
