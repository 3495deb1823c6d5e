"""The Performance page's product recommendations: "Refresh recommendations" (one per published product, with a
progress bar), the new ones (action badge, confidence, reason, the numbers behind it, accept / dismiss, a link to
the Pricing tool for "reprice"), and the decided ones with the outcome measured 30 days after an acceptance."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import streamlit as st

from components.data import DatabaseError, database_errors, describe_database_error
from components.data import pricing as pricing_data
from components.data import recommendations as data
from components.shell.navigation import script_for
from components.ui.empty import empty_state
from components.ui.flash import flash, show_flash
from components.ui.format import format_count, format_local
from components.ui.text import md
from core import urls
from core.money import format_money, format_percent, format_share
from core.periods import format_day
from core.sales.recommendations import RecommendationRow

FLASH = "performance_recommendations"
ACTION_BADGES = {
    "keep": ":gray-badge[:material/check: Keep]",
    "promote": ":blue-badge[:material/campaign: Promote]",
    "reprice": ":orange-badge[:material/sell: Reprice]",
    "drop": ":red-badge[:material/delete: Drop]",
}
STATUS_BADGES = {"accepted": ":green-badge[Accepted]", "dismissed": ":gray-badge[Dismissed]"}
DIRECTION_WORDS = {"lower": "lower the price", "raise": "raise the price"}


def render(seller_id: str, user_id: str, today: date) -> None:
    """Draw the seller's product recommendations (keep / promote / reprice / drop) with accept and dismiss."""
    st.subheader("What to do with each product")
    st.caption(
        "Keep, promote, reprice or drop: one recommendation per published product from its last 30 days against "
        "comparable listings, with how sure it is. Accept one and its result is measured 30 days later."
    )
    show_flash(FLASH)
    with database_errors():
        products = pricing_data.seller_products(seller_id)
        rows = data.seller_recommendations(seller_id)
    if not products and not rows:
        empty_state(
            "You have no published products yet: recommendations start with your first published listing.",
            icon=":material/inventory_2:",
        )
        return
    if products:
        _refresh_button(seller_id, len(products))
    new = [r for r in rows if r.status == "new"]
    decided = [r for r in rows if r.status != "new"]
    if not new:
        st.info("No open recommendations. Refresh to get one for each published product.", icon=":material/info:")
    for row in new:
        _new_card(row, seller_id=seller_id, user_id=user_id)
    if decided:
        st.markdown("##### Your decisions")
        for row in decided:
            _decided_card(row, today=today)


# ---------------------------------------------------------------- refreshing


def _refresh_button(seller_id: str, count: int) -> None:
    if not st.button(
        "Refresh recommendations", icon=":material/refresh:", key="recommendations_refresh", type="secondary"
    ):
        return
    bar = st.progress(0.0, text=f"Looking at {format_count(count)} products…")

    def progress(done: int, total: int, title: str) -> None:
        bar.progress(done / total, text=f"Looked at {format_count(done)} of {format_count(total)}: {md(title)}")

    with database_errors():
        stored = data.refresh_recommendations(seller_id, progress)
    bar.empty()
    flash(FLASH, f"{format_count(stored)} recommendations refreshed.", icon=":material/auto_awesome:")
    st.rerun()


# ---------------------------------------------------------------- cards


def _decide(seller_id: str, user_id: str, recommendation_id: str, accept: bool) -> None:
    try:
        data.decide_recommendation(seller_id, user_id, recommendation_id, accept=accept)
    except (LookupError, ValueError) as exc:
        flash(FLASH, md(str(exc)), kind="warning")
        return
    except DatabaseError as exc:  # a callback cannot stop the page: the message waits for the rerun
        message, icon = describe_database_error(exc, doing="save your decision")
        flash(FLASH, message, kind="error", icon=icon)
        return
    if accept:
        flash(FLASH, "Accepted: its result will be measured 30 days from today.", icon=":material/task_alt:")
    else:
        flash(FLASH, "Dismissed.", icon=":material/close:")


def _heading(row: RecommendationRow) -> str:
    words = ""
    direction = row.evidence.get("direction")
    if row.action == "reprice" and direction in DIRECTION_WORDS:
        words = f" ({DIRECTION_WORDS[direction]})"
    return f"{ACTION_BADGES.get(row.action, row.action)}{words} **{md(row.title)}** · confidence {row.confidence}/100"


def _engine_line(engine: str) -> str:
    if engine == "offline":
        return "Written by the offline rules"
    return f"Written by Claude ({engine.partition(':')[2] or engine})"


