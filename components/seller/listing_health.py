"""The Listing health page's widgets: the portfolio score, band filter, sort and pages of listing cards with a
score gauge (from the stored scores), and the one open card's dimension bars, checks and suggestion checklist
(scored in full for that card only; deep link `?product=<id>`)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import streamlit as st

from components.charts.listings import score_gauge
from components.data import DatabaseError, database_errors, describe_database_error
from components.data import listing_editor as editor_data
from components.data import listings as listing_data
from components.ui.empty import empty_state
from components.ui.flash import flash, show_flash
from components.ui.format import format_count, format_local
from components.ui.kpi import tile
from components.ui.labels import type_label
from components.ui.text import md
from core.listings import (
    BAND_GREEN_ABOVE,
    BAND_RED_BELOW,
    CheckStatus,
    LastEdit,
    StoredScore,
    portfolio_score,
)
from core.money import format_money

EDITOR_PAGE = "pages/seller/listing_editor.py"
PAGE_SIZE = 20
KEY_BAND = "lh_band"
KEY_SORT = "lh_sort"
KEY_PAGE = "lh_page"
KEY_OPEN = "lh_open"  # the product whose card is open (one at a time: only it asks for suggestions)
KEY_PINNED = "lh_pinned"  # a product opened from a link, shown above the list
KEY_LINKED = "lh_linked"  # the product the URL was last synced to
FLASH = "listing_health"
KEY_DONE = "lh_done"  # suggestions ticked off, kept while the card is closed (widget state is not)

BANDS = ("red", "yellow", "green")
BAND_LABELS = {"red": "Needs work", "yellow": "Fair", "green": "Good"}
BAND_BADGE_COLORS = {"red": "red", "yellow": "orange", "green": "green"}
SORTS = {"score_asc": "Lowest score first", "score_desc": "Highest score first", "revenue": "Most revenue (90 days)"}
CHECK_ICONS = {
    CheckStatus.MET: ":green[:material/check_circle:]",
    CheckStatus.PARTIAL: ":orange[:material/contrast:]",
    CheckStatus.MISSING: ":red[:material/cancel:]",
    CheckStatus.NOT_JUDGED: ":gray[:material/help:]",
}
IMPACT_BADGES = {"high": ":red-badge[High impact]", "medium": ":orange-badge[Medium]", "low": ":gray-badge[Low]"}


# ---------------------------------------------------------------- pure helpers


@dataclass(frozen=True)
class PortfolioSummary:
    average: float | None
    listings: int
    drafts: int
    bands: Mapping[str, int]


def portfolio_summary(scored: Sequence[StoredScore]) -> PortfolioSummary:
    """The average score (core's `portfolio_score`) and how many listings fall in each band."""
    counts = Counter(s.band for s in scored)
    return PortfolioSummary(
        average=portfolio_score(scored),
        listings=len(scored),
        drafts=sum(1 for s in scored if s.status == "DRAFT"),
        bands={band: counts.get(band, 0) for band in BANDS},
    )


def select_listings(
    scored: Sequence[StoredScore], *, band: str | None, sort: str, revenue: Mapping[str, Decimal]
) -> list[StoredScore]:
    """The listings of `band` (all for None) in the chosen order; ties by title so pages stay stable."""
    chosen = [s for s in scored if band in (None, "all") or s.band == band]

    def title(s: StoredScore) -> tuple[str, str]:
        return s.title.lower(), s.product_id

    if sort == "score_desc":
        return sorted(chosen, key=lambda s: (-s.overall, *title(s)))
    if sort == "revenue":
        return sorted(chosen, key=lambda s: (-revenue.get(s.product_id, Decimal(0)), s.overall, *title(s)))
    return sorted(chosen, key=lambda s: (s.overall, *title(s)))


# ---------------------------------------------------------------- the top of the page


def editor_link(product_id: str, dimension: str | None) -> dict[str, str]:
    """The Listing editor's query parameters for a listing, opened at `dimension` (its section first)."""
    return {"product": product_id} | ({"dimension": dimension} if dimension else {})


def no_listings() -> None:
    empty_state(
        "You have no published or draft products yet. Create one and its listing health (title, description, "
        "images, SEO, price and tags) will be scored here.",
        icon=":material/inventory_2:",
    )
    st.page_link(EDITOR_PAGE, label="Create a product", icon=":material/add_circle:", query_params={"new": "1"})


def portfolio_header(summary: PortfolioSummary) -> None:
    average = summary.average or 0.0
    band = "red" if average < BAND_RED_BELOW else ("green" if average > BAND_GREEN_ABOVE else "yellow")
    gauge, overall, red, yellow, green = st.columns([0.9, 1.3, 1, 1, 1], vertical_alignment="center")
    with gauge:
        st.altair_chart(score_gauge(average, band, size=110), width="content")
    drafts = (
        f", {format_count(summary.drafts)} of them draft{'' if summary.drafts == 1 else 's'}" if summary.drafts else ""
    )
    with overall:
        tile(
            "Portfolio health",
            f"{average:g} / 100",
            help=f"The average score of your {format_count(summary.listings)} listings{drafts}.",
        )
    with red:
        tile(f"Needs work (< {BAND_RED_BELOW:g})", format_count(summary.bands["red"]))
    with yellow:
        tile(f"Fair ({BAND_RED_BELOW:g}–{BAND_GREEN_ABOVE:g})", format_count(summary.bands["yellow"]))
    with green:
        tile(f"Good (> {BAND_GREEN_ABOVE:g})", format_count(summary.bands["green"]))


def flash_message() -> None:
    """The outcome of the last "Re-score", as a toast."""
    show_flash(FLASH)


def handle_deep_link(scored: Sequence[StoredScore]) -> None:
    """`?product=<id>` opens that card above the list, when the product is one of the seller's listed ones."""
    requested = st.query_params.get("product")
    if not requested or requested == st.session_state.get(KEY_LINKED):
        return
    st.session_state[KEY_LINKED] = requested
    if any(s.product_id == requested for s in scored):
        st.session_state[KEY_OPEN] = requested
        st.session_state[KEY_PINNED] = requested
    else:
        st.info("The product in this link is not one of your listings, so it was ignored.", icon=":material/link_off:")


def sync_url() -> None:
    """Keep `?product=` naming the open card, so the address can be bookmarked or shared with a colleague."""
    opened = st.session_state.get(KEY_OPEN)
    if opened:
        st.query_params["product"] = opened
    elif "product" in st.query_params:
        del st.query_params["product"]
    st.session_state[KEY_LINKED] = opened


def filters(summary: PortfolioSummary) -> tuple[str | None, str]:
    """The band to show (None: all) and the sort order; changing either goes back to the first page."""
    band_col, sort_col = st.columns([3, 1.3], vertical_alignment="bottom")
    counts = {"all": summary.listings, **summary.bands}
    band = band_col.segmented_control(
        "Show",
        options=["all", *BANDS],
        format_func=lambda b: f"{'All' if b == 'all' else BAND_LABELS[b]} ({format_count(counts[b])})",
        default="all",
        key=KEY_BAND,
        on_change=_first_page,
    )
    sort = sort_col.selectbox(
        "Sort by", options=list(SORTS), format_func=SORTS.__getitem__, key=KEY_SORT, on_change=_first_page
    )
    return (None if band in (None, "all") else band), sort


def _first_page() -> None:
    st.session_state[KEY_PAGE] = 1


# ---------------------------------------------------------------- cards


def listing_page(listings: Sequence[StoredScore], *, seller_id: str, revenue: Mapping[str, Decimal]) -> None:
    """One page of cards (`PAGE_SIZE`), the card opened from a link pinned above them, and the pager."""
    pinned = st.session_state.get(KEY_PINNED)
    pinned_item = next((s for s in listings if s.product_id == pinned), None) if pinned else None
    if pinned and pinned_item is None:
        pinned_item = next((s for s in listing_data.stored_scores(seller_id) if s.product_id == pinned), None)
    if pinned_item is not None and st.session_state.get(KEY_OPEN) == pinned:
        st.markdown("**Opened from your link**")
        listing_card(pinned_item, seller_id=seller_id, revenue=revenue, pinned=True)
        st.markdown("**All listings**")
    if not listings:
        empty_state("No listing in this band right now. Choose another filter above.", icon=":material/filter_alt_off:")
        return
    pages = max(1, math.ceil(len(listings) / PAGE_SIZE))
    page = min(max(1, int(st.session_state.get(KEY_PAGE, 1))), pages)
    st.session_state[KEY_PAGE] = page
    first = (page - 1) * PAGE_SIZE
    shown = listings[first : first + PAGE_SIZE]
    st.caption(f"Showing {first + 1}–{first + len(shown)} of {len(listings)} listings.")
    for item in shown:
        listing_card(item, seller_id=seller_id, revenue=revenue)
    if pages > 1:
        back, where, forward = st.columns([1, 2, 1], vertical_alignment="center")
        back.button("Previous", icon=":material/chevron_left:", disabled=page == 1, on_click=_go, args=(page - 1,))
        where.markdown(f"<div style='text-align:center'>Page {page} of {pages}</div>", unsafe_allow_html=True)
        forward.button("Next", icon=":material/chevron_right:", disabled=page == pages, on_click=_go, args=(page + 1,))


def _go(page: int) -> None:
    st.session_state[KEY_PAGE] = page
    st.session_state[KEY_OPEN] = None
    st.session_state[KEY_PINNED] = None


def listing_card(item: StoredScore, *, seller_id: str, revenue: Mapping[str, Decimal], pinned: bool = False) -> None:
    pid = item.product_id
    is_open = st.session_state.get(KEY_OPEN) == pid and (pinned or st.session_state.get(KEY_PINNED) != pid)
    prefix = "lh_pin" if pinned else "lh"
    with st.container(border=True, key=f"{prefix}_card_{pid}"):
        gauge, body, actions = st.columns([0.9, 6, 1.4], gap="medium", vertical_alignment="center")
        with gauge:
            st.altair_chart(score_gauge(item.overall, item.band), width="content")
        with body:
            draft = " :gray-badge[Draft]" if item.status == "DRAFT" else ""
            badges = f":{BAND_BADGE_COLORS[item.band]}-badge[{BAND_LABELS[item.band]}]{draft}"
            st.markdown(f"**{md(item.title or 'Untitled product')}** {badges}")
            facts = [
                type_label(item.product_type),
                item.category_name or "no category",
                "no price" if item.price is None else format_money(Decimal(str(item.price))),
                f"{format_money(revenue.get(pid, Decimal(0)))} revenue in 90 days",
            ]
            gap = item.biggest_gap()
            hint = f"Most to win: {md(gap[1])} (+{gap[2]:g} points)" if gap else "Nothing left to win: well done."
            st.caption(md(" · ".join(f for f in facts if f)) + "  \n" + hint)
            edited = _last_edit(seller_id, pid)
            if edited is not None:
                st.caption(f":material/history: {md(edit_note(edited))}")
        with actions:
            weakest = gap[0] if gap else None
            st.page_link(
                EDITOR_PAGE,
                label="Fix now" if weakest else "Edit",
                icon=":material/build:" if weakest else ":material/edit:",
                query_params=editor_link(pid, weakest),
                help="Open this listing in the editor at the dimension with the most points to win.",
            )
            st.button(
                "Hide details" if is_open else "Details",
                icon=":material/expand_less:" if is_open else ":material/expand_more:",
                key=f"{prefix}_toggle_{pid}",
                on_click=_toggle,
                args=(pid, is_open),
                width="stretch",
            )
            st.button(
                "Re-score",
                icon=":material/refresh:",
                key=f"{prefix}_rescore_{pid}",
                on_click=_rescore,
                args=(seller_id, pid, item.title),
                type="tertiary",
                width="stretch",
            )
        if is_open:
            card_details(item, seller_id=seller_id, key_prefix=prefix)


def _toggle(product_id: str, is_open: bool) -> None:
    st.session_state[KEY_OPEN] = None if is_open else product_id
    st.session_state[KEY_PINNED] = None


def edit_note(edit: LastEdit) -> str:
    """ "Last edited Dec 06, 21:14: score 20 → 65" (whole points, as the edit's audit row keeps them)."""
    when = format_local(edit.edited_at)
    if edit.score_before is None:
        return f"Created {when}: score {edit.score_after}"
    return f"Last edited {when}: score {edit.score_before} → {edit.score_after}"


def _last_edit(seller_id: str, product_id: str) -> LastEdit | None:
    try:
        return editor_data.recent_edits(seller_id).get(product_id)
    except DatabaseError:  # the note is a nicety: the card shows without it
        return None


def since_edit(before: float | None, now: float, edit: LastEdit | None) -> str | None:
    """When "Re-score" finds the score the page already showed because the listing was saved in the editor (which
    refreshes the page's scores), the change that last edit made ("Dec 06, 21:14: score 20 → 65"); else None."""
    if before is None or before != now or edit is None or edit.score_before is None:
        return None
    if edit.score_before == edit.score_after:
        return None
    return edit_note(edit).removeprefix("Last edited ")


def _rescore(seller_id: str, product_id: str, title: str) -> None:
    try:
        before, now = listing_data.rescore(seller_id, product_id)
    except LookupError:
        _toast(f"“{md(title)}” is no longer one of your listings.")
        return
    except DatabaseError as exc:
        _toast(describe_database_error(exc, doing="re-score that listing")[0])
        return
    since = since_edit(before, now, _last_edit(seller_id, product_id))
    if since is not None:
        _toast(f"Re-scored “{md(title)}”: {now:g}, unchanged since your edit ({md(since)}).")
        return
    change = "unchanged" if before == now else f"{before:g} → {now:g}" if before is not None else f"now {now:g}"
    _toast(f"Re-scored “{md(title)}”: {change}.")


def _toast(message: str) -> None:
    flash(FLASH, message, kind="toast", icon=":material/refresh:")


def _tick(token: str, key: str) -> None:
    done: set[str] = st.session_state.setdefault(KEY_DONE, set())
    if st.session_state[key]:
        done.add(token)
    else:
        done.discard(token)


def card_details(stored: StoredScore, *, seller_id: str, key_prefix: str) -> None:
    """Each dimension as a progress bar with its checklist, and the suggestions as a to-do list (the listing
    scored in full now, for this card only)."""
    pid = stored.product_id
    st.divider()
    try:
        with database_errors():
            item = listing_data.listing_score(seller_id, pid)
    except LookupError:
        st.info("This listing is no longer one of yours.", icon=":material/search_off:")
        return
    scores, todo = st.columns(2, gap="large")
    with scores:
        st.markdown("**Score by dimension**")
        for dim in item.score.dimensions:
            st.progress(dim.points / dim.max_points, text=f"{md(dim.label)} — {dim.points:g} / {dim.max_points:g}")
            st.caption("  \n".join(f"{CHECK_ICONS[c.status]} {md(c.rule)}: {md(c.detail)}" for c in dim.checks))
    with todo:
        st.markdown("**What to fix**")
        with database_errors():
            suggestions = listing_data.suggestions_for(seller_id, pid)
        if not suggestions.items:
            st.success("Nothing left to fix on this listing.", icon=":material/verified:")
        labels = {dim.key: dim.label for dim in item.score.dimensions}
        done: set[str] = st.session_state.setdefault(KEY_DONE, set())
        for i, s in enumerate(suggestions.items):
            token, key = f"{pid}|{s.dimension}|{s.suggestion}", f"{key_prefix}_todo_{pid}_{i}"
            # A short label: Streamlit cuts a checkbox label to one line inside columns, so the advice goes below.
            ticked = st.checkbox(
                f"**{md(labels.get(s.dimension, s.dimension))}** {IMPACT_BADGES.get(s.impact, '')}",
                value=token in done,
                key=key,
                on_change=_tick,
                args=(token, key),
            )
            st.caption(f"~~{md(s.suggestion)}~~" if ticked else md(s.suggestion))
            if not ticked:
                st.page_link(
                    EDITOR_PAGE,
                    label=f"Fix in the editor: {md(labels.get(s.dimension, s.dimension))}",
                    icon=":material/edit:",
                    query_params=editor_link(pid, s.dimension),
                )
        st.caption(
            "Tick items off as you fix them (kept until you log out).  \n"
            f":material/smart_toy: {md(suggestions.engine_label)}"
        )
        if item.status == "PUBLISHED" and item.score.dimension("pricing_competitiveness").actionable_gap > 0:
            st.page_link(
                "pages/seller/pricing_tool.py",
                label="Check this price in the Pricing tool",
                icon=":material/attach_money:",
                query_params={"product": pid},
            )
