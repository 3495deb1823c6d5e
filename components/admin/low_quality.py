"""The Low-quality listings page: threshold and filters, the worst published listings by their stored score a
page at a time (with how fresh those scores are), their weakest parts and 30-day views, and "Notify seller" for
the selected rows (an insight + an in-app notification per seller)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.data import database_errors
from components.data import listings as listing_data
from components.ui.empty import empty_state
from components.ui.flash import flash
from components.ui.format import format_local
from components.ui.labels import type_label
from core.listings import DEFAULT_THRESHOLD, LowQualityListing, LowQualityPage, NotifyReport, plural
from core.models import DigitalProductType

KEY_THRESHOLD, KEY_CATEGORY, KEY_TYPE, KEY_SELLER = "lq_threshold", "lq_category", "lq_type", "lq_seller"
KEY_PAGE = "lq_page"
FLASH = "low_quality"
KEY_GENERATION = "lq_generation"  # bumped after a notify: the next table starts with nothing selected
TABLE_KEY_PREFIX = "lq_table_"
ALL = "all"


def load(threshold: float, category_id: str | None, product_type: str | None, seller_id: str | None) -> LowQualityPage:
    """The current page of listings for the filters (the page number kept in the session, within the pages)."""
    page = max(1, int(st.session_state.get(KEY_PAGE, 1)))
    with database_errors():
        result = listing_data.low_quality(threshold, category_id, product_type, seller_id, page)
        if page > result.pages:  # the filters shrank the list under this page
            st.session_state[KEY_PAGE] = result.pages
            result = listing_data.low_quality(threshold, category_id, product_type, seller_id, result.pages)
    return result


# --------------------------------------------------------------------------- pure helpers


def notify_message(report: NotifyReport) -> str:
    """ "Notified 3 sellers about 5 listings; 2 listings already had a pending notice." """
    if report.insights_created:
        text = (
            f"Notified {plural(report.sellers_notified, 'seller')} about {plural(report.insights_created, 'listing')}"
        )
    else:
        text = "No seller notified"
    if report.skipped_duplicates:
        had = "listing already had" if report.skipped_duplicates == 1 else "listings already had"
        text += f"; {report.skipped_duplicates:,} {had} a pending notice"
    text += "."
    if report.not_found:
        gone = len(report.not_found)
        text += f" {plural(gone, 'listing')} no longer {'exists' if gone == 1 else 'exist'}."
    return text


def seller_choices(sellers: Sequence[tuple[str, str, int]]) -> dict[str, str]:
    """{seller id: "Name (n listings)"} in the given order (most listings first, then by name)."""
    return {sid: f"{name or '(no name)'} ({plural(count, 'listing')})" for sid, name, count in sellers}


# Short names of the score's dimensions, so the weakest three fit one table cell.
SHORT_DIMENSIONS = {
    "title_quality": "Title",
    "description_completeness": "Description",
    "image_quality": "Images",
    "seo_optimization": "SEO",
    "pricing_competitiveness": "Price",
    "tag_relevance": "Tags",
}


def weakest_text(row: LowQualityListing) -> str:
    """ "Images 0/20 · SEO 0/15 · Tags 2/10" (points of the dimensions that lost most, worst first)."""
    parts = [f"{SHORT_DIMENSIONS.get(w.key, w.label)} {w.points:g}/{w.max_points:g}" for w in row.weakest]
    return " · ".join(parts) or "—"


def category_text(row: LowQualityListing) -> str:
    return " · ".join(part for part in (row.category_name, type_label(row.product_type)) if part) or "—"


def table_columns(rows: Sequence[LowQualityListing]) -> dict[str, list[object]]:
    return {
        "Listing": [r.title for r in rows],
        "Seller": [r.seller_name for r in rows],
        "Score": [r.score for r in rows],
        "Weakest parts": [weakest_text(r) for r in rows],
        "Views 30 d": [r.views_30d for r in rows],
        "Category · type": [category_text(r) for r in rows],
        "Notified": [r.already_notified for r in rows],
    }


# Pixel widths that fit a laptop screen (1366 px with the sidebar open) without a horizontal scroll bar.
TABLE_CONFIG = {
    "Listing": st.column_config.TextColumn(width=165),
    "Seller": st.column_config.TextColumn(width=130),
    "Score": st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.0f", width=75),
    "Weakest parts": st.column_config.TextColumn(
        width=240, help="The dimensions that lost the most points: points scored / possible."
    ),
    "Views 30 d": st.column_config.NumberColumn(
        format="localized", width=70, help="Views in the last 30 complete days: fix the seen ones first."
    ),
    "Category · type": st.column_config.TextColumn(width=130),
    "Notified": st.column_config.CheckboxColumn(
        width=55,
        help="The seller already has an open insight about this listing (from their own insights or a notice from "
        "the team) that they have not acted on yet: notifying again adds nothing.",
    ),
}
TABLE_HEIGHT = 600  # about 16 rows; the list can hold thousands


# --------------------------------------------------------------------------- widgets


def _first_page() -> None:
    st.session_state[KEY_PAGE] = 1


def filters() -> tuple[float, str | None, str | None, DeltaGenerator]:
    """Threshold, category and type; also returns the row's last column, where the seller filter goes once the
    sellers with listings under these filters are known. Changing a filter goes back to the first page."""
    threshold_col, category_col, type_col, seller_col = st.columns([3, 2, 2, 3])
    threshold = threshold_col.slider(
        "Score below",
        min_value=5,
        max_value=100,
        value=int(DEFAULT_THRESHOLD),
        step=5,
        key=KEY_THRESHOLD,
        on_change=_first_page,
        help="Listing health score (0–100) under which a published listing counts as low quality.",
    )
    with database_errors():
        category_names = dict(listing_data.categories())
    category = category_col.selectbox(
        "Category",
        [ALL, *category_names],
        format_func=lambda c: "All categories" if c == ALL else category_names.get(c, c),
        key=KEY_CATEGORY,
        on_change=_first_page,
    )
    product_type = type_col.selectbox(
        "Type",
        [ALL, *(t.value for t in DigitalProductType)],
        format_func=lambda t: "All types" if t == ALL else type_label(t),
        key=KEY_TYPE,
        on_change=_first_page,
    )
    category_id = None if category == ALL else category
    return float(threshold), category_id, None if product_type == ALL else product_type, seller_col


def seller_filter(
    threshold: float, category_id: str | None, product_type: str | None, column: DeltaGenerator
) -> str | None:
    with database_errors():
        choices = seller_choices(listing_data.low_quality_seller_choices(threshold, category_id, product_type))
    if st.session_state.get(KEY_SELLER) not in (ALL, None, *choices):
        st.session_state[KEY_SELLER] = ALL  # that seller has no listing under the new filters
    chosen = column.selectbox(
        "Seller",
        [ALL, *choices],
        format_func=lambda s: f"All sellers ({len(choices):,})" if s == ALL else choices[s],
        key=KEY_SELLER,
        on_change=_first_page,
    )
    return None if chosen == ALL else chosen


def summary(result: LowQualityPage, threshold: float) -> None:
    first = (result.page - 1) * result.page_size + 1
    shown = f"showing {first:,}–{first + len(result.rows) - 1:,}" if result.rows else "none on this page"
    as_of = format_local(result.scored_as_of)
    st.caption(
        f"{plural(result.total, 'published listing')} score below {threshold:g}; {shown}, worst first (among equal "
        "scores the most viewed first)."
        + (
            f" Scores as of {as_of} or later: they are refreshed when a listing is edited or its price changes, and "
            "every night for the whole marketplace."
            if as_of
            else ""
        )
    )


def pager(result: LowQualityPage) -> None:
    if result.pages <= 1:
        return
    back, where, forward = st.columns([1, 2, 1], vertical_alignment="center")
    back.button(
        "Previous", icon=":material/chevron_left:", disabled=result.page == 1, on_click=_go, args=(result.page - 1,)
    )
    where.markdown(
        f"<div style='text-align:center'>Page {result.page:,} of {result.pages:,}</div>", unsafe_allow_html=True
    )
    forward.button(
        "Next",
        icon=":material/chevron_right:",
        disabled=result.page >= result.pages,
        on_click=_go,
        args=(result.page + 1,),
    )


def _go(page: int) -> None:
    st.session_state[KEY_PAGE] = page


def _table_key(rows: Sequence[LowQualityListing]) -> str:
    # A new table whenever the rows change, so a selection never slides onto other listings.
    generation = st.session_state.get(KEY_GENERATION, 0)
    signature = f"{generation}|{'|'.join(r.product_id for r in rows)}".encode()
    return TABLE_KEY_PREFIX + hashlib.sha1(signature, usedforsecurity=False).hexdigest()[:12]


def listing_table(rows: Sequence[LowQualityListing]) -> list[LowQualityListing]:
    """The table with multi-row selection; returns the selected listings."""
    event = st.dataframe(
        table_columns(rows),
        column_config=TABLE_CONFIG,
        hide_index=True,
        width="stretch",
        height=TABLE_HEIGHT if len(rows) > 15 else "content",
        on_select="rerun",
        selection_mode="multi-row",
        key=_table_key(rows),
    )
    return [rows[i] for i in event.selection.rows if i < len(rows)]


def notify_button(selected: Sequence[LowQualityListing], admin_user_id: str) -> None:
    if not selected:
        st.caption(":material/touch_app: Select one or more rows (the header box selects all) to notify their sellers.")
    sellers = len({r.seller_id for r in selected})
    label = (
        "Notify seller"
        if len(selected) <= 1
        else f"Notify {plural(sellers, 'seller')} about {plural(len(selected), 'listing')}"
    )
    clicked = st.button(
        label,
        type="primary",
        icon=":material/campaign:",
        disabled=not selected,
        help="Each seller gets an insight per listing naming its weakest parts, with a link to the Listing editor, "
        "and one in-app notification. A listing that already has an open insight (the seller's own or an earlier "
        "notice) is skipped: the seller keeps that one card.",
    )
    if not clicked:
        return
    try:
        with database_errors():
            report = listing_data.notify([r.product_id for r in selected], admin_user_id)
    except PermissionError:
        st.error("Only an active admin can notify sellers.", icon=":material/block:")
        return
    flash(FLASH, notify_message(report), icon=":material/mark_email_read:")
    st.session_state[KEY_GENERATION] = st.session_state.get(KEY_GENERATION, 0) + 1
    st.rerun()


def no_listings(threshold: float, filtered: bool) -> None:
    """The empty state, and a way to score every listing now when the nightly job has not stored any score yet."""
    score_now_button()
    if filtered:
        empty_state(
            f"No published listing scores below {threshold:g} with these filters. Choose another category or type, "
            "or raise the threshold.",
            icon=":material/filter_alt_off:",
        )
    else:
        empty_state(
            f"Every published listing scores {threshold:g} or more. Raise the threshold to review the next weakest.",
            icon=":material/verified:",
            good_news=True,
        )


def score_now_button() -> None:
    """ "Score all listings now": the nightly job's work on demand (a new marketplace, or a rule change before the
    night), with its progress."""
    with st.expander("Scores missing or out of date?"):
        st.caption(
            "Scores are stored and refreshed every night and whenever a seller edits a listing. Scoring every "
            "listing now takes about a minute per 100,000 listings."
        )
        if not st.button("Score all listings now", icon=":material/refresh:"):
            return
        with st.status("Scoring listings…", expanded=True) as status, database_errors():
            count = listing_data.score_all_now(progress=status.write)
            status.update(label=f"Scored {plural(count, 'listing')}.", state="complete", expanded=False)
        st.rerun()