def _new_card(row: RecommendationRow, *, seller_id: str, user_id: str) -> None:
    with st.container(border=True):
        st.markdown(_heading(row))
        st.markdown(md(row.reason))
        st.caption(md(f"{_engine_line(row.engine)} · {format_local(row.created_at, '%b %d, %H:%M')}"))
        with st.expander("The numbers behind it"):
            st.dataframe(evidence_table(row.evidence), hide_index=True, width="stretch")
        accept, dismiss, extra = st.columns([2, 2, 5], vertical_alignment="center")
        with accept:
            st.button(
                "Accept",
                key=f"rec_accept_{row.id}",
                icon=":material/task_alt:",
                on_click=_decide,
                args=(seller_id, user_id, row.id, True),
            )
        with dismiss:
            st.button(
                "Dismiss",
                key=f"rec_dismiss_{row.id}",
                icon=":material/close:",
                on_click=_decide,
                args=(seller_id, user_id, row.id, False),
            )
        with extra:
            _action_link(row)


def _action_link(row: RecommendationRow) -> None:
    if row.action == "reprice":
        url = urls.page_link(urls.PRICING, product=row.product_id)
        parts = urlsplit(url)
        script = script_for(parts.path)
        if script is not None:
            st.page_link(
                script,
                label="Open in the Pricing tool",
                icon=":material/sell:",
                query_params=dict(parse_qsl(parts.query)),
            )
    elif row.action == "promote":
        st.caption("A post generator for promoting products is not built yet: share it on your own channels.")


def _decided_card(row: RecommendationRow, *, today: date) -> None:
    with st.container(border=True):
        st.markdown(f"{STATUS_BADGES.get(row.status, '')} {_heading(row)}")
        when = format_local(row.decided_at, "%b %d, %Y") if row.decided_at else ""
        if row.status == "dismissed":
            st.caption(f"Dismissed on {when}.")
            return
        if row.outcome is None:
            due = row.outcome_due_on
            st.caption(
                f"Accepted on {when}. Its result is measured on {format_day(due)}." if due else f"Accepted on {when}."
            )
            return
        st.markdown(md(outcome_sentence(row.outcome)))  # md(): "$12 vs $10" must not turn into a formula
        effect = row.outcome.get("price_effect")
        if effect:
            st.caption(md(price_effect_sentence(effect)))


# ---------------------------------------------------------------- words and tables (pure)


def _signed(value: float | None) -> str:
    return "—" if value is None else format_percent(value, places=0, signed=True)


def outcome_sentence(outcome: dict[str, Any]) -> str:
    """ "After 30 days: revenue +44 %, orders +60 %, visits -20 %, conversion +100 % against the 30 days before.
    No clear change in orders per day (p = 0.581)." """
    c = outcome.get("changes", {})
    parts = [
        f"revenue {_signed(c.get('revenue'))}",
        f"orders {_signed(c.get('orders'))}",
        f"visits {_signed(c.get('visits'))}",
        f"conversion {_signed(c.get('conversion'))}",
    ]
    after, before = outcome.get("after", {}), outcome.get("baseline", {})
    money = (
        f" ({format_money(after.get('revenue'))} vs {format_money(before.get('revenue'))})"
        if after.get("revenue") is not None and before.get("revenue") is not None
        else ""
    )
    verdict = outcome.get("verdict", {}).get("text", "")
    return f"After 30 days: {', '.join(parts)} against the 30 days before{money}. {verdict}."


def price_effect_sentence(effect: dict[str, Any]) -> str:
    before, after = effect["before"], effect["after"]
    return (
        f"Price change: {before['orders']} orders in {before['days']} days before, {after['orders']} in "
        f"{after['days']} days after. {effect['verdict']['text']}."
    )


def evidence_table(evidence: dict[str, Any]) -> list[dict[str, str]]:
    """The stored numbers as (figure, value) rows for the expander."""
    currency = evidence.get("currency") or "USD"

    def money(key: str) -> str:
        value = evidence.get(key)
        return "—" if value is None else format_money(value, currency)

    def share(key: str) -> str:
        return format_share(evidence.get(key), places=2)

    ratio = evidence.get("price_ratio")
    trend = evidence.get("revenue_change_percent")
    score = evidence.get("listing_score")
    rows = [
        ("Views (30 days)", format_count(evidence.get("views", 0))),
        ("Add-to-cart (30 days)", format_count(evidence.get("add_to_cart", 0))),
        ("Orders (30 days)", format_count(evidence.get("orders", 0))),
        ("Conversion (orders ÷ views)", share("conversion")),
        (
            f"Segment median conversion ({evidence.get('segment_products', 0)} {evidence.get('segment_label', '')}, "
            "≥ 20 views)",
            share("segment_median_conversion"),
        ),
        ("Revenue (30 days)", money("revenue")),
        ("Revenue (the 30 days before)", money("previous_revenue")),
        ("Revenue trend", _signed(trend)),
        ("Price", money("price")),
        ("Benchmark median price", money("benchmark_median_price")),
        ("Price vs benchmark", "—" if ratio is None else format_percent((ratio - 1) * 100, places=0, signed=True)),
        ("Listing score", "—" if score is None else f"{score:.0f}/100"),
        ("Orders (90 days)", format_count(evidence.get("orders_90d", 0))),
    ]
    return [{"Figure": label, "Value": value} for label, value in rows]
