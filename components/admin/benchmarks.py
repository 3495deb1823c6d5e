"""The admin Benchmarks page's widgets: filters, the benchmark table with its override editor (save with per-row
errors, clear), and "Recalculate now" with its progress and outcome."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from components.data import benchmarks as benchmark_data
from components.ui.empty import empty_state
from components.ui.flash import flash
from components.ui.format import format_count, format_local
from components.ui.labels import type_label
from components.ui.text import md
from core.accounts import Account
from core.config import get_settings
from core.market import ALL_CATEGORIES_LABEL, THIN_SAMPLE_SIZE, BenchmarkView, overrides
from core.models import JobStatus
from core.money import format_money
from core.ops import LOCKED, PERIOD_DONE
from core.periods import format_day

NONCE_KEY = "bench_admin_nonce"  # a new editor key after each save, so the editor shows the saved rows afresh
FLASH = "benchmarks"
EDITOR_KEY = "bench_admin_editor"
PENDING_KEY = "bench_admin_far_pending"  # the sentences of overrides waiting for their second confirmation
ANY = "Any"
TYPE_WIDE = f"{ALL_CATEGORIES_LABEL} (type-wide rows)"

# Editable columns -> `set_benchmark_override` fields.
EDITABLE = {
    "Average override": "average_price",
    "Median override": "median_price",
    "Top-seller avg override": "top_seller_avg_price",
    "Override note": "note",
}
COMPUTED = [
    "Type",
    "Category",
    "Average",
    "Median",
    "Range",
    "P10–P90",
    "Rating",
    "Monthly sales",
    "Top-seller avg",
    "Sample size",
    "Thin sample",
    "Calculated",
]
AUDIT = "Override by"
# Each override sits right after the figure it replaces, so both are on screen without scrolling sideways.
COLUMN_ORDER = [
    "Type",
    "Category",
    "Median",
    "Median override",
    "Average",
    "Average override",
    "Top-seller avg",
    "Top-seller avg override",
    "Override note",
    AUDIT,
    "P10–P90",
    "Range",
    "Rating",
    "Monthly sales",
    "Sample size",
    "Thin sample",
    "Calculated",
]


def row_label(view: BenchmarkView) -> str:
    return f"{type_label(view.product_type)} · {view.category_name}"


@dataclass(frozen=True)
class Filters:
    product_type: str | None  # None: any type
    category: str | None  # None: any; a category id; or TYPE_WIDE for the all-categories rows


def _type_option(value: str) -> str:
    return value if value == ANY else type_label(value)


def filters(views: Sequence[BenchmarkView]) -> Filters:
    types = sorted({str(v.product_type.value) for v in views})
    names = {v.category_id: v.category_name for v in views if v.category_id is not None}
    left, right = st.columns(2)
    with left:
        chosen_type = st.selectbox("Product type", [ANY, *types], format_func=_type_option)
    with right:
        options = [ANY, TYPE_WIDE, *sorted(names, key=lambda c: names[c].lower())]
        chosen = st.selectbox("Category", options, format_func=lambda c: names.get(c, c))
    return Filters(None if chosen_type == ANY else chosen_type, None if chosen == ANY else chosen)


def apply_filters(views: Sequence[BenchmarkView], chosen: Filters) -> list[BenchmarkView]:
    """Same rows as `list_benchmarks(product_type=…, category_id=…)`, plus a filter for the type-wide rows."""
    out = []
    for view in views:
        if chosen.product_type is not None and str(view.product_type.value) != chosen.product_type:
            continue
        if chosen.category == TYPE_WIDE and view.category_id is not None:
            continue
        if chosen.category not in (None, TYPE_WIDE) and view.category_id != chosen.category:
            continue
        out.append(view)
    return out


# ---------------------------------------------------------------- the table and its editor


def _money(value: Any) -> float | None:
    return None if value is None else float(value)


def benchmark_frame(views: Sequence[BenchmarkView]) -> pd.DataFrame:
    """One row per benchmark: computed figures, then the override columns (empty = computed figure used)."""
    rows = []
    for v in views:
        audit = f"{v.overridden_by_name or 'an admin'}, {format_local(v.overridden_at)}" if v.overridden_at else ""
        rows.append(
            {
                "Type": type_label(v.product_type),
                "Category": v.category_name,
                "Average": _money(v.average_price),
                "Median": _money(v.median_price),
                "Range": f"{format_money(v.price_min)} – {format_money(v.price_max)}",
                "P10–P90": (
                    f"{format_money(v.p10_price)} – {format_money(v.p90_price)}" if v.has_distribution else "not yet"
                ),
                "Rating": _money(v.average_rating),
                "Monthly sales": _money(v.average_sales_per_month),
                "Top-seller avg": _money(v.top_sellers.avg_price),
                "Sample size": v.sample_size,
                "Thin sample": v.thin_sample,
                "Calculated": format_local(v.calculated_at),
                "Average override": _money(v.override_average_price),
                "Median override": _money(v.override_median_price),
                "Top-seller avg override": _money(v.override_top_seller_avg_price),
                "Override note": v.override_note or "",
                AUDIT: audit,
            }
        )
    return pd.DataFrame(rows, columns=[*COMPUTED, *EDITABLE, AUDIT])


def _column_config() -> dict[str, Any]:
    money = {"format": "dollar"}
    override_help = "Leave empty to use the computed figure. Positive, at most two decimals."
    return {
        "Average": st.column_config.NumberColumn(help="Average price of the segment's published products", **money),
        "Median": st.column_config.NumberColumn(**money),
        "Rating": st.column_config.NumberColumn(format="%.2f ★"),
        "Monthly sales": st.column_config.NumberColumn(format="%.2f", help="Units sold per product per month"),
        "Top-seller avg": st.column_config.NumberColumn(help="Average price of the top 10% sellers", **money),
        "Sample size": st.column_config.NumberColumn(help="Published products in the segment"),
        "Thin sample": st.column_config.CheckboxColumn(help=f"Fewer than {THIN_SAMPLE_SIZE} products: treat with care"),
        "Average override": st.column_config.NumberColumn(help=override_help, step=0.01, **money),
        "Median override": st.column_config.NumberColumn(help=override_help, step=0.01, **money),
        "Top-seller avg override": st.column_config.NumberColumn(help=override_help, step=0.01, **money),
        "Override note": st.column_config.TextColumn(
            help="Why the marketplace team set it (sellers see it beside the overridden figure on the Pricing tool)",
            max_chars=overrides.NOTE_MAX_CHARS,
        ),
        "P10–P90": st.column_config.TextColumn(
            help="Where 80 % of the segment's listing prices are; an override outside it needs a second confirmation"
        ),
        AUDIT: st.column_config.TextColumn(help="Who set the override, and when"),
    }


def editor_key() -> str:
    return f"{EDITOR_KEY}_{st.session_state.get(NONCE_KEY, 0)}"


def override_editor(views: Sequence[BenchmarkView]) -> str:
    """The table with its three override columns and note editable; returns the editor's session-state key."""
    key = editor_key()
    st.data_editor(
        benchmark_frame(views),
        key=key,
        hide_index=True,
        num_rows="fixed",
        disabled=[*COMPUTED, AUDIT],
        column_order=COLUMN_ORDER,
        placeholder="—",
        column_config=_column_config(),
        width="stretch",
    )
    return key


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str) and not value)


