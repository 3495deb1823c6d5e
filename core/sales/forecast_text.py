"""The sales forecast explained in plain sentences, each with the numbers it used (`core.sales.forecast`'s text).

Kept apart from the arithmetic (`core.sales.rules`) and the assembly (`core.sales.forecast`) so each stays short.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Protocol

from core.money import format_money
from core.sales import rules as fm
from core.sales.rules import GROWTH_LIMIT, MARKET_WEIGHT, OWN_WEIGHT, Backtest, ErrorBand, ModelParameters


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
    band: ErrorBand,
    backtest: Backtest | None,
    days: int,
    total: Decimal,
    interval: ConfidenceInterval,
    price: Decimal | None,
    sales: int | None,
    *,
    market_measured: float | None = None,
    market_method: str | None = None,
    limit: str | None = None,
) -> list[str]:
    """The forecast explained in plain sentences, each with the numbers it used (`limit`: the trend's bound)."""
    g = params.growth
    lines = [
        f"Based on your sales from {params.start:%b %d, %Y} to {params.as_of:%b %d, %Y} ({params.history_days} "
        "days, at most the last 180; days without a sale count as $0, days before your first sale are not counted)."
    ]
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
    lines.append(band_sentence(band, days, interval))
    if backtest is None:
        lines.append("Accuracy check unavailable: it needs at least 44 days of history (30 to check, 14 before).")
    else:
        lines.append(backtest.verdict)
    return lines


def band_sentence(band: ErrorBand, days: int, interval: ConfidenceInterval) -> str:
    widening = math.sqrt(days / fm.BAND_HORIZON_DAYS)
    widened = f", widened ×{widening:.2f} (√({days}/30)) for {days} days" if days > fm.BAND_HORIZON_DAYS else ""
    head = f"Likely range for the {days} days: {format_money(interval.low)} to {format_money(interval.high)}"
    if not band.measured:
        return (
            f"{head}. There is too little history to check this method against its own past forecasts, so the "
            f"range is a fixed ±50% for 30 days{widened}."
        )
    missed = (
        f" {band.unscorable} more past forecasts said $0 and sales came anyway; they can't be expressed as a ratio,"
        " so the high end may be too low."
        if band.unscorable
        else ""
    )
    return (
        f"{head}, from how far this method's 30-day forecasts were off when started at {len(band.ratios)} past "
        f"days (10th–90th percentile: {band.low_ratio - 1:+.0%} to {band.high_ratio - 1:+.0%}){widened}.{missed}"
    )
