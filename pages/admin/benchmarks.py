"""Admin Benchmarks: the market benchmark table with override editing (save, clear) and "Recalculate now"."""

from __future__ import annotations

import streamlit as st

from components.admin import benchmarks as bench
from components.data import benchmarks as benchmark_data
from components.data import database_errors
from components.shell import access
from components.ui.empty import empty_state
from components.ui.flash import show_flash

account = access.require_role("admin")

st.title("Market benchmarks")
st.caption(
    "The market figures computed nightly that the Pricing tool, Market and this page all show. Override a "
    "reference figure where the computed one misleads (an empty cell uses the computed figure): sellers see it "
    "flagged as set by the marketplace team, while their pricing advice keeps using the computed figures. An "
    "override outside the 10th–90th percentile needs a second confirmation."
)
show_flash(bench.FLASH)
with database_errors():
    bench.recalculate_control(account)
    views = benchmark_data.all_benchmarks()
    if not views:
        bench.no_benchmarks()
        st.stop()
    shown = bench.apply_filters(views, bench.filters(views))
    if not shown:
        empty_state(
            "No benchmark matches these filters. Choose another type or category.", icon=":material/filter_alt:"
        )
        st.stop()
    key = bench.override_editor(shown)
    bench.computed_note(views)
    if any(v.thin_sample for v in shown):
        st.caption(f"Rows marked *Thin sample* are based on fewer than {bench.THIN_SAMPLE_SIZE} products.")
    if st.button("Save overrides", icon=":material/save:", type="primary"):
        bench.save_edits(account, shown, key)
    bench.far_confirmation(account, shown, key)
    bench.clear_control(account, shown)