def collect_edits(
    views: Sequence[BenchmarkView], edited_rows: Mapping[Any, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The data editor's `edited_rows` ({position: {column: value}}) as benchmark id -> the row's whole override.

    Unedited override fields keep their stored value; rows whose override ends up unchanged are left out.
    """
    edits: dict[str, dict[str, Any]] = {}
    for position, changes in edited_rows.items():
        view = views[int(position)]
        stored = {
            "average_price": view.override_average_price,
            "median_price": view.override_median_price,
            "top_seller_avg_price": view.override_top_seller_avg_price,
            "note": view.override_note,
        }
        row = dict(stored)
        for column, value in changes.items():
            if column in EDITABLE:
                row[EDITABLE[column]] = None if _blank(value) else value
        if _differs(row, stored):
            edits[view.id] = row
    return edits


def _normalized(field: str, value: Any) -> Any:
    if field == "note":
        return (value or "").strip() or None
    if _blank(value):
        return None
    try:
        return overrides.parse_override_price(value, field)
    except overrides.OverrideValidationError:
        return ("invalid", str(value))  # differs from any stored value: the save reports it


def _differs(row: Mapping[str, Any], stored: Mapping[str, Any]) -> bool:
    return any(_normalized(field, row[field]) != _normalized(field, stored[field]) for field in row)


def save_edits(account: Account, views: Sequence[BenchmarkView], key: str, *, confirm_far: bool = False) -> None:
    """Validate and save every edited row in one transaction; per-row errors below the table, nothing written.

    An override outside the computed p10–p90 is not saved until confirmed: the sentences to confirm are kept
    in the session (`PENDING_KEY`) and `far_confirmation` asks for them.
    """
    state = st.session_state.get(key) or {}
    edits = collect_edits(views, state.get("edited_rows", {}))
    if not edits:
        st.info("Nothing changed: edit an override cell first.", icon=":material/info:")
        return
    by_id = {v.id: v for v in views}
    try:
        saved = benchmark_data.save_overrides(account.user_id, edits, confirm_far=confirm_far)
    except overrides.OverrideConfirmationNeeded as exc:
        st.session_state[PENDING_KEY] = {
            f"{row_label(by_id[bid])}: {sentence}" for bid, found in exc.warnings.items() for sentence in found.values()
        }
        return
    except overrides.OverrideBatchError as exc:
        st.error("Nothing was saved. Fix these values and save again:", icon=":material/error:")
        for benchmark_id, errors in exc.errors.items():
            for message in errors.values():
                st.markdown(f"- **{md(row_label(by_id[benchmark_id]))}**: {md(message)}")
        return
    except LookupError as exc:
        st.error(f"Nothing was saved: {md(str(exc))} Reload the page.", icon=":material/error:")
        return
    except PermissionError as exc:
        st.error(md(str(exc)), icon=":material/block:")
        return
    # The save forgot every cached answer: sellers' pricing and market pages show the new reference figures.
    st.session_state.pop(PENDING_KEY, None)
    st.session_state[NONCE_KEY] = st.session_state.get(NONCE_KEY, 0) + 1
    flash(FLASH, f"Saved the override of {format_count(saved)} benchmark{'s' if saved != 1 else ''}.")
    st.rerun()


def far_confirmation(account: Account, views: Sequence[BenchmarkView], key: str) -> None:
    """The second confirmation of overrides far from the computed figures: one checkbox per figure, then save."""
    pending: set[str] | None = st.session_state.get(PENDING_KEY)
    if not pending:
        return
    with st.container(border=True, key="bench_far_confirm"):
        st.warning(
            "Nothing was saved yet: these overrides are far from the computed figures (outside the 10th–90th "
            "percentile of the segment's prices). Sellers will see them flagged “set by the marketplace team”; "
            "their pricing advice keeps using the computed figures.",
            icon=":material/warning:",
        )
        ticks = [st.checkbox(md(sentence), key=f"bench_far_{i}") for i, sentence in enumerate(sorted(pending))]
        confirm, cancel, _ = st.columns([1.3, 1, 3])
        if confirm.button("Save anyway", type="primary", disabled=not all(ticks), key="bench_far_save"):
            save_edits(account, views, key, confirm_far=True)
        if cancel.button("Cancel", key="bench_far_cancel"):
            st.session_state.pop(PENDING_KEY, None)
            st.rerun()


def clear_control(account: Account, views: Sequence[BenchmarkView]) -> None:
    """Pick an overridden row and clear its override (the computed figures are used again)."""
    overridden = [v for v in views if v.overridden_at is not None]
    if not overridden:
        return
    labels = {v.id: row_label(v) for v in overridden}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    with left:
        chosen = st.selectbox("Overridden benchmark", list(labels), format_func=labels.get, key="bench_admin_clear")
    with right:
        if st.button("Clear override", icon=":material/restart_alt:", width="stretch"):
            benchmark_data.clear_override(account.user_id, chosen)
            st.session_state[NONCE_KEY] = st.session_state.get(NONCE_KEY, 0) + 1
            flash(FLASH, f"Cleared the override of {md(labels[chosen])}: the computed figures apply.")
            st.rerun()


def computed_note(views: Sequence[BenchmarkView]) -> None:
    """ "Market figures computed nightly; last on Dec 6, 2026." — the same words as the sellers' pages."""
    last = max(v.calculated_at for v in views).astimezone(get_settings().timezone).date()
    st.caption(f"Market figures computed nightly; last on {format_day(last)}.")


def no_benchmarks() -> None:
    empty_state(
        "No benchmarks yet. They are calculated every day at 03:00 from the published products and the last 90 "
        "days of sales; press **Recalculate now** to calculate them right away.",
        icon=":material/analytics:",
    )


# ---------------------------------------------------------------- "Recalculate now"


def recalculate_control(account: Account) -> None:
    """The button, with the outcome in an `st.status` box (ok / already done this minute / job running / failed)."""
    left, right = st.columns([1, 3], vertical_alignment="center")
    with left:
        pressed = st.button("Recalculate now", icon=":material/refresh:", type="primary", width="stretch")
    with right:
        st.caption(
            "Recomputes every segment from the published products and the last 90 days of sales, keeping "
            "overrides. The daily 03:00 benchmarks job does this too (see **Jobs**)."
        )
    outcome_area = st.container()  # always drawn: the table below keeps its place while a recalculation runs
    if not pressed:
        return
    with outcome_area, st.status("Recalculating market benchmarks…", expanded=True) as status:
        st.write("Taking the benchmarks job's lock, so the daily job never runs at the same time…")
        outcome = benchmark_data.recalculate_now(claimed_by=f"app:{account.username}")
        if outcome.status == JobStatus.OK:
            st.write(f"Upserted {format_count(outcome.rows)} benchmark rows.")
            status.update(
                label=f"Recalculated {format_count(outcome.rows)} benchmarks.", state="complete", expanded=False
            )
        elif outcome.status == JobStatus.SKIPPED and outcome.detail == PERIOD_DONE:
            status.update(
                label="Already recalculated this minute: the figures below are current. Try again in a minute.",
                state="complete",
            )
        elif outcome.status == JobStatus.SKIPPED and outcome.detail == LOCKED:
            status.update(
                label="The daily benchmarks job is running right now; its figures will show here when it finishes.",
                state="complete",
            )
        else:
            status.update(label="Recalculation failed; nothing was changed.", state="error")
            st.code(outcome.error or outcome.detail or "unknown error", language=None)
