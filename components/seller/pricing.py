"""The Pricing tool's widgets: one product's analysis, applying a suggested or a manual price behind a confirmation
(the product picker: `pricing_picker`; the review of all prices and the history: `pricing_review`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.charts.pricing import market_comparison_chart
from components.data import database_errors
from components.data import pricing as pricing_data
from components.ui.flash import flash, show_flash
from components.ui.format import format_count
from components.ui.kpi import tile
from components.ui.labels import type_label
from components.ui.text import md
from core.config import get_settings
from core.models import PriceChangeSource
from core.money import format_money, format_signed_money
from core.periods import format_day
from core.pricing import (
    MIN_CATEGORY_SAMPLE,
    PriceValidationError,
    PricingAnalysis,
    PricingMarket,
    check_price_cap,
    confidence_words,
    parse_price,
)

KEY_PRODUCT = "pricing_product"
KEY_CONFIRM = "pricing_confirm"
FLASH = "pricing"
KEY_MANUAL_ERROR = "pricing_manual_error"
KEY_MANUAL_INPUT = "pricing_manual_price"

POSITION_BADGES = {
    "underpriced": ("Underpriced", "blue", ":material/south:"),
    "competitive": ("Competitive", "green", ":material/check_circle:"),
    "overpriced": ("Overpriced", "orange", ":material/north:"),
}
ACTION_WORDS = {"raise": "raise", "cut": "lower", "keep": "keep"}
POSITION_SENTENCES = {
    "underpriced": "Your price is below the typical range of similar listings.",
    "competitive": "Your price is inside the typical range of similar listings.",
    "overpriced": "Your price is above the typical range of similar listings.",
}


# ---------------------------------------------------------------- picking a product


def flash_message(product_id: str) -> None:
    """The success message of a price just applied (shown once, on the run after the write, on its product)."""
    show_flash(FLASH, about=product_id)


def applied_message(applied: pricing_data.AppliedPrice) -> str:
    new, old = (md(format_money(price, applied.currency)) for price in (applied.new_price, applied.old_price))
    return f"Price updated: “{md(applied.title)}” now sells at **{new}** (was {old})."


def analysis_view(analysis: PricingAnalysis) -> DeltaGenerator:
    """Current vs suggested price, position badge, confidence, the market chart, the reasoning and its engine.

    Returns the column under the chart, where the price actions go (next to what they act on).
    """
    currency = analysis.currency
    if not analysis.available or analysis.market is None or analysis.suggested_price is None:
        tile("Current price", format_money(analysis.current_price, currency), width=260)
        st.info(md(analysis.reason or "There is no market to compare this product with yet."), icon=":material/info:")
        return st.container()
    market = analysis.market
    position = analysis.competitive_position or "competitive"
    label, color, icon = POSITION_BADGES[position]
    st.markdown(f"#### :{color}-badge[{icon} {label}] {POSITION_SENTENCES[position]}")
    if analysis.settled_until is not None and analysis.demand is not None:
        st.info(
            md(
                f"Measuring your new price since {format_day(analysis.demand.since)}: the next advice is on "
                f"{format_day(analysis.settled_until)}, once four weeks of sales at this price are in."
            ),
            icon=":material/hourglass_top:",
        )
    current, suggested, confidence, stake = st.columns(4)
    with current:
        tile("Current price", format_money(analysis.current_price, currency), height="stretch")
    change = analysis.price_change or Decimal(0)
    action = ACTION_WORDS[analysis.action or "keep"]
    with suggested:
        tile(
            "Suggested price",
            format_money(analysis.suggested_price, currency),
            delta=action
            if change == 0
            else f"{action} {'+' if change > 0 else '-'}{format_money(abs(change), currency)}",
            delta_color="off",
            delta_arrow="off",
            help=(
                f"Suggested range {format_money(analysis.price_range.min, currency)}–"
                f"{format_money(analysis.price_range.max, currency)}: the prices the demand model supports within "
                "the rules (at most 25% per step, no cut when you convert above the segment median, toward the "
                "market, not away from it)."
                if analysis.price_range
                else None
            ),
            height="stretch",
        )
    with confidence:
        tile(
            "Confidence",
            f"{format_count(analysis.confidence_score)}/100",
            delta=confidence_words(analysis.confidence_score),
            delta_color="off",
            delta_arrow="off",
            help="How much evidence backs the advice: up to 40 points for the units sold at the current price "
            "(full at 60), 20 for the number of comparable listings (full at 30), 40 for how much the evidence "
            "narrowed the price elasticity; capped at 25 under 10 units or 5 listings.",
            height="stretch",
        )
    with stake:
        tile(
            "Expected change / month",
            format_signed_money(analysis.money_at_stake, currency),
            help=md(
                "The demand model's expected change in monthly revenue if you follow the suggestion: revenue at "
                "the suggested price minus revenue at your price, with your monthly units at your current price "
                f"({_units_text(analysis)}) and the estimated elasticity. $0.00 when the advice is to keep."
            ),
            height="stretch",
        )
    chart, words = st.columns([3, 2], gap="large")
    with chart:
        st.markdown("**Your price against the market**")
        st.altair_chart(
            market_comparison_chart(
                market.comparison(),
                typical_range=(market.p25_price, market.p75_price),
                suggested_price=analysis.suggested_price,
            ),
            width="stretch",
        )
        st.caption(
            md(
                f"Green band: the typical range, the middle half of comparable prices "
                f"({format_money(market.p25_price, currency)}–{format_money(market.p75_price, currency)}); "
                "a price inside it is "
                f"competitive. Dashed line: the suggested price."
            )
        )
    with words:
        market_context(market, analysis)
        st.markdown("**Why this price**")
        st.markdown(md(analysis.reasoning))
        st.caption(f":material/smart_toy: {md(analysis.engine_label)}")
    return chart


def _units_text(analysis: PricingAnalysis) -> str:
    demand = analysis.demand
    if demand is None:
        return "no sales data"
    return (
        f"{format_count(demand.units_at_price)} units in {format_count(demand.days_at_price)} days since "
        f"{format_day(demand.since)}, {demand.units_per_month:.1f} a month"
    )


def computed_caption(market: PricingMarket) -> str:
    """ "Market figures computed nightly; last on Dec 6, 2026." """
    if market.calculated_at is None:
        return "Market figures computed nightly."
    local = market.calculated_at.astimezone(get_settings().timezone).date()
    return f"Market figures computed nightly; last on {format_day(local)}."


def segment_text(market: PricingMarket, analysis: PricingAnalysis) -> str:
    """`45 planner listings in Productivity` / `12 e-book listings across all categories`."""
    kind = type_label(analysis.facts.product_type if analysis.facts else None, lower=True) or "comparable"
    count = f"{market.sample_size} {kind} listing{'' if market.sample_size == 1 else 's'}"
    if market.segment_scope == "category" and market.category_name:
        return f"{count} in {market.category_name}"
    return f"{count} across all categories"


def market_context(market: PricingMarket, analysis: PricingAnalysis) -> None:
    currency = analysis.currency
    top = (
        format_money(market.top_seller_average_price, currency)
        if market.top_seller_average_price is not None
        else "not available yet"
    )
    st.markdown(
        f"**Market used:** {md(segment_text(market, analysis))} (published, including yours).  \n"
        f"Median {md(format_money(market.median_price, currency))} · "
        f"average {md(format_money(market.average_price, currency))} · top-seller average {md(top)}"
    )
    st.caption(md(computed_caption(market)))
    notice = market.override_notice(currency)
    if notice:
        note = f" Their note: “{market.override_note}”" if market.override_note else ""
        st.info(md(notice + note), icon=":material/admin_panel_settings:")
    if market.thin_sample:
        st.warning(
            f"Based on only {format_count(market.sample_size)} listing{'' if market.sample_size == 1 else 's'}: "
            f"fewer than {MIN_CATEGORY_SAMPLE} comparable products, so treat the suggestion as a rough guide.",
            icon=":material/warning:",
        )


# ---------------------------------------------------------------- applying a price


@dataclass(frozen=True)
class PendingPrice:
    """A price change waiting for the seller's confirmation."""

    product_id: str
    title: str
    currency: str
    old_price: Decimal
    new_price: Decimal
    source: PriceChangeSource
    suggested_price: Decimal | None


