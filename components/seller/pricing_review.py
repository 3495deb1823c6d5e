"""The Pricing tool's portfolio widgets: "Review all my prices" (bulk analysis with a progress bar, the products with
a suggested change, expected gains and losses apart) and the table of recent price changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import streamlit as st

from components.data import clock, database_errors
from components.data import pricing as pricing_data
from components.seller.pricing import ACTION_WORDS, KEY_PRODUCT, POSITION_BADGES
from components.shell import access
from components.ui.format import format_count
from components.ui.text import md
from core.config import get_settings
from core.models import PriceChangeSource
from core.money import format_money, format_percent, format_share, format_signed_money
from core.periods import format_day
from core.pricing import PriceHistoryEntry, PricingAnalysis, ReviewTotals, needs_attention, review_totals
from core.pricing.price_effect import (
    MIN_ORDERS,
    PRICE_EFFECT_AFTER_DAYS,
    PRICE_EFFECT_BEFORE_DAYS,
    PRICE_EFFECT_MIN_DAYS,
    PriceChangeEffect,
)

KEY_REVIEW = "pricing_review"
KEY_REVIEW_TABLE = "pricing_review_table"
SOURCE_LABELS = {
    PriceChangeSource.ANALYSIS: "Suggested price",
    PriceChangeSource.MANUAL: "Own price",
    PriceChangeSource.ADMIN: "Marketplace team",
}


@dataclass(frozen=True)
class Review:
    """The last "review all my prices" of this browser session."""

    seller_id: str
    flagged: tuple[PricingAnalysis, ...]  # a suggested change (raise or cut), largest expected change first
    totals: ReviewTotals
    total: int
    unavailable: int
    reviewed_at: datetime


def bulk_review(seller_id: str, history: Sequence[PriceHistoryEntry]) -> None:
    """Analyse every published product with a progress bar and list the off-market ones (kept for the session).

    Products whose price changed since the review say so (from `history`); clicking a row opens the product above.
    """
    st.subheader("Review all my prices")
    st.caption(
        "Runs the demand model on every published product and lists the ones with a suggested change, with the "
        "expected gains and the expected losses of following them shown apart."
    )
    if st.button("Review all my prices", icon=":material/fact_check:", key="pricing_review_all"):
        bar = st.progress(0.0, text="Starting the review…")

        def progress(done: int, total: int, title: str) -> None:
            bar.progress(done / total, text=f"Analysed {format_count(done)} of {format_count(total)}: {md(title)}")

        with database_errors():
            analyses = pricing_data.review_all_prices(seller_id, progress)
        bar.empty()
        st.session_state[KEY_REVIEW] = Review(
            seller_id,
            tuple(needs_attention(analyses)),
            review_totals(analyses),
            total=len(analyses),
            unavailable=sum(1 for a in analyses if not a.available),
            reviewed_at=clock.now(),
        )
    review: Review | None = st.session_state.get(KEY_REVIEW)
    if review is None or review.seller_id != seller_id:
        return
    changed_since = {}
    for entry in reversed(history):  # oldest first, so the newest change wins
        if entry.changed_at >= review.reviewed_at:
            changed_since[entry.product_id] = entry.new_price
    _review_table(review, changed_since)


def _review_table(review: Review, changed_since: dict[str, Decimal]) -> None:
    skipped = (
        f" {format_count(review.unavailable)} could not be compared (no similar listings yet)."
        if review.unavailable
        else ""
    )
    totals = review.totals
    if not review.flagged:
        st.success(
            f"The model suggests keeping all {format_count(review.total - review.unavailable)} compared "
            f"prices.{skipped}",
            icon=":material/thumb_up:",
        )
        return
    loss = (
        f"; expected loss **{md(format_signed_money(totals.expected_loss, 'USD'))} a month**"
        if totals.expected_loss < 0
        else "; no suggestion is expected to lose revenue"
    )
    st.markdown(
        f"**{len(review.flagged)} of {format_count(review.total)} products** have a suggested change "
        f"({format_count(totals.raise_count)} raise, {format_count(totals.cut_count)} lower; "
        f"{format_count(totals.keep_count)} keep). Following them: expected gain "
        f"**{md(format_signed_money(totals.expected_gain, 'USD'))} a month**{loss}.{skipped} "
        "Click a row to open it above.",
        help="Each product's expected change is its demand model's revenue at the suggested price minus revenue at "
        "the current price, a month. Gains and losses are added up separately, never netted into one figure.",
    )
    rows = [
        {
            "Product": a.title,
            "Position": POSITION_BADGES[a.competitive_position or "competitive"][0],
            "Advice": ACTION_WORDS[a.action or "keep"].capitalize(),
            "Current": float(a.current_price),
            "Suggested": float(a.suggested_price or 0),
            "Expected change / month": float(a.money_at_stake),
            "Confidence": a.confidence_score,
        }
        for a in review.flagged
    ]
    if changed_since:  # only then: an empty column would push the table wider than the page
        for row, a in zip(rows, review.flagged, strict=True):
            changed = changed_since.get(a.product_id)
            row["Since the review"] = "" if changed is None else f"Now {format_money(changed, a.currency)}"
    ids = [a.product_id for a in review.flagged]
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        on_select=lambda: _open_selected(ids),
        selection_mode="single-row",
        key=KEY_REVIEW_TABLE,
        column_config={
            "Product": st.column_config.TextColumn(width="medium"),
            "Current": st.column_config.NumberColumn(format="dollar"),
            "Suggested": st.column_config.NumberColumn(format="dollar"),
            "Expected change / month": st.column_config.NumberColumn(format="%+.2f"),
            "Confidence": st.column_config.ProgressColumn(min_value=0, max_value=100, format="%d", width="small"),
        },
    )


def _open_selected(ids: Sequence[str]) -> None:
    selection = st.session_state[KEY_REVIEW_TABLE].selection.rows
    if selection:
        st.session_state[KEY_PRODUCT] = ids[selection[0]]


def price_history_table(entries: Sequence[PriceHistoryEntry], seller_id: str | None = None) -> None:
    """The recent changes with, for each one older than 7 days, the per-day figures before and after and the verdict
    (`core.pricing.price_effect`); `seller_id` defaults to the logged-in seller's."""
    st.subheader("Recent price changes")
    if not entries:
        st.caption("No price changes yet. Prices you apply here are listed with the date and the old price.")
        return
    with database_errors():
        effects = pricing_data.price_change_effects(seller_id or access.current_seller_id())
    by_change = {(e.product_id, e.changed_at): e for e in effects}
    zone = get_settings().timezone
    st.caption(
        f"What happened after each change: visits, conversion, orders and revenue per day in the "
        f"{PRICE_EFFECT_BEFORE_DAYS} days before it against the days after it (up to {PRICE_EFFECT_AFTER_DAYS}), "
        f"shown once {PRICE_EFFECT_MIN_DAYS} full days have passed; with fewer than {MIN_ORDERS} orders it is too "
        "early to tell."
    )
    st.dataframe(
        [
            {
                "When": e.changed_at.astimezone(zone).replace(tzinfo=None),
                "Product": e.product_title,
                "Old price": float(e.old_price),
                "New price": float(e.new_price),
                "Change": float(e.new_price - e.old_price),
                "How": SOURCE_LABELS.get(e.source, str(e.source)),
                **effect_columns(by_change.get((e.product_id, e.changed_at)), e.changed_at),
            }
            for e in entries
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "When": st.column_config.DatetimeColumn(format="MMM D, YYYY h:mm a"),
            "Product": st.column_config.TextColumn(width="medium"),
            "Old price": st.column_config.NumberColumn(format="dollar"),
            "New price": st.column_config.NumberColumn(format="dollar"),
            "Change": st.column_config.NumberColumn("Change ($)", format="%+.2f"),
            "Verdict": st.column_config.TextColumn(width="large"),
        },
    )


