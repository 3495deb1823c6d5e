"""How fresh the operator roll-ups are, said under the figures that read them (Operator KPIs, Admin Home): up to
which hour they reach and that everything after it is counted live from the events."""

from __future__ import annotations

from datetime import datetime, timedelta

import streamlit as st

from components.ui.format import format_local
from components.ui.text import md
from core.analytics import RollupState

STALE_AFTER = timedelta(hours=1)  # the job runs every 15 minutes: an hour behind means it has stopped


def freshness_text(state: RollupState | None, now: datetime) -> str:
    """ "Roll-ups up to 10:00 (Nov 21); from then until now the figures are counted live from the events." """
    if state is None:
        return (
            "Counted from the raw events: the roll-ups have not been built yet (the roll-ups job builds them and "
            "then runs every 15 minutes)."
        )
    until = format_local(state.usable_until, "%H:%M (%b %d)")
    text = f"Roll-ups up to {until}; from then until now the figures are counted live from the events."
    if now - state.usable_until > STALE_AFTER:
        text += " The roll-ups are behind: is the jobs runner running? The figures stay exact, only slower to count."
    return text


def rollup_freshness(state: RollupState | None, now: datetime) -> None:
    st.caption(md(freshness_text(state, now)), help="The `rollups` job keeps hourly totals of the events up to date "
               "every 15 minutes; the pages add the events after them, so every figure is exact.")  # fmt: skip