def price_actions(analysis: PricingAnalysis, *, seller_id: str, user_id: str) -> None:
    """ "Apply suggested price" and "Set my own price"; both open one confirmation naming the old and new price."""
    suggested = analysis.suggested_price if analysis.available else None
    if suggested is not None:
        same = suggested == analysis.current_price
        if st.button(
            "Your price already matches the suggestion"
            if same
            else f"Apply suggested price ({format_money(suggested, analysis.currency)})",
            type="primary",
            icon=":material/price_check:",
            disabled=same,
            key="pricing_apply_suggested",
        ):
            st.session_state[KEY_CONFIRM] = _pending(analysis, suggested, PriceChangeSource.ANALYSIS)
    _confirmation(analysis, seller_id=seller_id, user_id=user_id)
    _manual_price_form(analysis)


def _pending(analysis: PricingAnalysis, new_price: Decimal, source: PriceChangeSource) -> PendingPrice:
    return PendingPrice(
        analysis.product_id,
        analysis.title,
        analysis.currency,
        analysis.current_price,
        new_price,
        source,
        analysis.suggested_price,
    )


def _confirmation(analysis: PricingAnalysis, *, seller_id: str, user_id: str) -> None:
    pending: PendingPrice | None = st.session_state.get(KEY_CONFIRM)
    if pending is None or pending.product_id != analysis.product_id:
        return
    with st.container(border=True, key="pricing_confirm_box"):
        st.markdown(
            f"**Change the price of “{md(pending.title)}” from {md(format_money(pending.old_price, pending.currency))} "
            f"to {md(format_money(pending.new_price, pending.currency))}?**  \nBuyers see the new price right away."
        )
        yes, no, _ = st.columns([1.2, 1, 3])
        confirmed = yes.button("Yes, change the price", type="primary", key="pricing_confirm_yes")
        cancelled = no.button("Cancel", key="pricing_confirm_no")
    if cancelled:
        del st.session_state[KEY_CONFIRM]
        st.rerun()
    if not confirmed:
        return
    del st.session_state[KEY_CONFIRM]
    try:
        with database_errors():
            applied = pricing_data.set_price(
                seller_id=seller_id,
                user_id=user_id,
                product_id=pending.product_id,
                title=pending.title,
                currency=pending.currency,
                new_price=pending.new_price,
                source=pending.source,
                suggested_price=pending.suggested_price,
            )
    except PriceValidationError as exc:
        st.session_state[KEY_MANUAL_ERROR] = (pending.product_id, str(exc))
    except LookupError:
        st.session_state[KEY_MANUAL_ERROR] = (pending.product_id, "This product is no longer available to change.")
    else:
        flash(FLASH, applied_message(applied), about=applied.product_id)
    st.rerun()


