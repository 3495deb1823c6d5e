"""Admin Home's "Daily digest": the newest stored business digest (summary, key metrics against the same weekday a
week before, highlights, concerns, recommendations) and the engine that wrote it. Every text is data (written by
the AI door or the offline engine from product titles and alert messages), so it is shown through `md()` or in a
table, never as markup."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from components.ui.empty import empty_state
from components.ui.format import format_local
from components.ui.text import md
from core.messaging.daily_digest import DigestView
from core.periods import format_day

NO_DIGEST = "No daily digest yet: the daily-digest job writes one every morning at 08:00 about the day before."
NONE_TODAY = "None today."
SECTIONS = (("Highlights", "highlights"), ("Concerns", "concerns"), ("Recommendations", "recommendations"))


def metrics_frame(digest: DigestView) -> pd.DataFrame:
    """The key metrics as a table: the day, the same weekday a week before, and the change."""
    day, before = format_day(digest.day), format_day(digest.day - timedelta(days=7))
    return pd.DataFrame(
        {
            "Metric": [m["label"] for m in digest.metrics],
            day: [m["value"] for m in digest.metrics],
            before: [m["previous"] for m in digest.metrics],
            "Change": [m["change"] for m in digest.metrics],
        }
    )


def render_daily_digest(digest: DigestView | None) -> None:
    """The section: the digest of the newest day stored, or an empty state before the job first ran."""
    st.subheader("Daily digest", anchor=False)
    if digest is None:
        empty_state(NO_DIGEST, icon=":material/summarize:")
        return
    st.caption(
        f"{md(f'{digest.day:%A}')} {md(format_day(digest.day))} · {md(digest.engine_label)} · "
        f"composed {md(format_local(digest.created_at))}"
    )
    st.markdown(md(digest.summary))
    if digest.metrics:
        st.dataframe(metrics_frame(digest), hide_index=True, key="daily_digest_metrics")
    if digest.top_product:
        st.markdown(f"**Top product:** {md(digest.top_product)}")
    for column, (title, field) in zip(st.columns(len(SECTIONS)), SECTIONS, strict=True):
        items: list[str] = getattr(digest, field)
        with column:
            st.markdown(f"**{md(title)}**")
            st.markdown("\n".join(f"- {md(item)}" for item in items) if items else NONE_TODAY)