def _before_after(before: str, after: str, change: Decimal | None) -> str:
    return f"{before} → {after} ({format_percent(change, places=0, signed=True)})"


def effect_columns(effect: PriceChangeEffect | None, changed_at: datetime) -> dict[str, str]:
    """The before → after cells of one change; "too recent" until 7 full days followed it."""
    if effect is None or effect.effect is None:
        first = changed_at.astimezone(get_settings().timezone).date() + timedelta(days=PRICE_EFFECT_MIN_DAYS + 1)
        blank = "—"
        return {
            "Visits/day": blank,
            "Conversion": blank,
            "Orders/day": blank,
            "Revenue/day": blank,
            "Verdict": f"Too recent: measured from {format_day(first)}",
        }
    b, a = effect.effect.before, effect.effect.after
    changes = effect.effect.changes()
    return {
        "Visits/day": _before_after(f"{b.visits_per_day:.1f}", f"{a.visits_per_day:.1f}", changes["visits_per_day"]),
        "Conversion": _before_after(
            format_share(b.conversion, places=2), format_share(a.conversion, places=2), changes["conversion"]
        ),
        "Orders/day": _before_after(f"{b.orders_per_day:.2f}", f"{a.orders_per_day:.2f}", changes["orders_per_day"]),
        "Revenue/day": _before_after(
            format_money(b.revenue_per_day), format_money(a.revenue_per_day), changes["revenue_per_day"]
        ),
        "Verdict": f"{effect.effect.verdict.text} · {b.days} days before, {a.days} after",
    }