def validate_manual_price(text: str, analysis: PricingAnalysis) -> Decimal:
    """The typed price, or `PriceValidationError` with the message for the field (checked again on saving)."""
    amount = parse_price(text)
    if amount == analysis.current_price:
        raise PriceValidationError(f"{format_money(amount, analysis.currency)} is already this product's price.")
    p95 = analysis.market.p95_price if analysis.market is not None else None
    check_price_cap(amount, p95, analysis.currency)
    return amount


def _manual_price_form(analysis: PricingAnalysis) -> None:
    with st.form("pricing_manual_form", border=False, enter_to_submit=True):
        field, button = st.columns([2, 1], vertical_alignment="bottom")
        typed = field.text_input(
            "Set my own price",
            placeholder=f"e.g. {analysis.current_price:.2f}",
            help="A price in dollars with at most two decimals, like 14.99.",
            key=KEY_MANUAL_INPUT,
        )
        submitted = button.form_submit_button("Review my price", icon=":material/edit:")
        message = st.empty()
    stored = st.session_state.get(KEY_MANUAL_ERROR)
    if submitted:
        st.session_state.pop(KEY_MANUAL_ERROR, None)
        try:
            amount = validate_manual_price(typed, analysis)
        except PriceValidationError as exc:
            message.error(md(str(exc)), icon=":material/error:")
            st.session_state.pop(KEY_CONFIRM, None)
            return
        st.session_state[KEY_CONFIRM] = _pending(analysis, amount, PriceChangeSource.MANUAL)
        st.rerun()  # the confirmation is drawn above the form
    elif stored is not None and stored[0] == analysis.product_id:
        message.error(md(stored[1]), icon=":material/error:")
