"""The weekly digest's rules (pure): the compared weeks, the once-a-week key, the table's rows, the tip to give, and
the longer view a declining seller gets.

Numbers are the last 7 complete local days (today excluded: it is still being sold) against the 7 days
before, as `core.periods` windows; money and percentages read as everywhere else (`core.money`). A seller who
is declining by the one rule (`core.sales.trends`) is never told only that the week was up: the subject names
the decline instead of the week's change, and the summary ends with the trend's verdict.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING

from core.ai.tasks.weekly_digest_text import TipFacts, WeekNumbers
from core.listings.score import listing_suggestions_offline
from core.money import format_money, format_percent, percent_change
from core.periods import Window, complete_days, local_day
from core.sales.trends import SellerTrend

if TYPE_CHECKING:
    from core.listings.queries import ScoredListing

DIGEST_DAYS = 7
PRIORITY_COLORS = {"HIGH": "#dc2626", "MEDIUM": "#d97706", "LOW": "#16a34a"}
UP, DOWN, FLAT = "#15803d", "#b91c1c", "#6b7280"
NO_CHANGE = "—"


def digest_week(now: datetime, tz: tzinfo) -> Window:
    """The digest's week: the last 7 complete days in `tz` (its `.previous()` is the week it is compared with)."""
    return complete_days(DIGEST_DAYS, today=local_day(now, tz))


def week_label(week: Window) -> str:
    """`Nov 14 – Nov 20, 2026`."""
    return f"{week.start:%b} {week.start.day} – {week.end:%b} {week.end.day}, {week.end.year}"


def digest_idempotency_key(seller_id: str, week: str) -> str:
    return f"weekly-digest:{seller_id}:{week}"


def first_name(user_name: str | None, fallback: str) -> str:
    parts = (user_name or "").split()
    return parts[0] if parts else (fallback.split() or ["there"])[0]


@dataclass(frozen=True)
class PerformanceRow:
    label: str
    this_week: str
    last_week: str
    change: str
    change_color: str


def change_cell(current: Decimal | int, previous: Decimal | int) -> tuple[str, str]:
    """The change column and its colour: `+34.0%` green, `-5.2%` red, `new` from nothing, a dash when both are 0."""
    if current == 0 and previous == 0:
        return NO_CHANGE, FLAT
    change = percent_change(current, previous)
    if change is None:
        return "new", UP
    return format_percent(change, signed=True), UP if change > 0 else DOWN if change < 0 else FLAT


def performance_rows(n: WeekNumbers) -> list[PerformanceRow]:
    """The table's rows: revenue, sales and average rating, this week against last, with the change."""
    rows = [
        PerformanceRow("Revenue", format_money(n.revenue_this_week, n.currency),
                       format_money(n.revenue_last_week, n.currency),
                       *change_cell(n.revenue_this_week, n.revenue_last_week)),
        PerformanceRow("Sales (units)", str(n.units_this_week), str(n.units_last_week),
                       *change_cell(n.units_this_week, n.units_last_week)),
    ]  # fmt: skip
    rating = "no ratings yet" if n.average_rating is None else f"{n.average_rating:.1f} of 5"
    rows.append(PerformanceRow("Average rating", rating, NO_CHANGE, NO_CHANGE, FLAT))
    return rows


def weakest_dimension_tip(scored: Iterable[ScoredListing]) -> TipFacts | None:
    """The weakest listing dimension with points to win (lowest share of its maximum), and its rule-based fix.

    Give it the seller's published listings. Ties go to the dimension with more points to win, then the
    listing title, then the product id; a dimension without a fix is passed over for the next one.
    """
    candidates = []
    for listing in scored:
        for dim in listing.score.dimensions:
            if dim.actionable_gap > 0:
                key = tip_order(
                    dim.points, dim.max_points, dim.actionable_gap, listing.listing.title, listing.listing.product_id
                )
                candidates.append((key, dim.key, listing))
    for _, dimension, listing in sorted(candidates, key=lambda c: c[0]):
        if (tip := dimension_tip(listing, dimension)) is not None:
            return tip
    return None


TipOrder = tuple[float, float, str, str]


def tip_order(points: float, max_points: float, to_win: float, title: str, product_id: str) -> TipOrder:
    """Where a (listing, dimension) with points to win stands among the tip's candidates (lowest first): the
    lowest share of the maximum, then more points to win, then the listing title, then the product id."""
    return (points / max_points, -to_win, title, product_id)


def dimension_tip(listing: ScoredListing, dimension: str) -> TipFacts | None:
    """The tip for one dimension of one fully scored listing: its first rule-based fix, None without one."""
    dim = listing.score.dimension(dimension)
    fixes = [s for s in listing_suggestions_offline(listing.score, listing.listing) if s.dimension == dim.key]
    if not fixes:
        return None
    return TipFacts(
        listing_title=listing.listing.title,
        dimension=dim.key,
        dimension_label=dim.label,
        points=dim.points,
        max_points=dim.max_points,
        suggestion=fixes[0].suggestion,
    )


MAX_SUBJECT_CHARS = 120


def trend_context(trend: SellerTrend | None) -> str | None:
    """The sentence added to a declining seller's summary (None for everybody else): the 12-month verdict."""
    if trend is None or not trend.declining:
        return None
    return f"The longer view: {trend.verdict[0].lower()}{trend.verdict[1:]}"


def digest_subject(subject: str, n: WeekNumbers, trend: SellerTrend | None) -> str:
    """The subject as written, or — for a declining seller — the week's sales with the decline, not the change."""
    if trend is None or not trend.declining:
        return subject
    week = f"Your week: {format_money(n.revenue_this_week, n.currency)} in sales"
    share = trend.share_of_peak
    if trend.peak_month is not None and share is not None and share < 1:
        below = format_percent((1 - share) * 100, places=0)
        return f"{week}; revenue is {below} below its {trend.peak_month:%B} peak"[:MAX_SUBJECT_CHARS]
    return f"{week}; your 90-day revenue is falling"[:MAX_SUBJECT_CHARS]
