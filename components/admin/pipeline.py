"""The Creator pipeline page's widgets: the filters, the board (one column per stage with its count and revenue,
the cards of the creators longest in it, each opening the creator's dialog) and the stuck creators with a bulk
nudge. Reads and writes: `components.data.pipeline`; the dialog: `components.admin.pipeline_card`.

Eight columns side by side would leave each about 150 px on a laptop: the board is two rows of four, in stage order
(the way in, then selling).
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from components.admin.pipeline_card import OPEN_KEY, TOUCH_WORDS
from components.data import clock
from components.data import pipeline as data
from components.ui.empty import empty_state
from components.ui.flash import flash
from components.ui.format import format_count
from components.ui.text import md
from core.accounts import Account
from core.money import format_money_whole
from core.sellers.outreach import NudgeReport
from core.sellers.pipeline_board import STAGE_MEANINGS, UNASSIGNED, Board, Card, Column

FLASH = "pipeline"
ALL = "all"
ROW_SIZE = 4


def filters() -> tuple[str | None, str | None]:
    """The assigned-admin and niche filters; (admin id or UNASSIGNED or None, niche or None)."""
    admins, niches = data.filter_choices()
    admin_names = {ALL: "Everyone", UNASSIGNED: "Nobody assigned", **dict(admins)}
    left, right = st.columns(2)
    admin = left.selectbox(
        "Assigned admin", list(admin_names), format_func=admin_names.__getitem__, key="pipeline_admin"
    )
    niche_names = {ALL: "All niches", **{n: n for n in niches}}
    niche = right.selectbox("Niche", list(niche_names), format_func=niche_names.__getitem__, key="pipeline_niche")
    return (None if admin == ALL else admin), (None if niche == ALL else niche)


def board_view(board: Board) -> None:
    if board.total == 0:
        empty_state(
            "No creator matches these filters. Creators appear here when they sign up (the creator-pipeline job adds "
            "them every hour)."
        )
        return
    for start in range(0, len(board.columns), ROW_SIZE):
        for column, place in zip(board.columns[start : start + ROW_SIZE], st.columns(ROW_SIZE), strict=True):
            with place:
                _column(column)


def _column(column: Column) -> None:
    st.markdown(
        f"**{md(column.label)}** · {format_count(column.count)}",
        help=STAGE_MEANINGS[column.stage] + " Revenue: the paid orders ever of every creator in the column.",
    )
    st.caption(f"{md(format_money_whole(column.gmv))} revenue")
    for card in column.cards:
        _card(card)
    if column.hidden > 0:
        st.caption(f"+ {format_count(column.hidden)} more (longest in the stage shown first)")


def _card(card: Card) -> None:
    with st.container(border=True, key=f"pipeline_card_{card.creator_id}"):
        st.markdown(f"**{md(card.name or 'Unnamed creator')}**")
        st.caption(md(card.masked_email or "no address"))
        st.caption(f"{_days(card.days_in_stage)} in stage · {md(last_touch_text(card, clock.now()))}")
        st.button(
            "Open",
            key=f"pipeline_open_{card.creator_id}",
            on_click=_open,
            args=(card.creator_id,),
            width="stretch",
        )


def _open(creator_id: str) -> None:
    st.session_state[OPEN_KEY] = creator_id


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{format_count(days)} days"


def last_touch_text(card: Card, now: datetime) -> str:
    """ "last touch 3 days ago (DM)" or "no touch yet"."""
    if card.last_touch_at is None:
        return "no touch yet"
    days = max(0, (now - card.last_touch_at).days)
    when = "today" if days == 0 else ("yesterday" if days == 1 else f"{_days(days)} ago")
    kind = TOUCH_WORDS.get(card.last_touch_type, "") if card.last_touch_type else ""
    return f"last touch {when}" + (f" ({kind})" if kind else "")


def refresh_button() -> None:
    if st.button("Update stages from the data", key="pipeline_refresh", icon=":material/sync:"):
        with st.spinner("Reading sign-ups, products and orders…"):
            report = data.refresh().report
        flash(
            FLASH,
            f"Stages updated: {format_count(report.created)} new on the board, {format_count(report.moved)} moved.",
        )
        st.rerun()


def nudge_message(report: NudgeReport) -> str:
    """ "Nudged 3; 1 skipped (nudged in the last 7 days); 1 without an e-mail address." """
    skipped = format_count(len(report.recently_nudged))
    missing = format_count(len(report.no_address))
    return (
        f"Nudged {format_count(len(report.sent))}"
        + (f"; {skipped} skipped (nudged in the last 7 days)" if report.recently_nudged else "")
        + (f"; {missing} without an e-mail address" if report.no_address else "")
        + "."
    )


def stuck_view(account: Account) -> None:
    days, cards = data.stuck()
    st.caption(
        f"Creators drafting for more than {format_count(days)} days (the PIPELINE_STUCK_DAYS setting), longest "
        "first. A nudge is an e-mail with a nudge to publish; each creator gets at most one per 7 days."
    )
    if not cards:
        empty_state(
            f"Nobody is stuck: no creator has been drafting for more than {format_count(days)} days.", good_news=True
        )
        return
    now = clock.now()
    table = pd.DataFrame(
        {
            "Creator": [c.name for c in cards],
            "E-mail": [c.masked_email for c in cards],
            "Days drafting": [c.days_in_stage for c in cards],
            "Last touch": [last_touch_text(c, now) for c in cards],
            "Assigned to": [c.assigned_admin or "—" for c in cards],
        }
    )
    picked = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="multi-row",
        key="pipeline_stuck_table",
    )
    rows = list(picked.selection.rows) if picked else []
    chosen = [cards[i].creator_id for i in rows]
    label = f"Nudge {format_count(len(chosen))} selected" if chosen else f"Nudge all {format_count(len(cards))}"
    if st.button(label, key="pipeline_nudge", type="primary", icon=":material/mail:"):
        report = data.nudge(chosen or [c.creator_id for c in cards], admin_user_id=account.user_id)
        flash(FLASH, nudge_message(report))
        st.rerun()
