"""Widgets of the Insights page: the generate box with its steps, the Open / Done / Dismissed tabs and the card grid
(priority badge, type icon, description, action checklist with "Fix now" links; Done and Dismiss on open cards,
Reopen on done ones, Undo on dismissed ones)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

import streamlit as st

from components.data import insights as insights_data
from components.shell.navigation import Sections, script_for, with_badge
from components.ui.empty import empty_state
from components.ui.flash import flash
from components.ui.format import format_count, format_local
from components.ui.text import md
from core import urls
from core.insights import RATE_LIMIT_RUNS, STEPS, GenerationReport, InsightRateLimited, InsightView
from core.models import InsightPriority, InsightStatus, InsightType

GRID_COLUMNS = 2
KEY_DONE = "insights_done_items"  # ticked action items: {"<insight id>|<index>"}
FLASH = "insights"
KEY_PAGE = "insights_page"
OPEN_TAB = "Open"
# An open card's buttons: (label, key prefix, icon, the status a click sets).
CARD_ACTIONS = (
    ("Mark as done", "done", ":material/task_alt:", InsightStatus.ACTED_ON),
    ("Dismiss", "dismiss", ":material/close:", InsightStatus.DISMISSED),
)
# A closed card's one button, back to Open: (label, key prefix, icon) by its status.
BACK_ACTIONS = {
    InsightStatus.ACTED_ON: ("Reopen", "reopen", ":material/undo:"),
    InsightStatus.DISMISSED: ("Undo", "undo", ":material/undo:"),
}
BACK_FLASH = {
    InsightStatus.ACTED_ON: "Reopened: the card is back in Open.",
    InsightStatus.DISMISSED: "Restored: the card is back in Open.",
}

PRIORITY_BADGES = {
    InsightPriority.HIGH: ":red-badge[:material/priority_high: High priority]",
    InsightPriority.MEDIUM: ":yellow-badge[Medium priority]",
    InsightPriority.LOW: ":green-badge[Low priority]",
}
TYPE_LABELS = {
    InsightType.PRICING: (":material/attach_money:", "Pricing"),
    InsightType.LISTING_QUALITY: (":material/monitor_heart:", "Listing quality"),
    InsightType.OPPORTUNITY: (":material/travel_explore:", "Opportunity"),
    InsightType.PERFORMANCE: (":material/trending_up:", "Performance"),
    InsightType.MARKETING: (":material/campaign:", "Marketing"),
}
STATUS_NOTES = {
    InsightStatus.PENDING: ":blue-badge[New]",
    InsightStatus.VIEWED: "",
    InsightStatus.ACTED_ON: ":green-badge[:material/check: Done]",
    InsightStatus.DISMISSED: ":gray-badge[Dismissed]",
}


def menu_with_badge(sections: Sections, seller_id: str | None) -> Sections:
    """The seller's menu with the count of new open insights (PENDING) on Insights; done and dismissed ones never
    count (the plain menu when it cannot be read)."""
    if seller_id is None:
        return sections
    return with_badge(sections, urls.INSIGHTS, insights_data.pending_badge_count(seller_id))


def rate_limit_message(next_at: datetime) -> str:
    return f"You can generate new insights again at {format_local(next_at, '%H:%M')} ({RATE_LIMIT_RUNS} per hour)."


# ---------------------------------------------------------------- generating


def _run_generation(seller_id: str) -> None:
    with st.status("Generating your insights…", expanded=True) as box:
        done: list[str] = []

        def progress(step: str) -> None:
            if done:
                box.write(f":material/check: {done[-1]}")
            done.append(step)
            box.update(label=f"{step}… ({len(done)} of {len(STEPS)})")

        try:
            report = insights_data.generate(seller_id, progress)
        except InsightRateLimited as refused:
            box.update(label="Not generated", state="error", expanded=False)
            flash(FLASH, rate_limit_message(refused.next_allowed_at), kind="warning", icon=":material/schedule:")
            return
        box.write(f":material/check: {done[-1]}" if done else "")
        box.update(label="Insights generated", state="complete", expanded=False)
    report_flash(report)


def generate_box(seller_id: str) -> None:
    """The "Generate new insights" button, refused politely while the hourly limit is reached."""
    next_at = insights_data.next_generation_at(seller_id)
    left, right = st.columns([3, 2], vertical_alignment="center")
    with left:
        st.caption(
            "Insights look at your prices, listing scores, what buyers search for and your sales trend, "
            "and tell you what to do first."
        )
    with right:
        clicked = st.button(
            "Generate new insights",
            type="primary",
            icon=":material/auto_awesome:",
            disabled=next_at is not None,
            width="stretch",
        )
    if next_at is not None:
        st.info(rate_limit_message(next_at), icon=":material/schedule:")
    if clicked:
        _run_generation(seller_id)
        st.rerun()  # the menu badge and the cards show the new numbers


def report_flash(report: GenerationReport) -> None:
    """What the generation found, shown once after the rerun that follows it."""
    if not report.created and not report.updated:
        flash(FLASH, "All clear: nothing new needs your attention right now.", icon=":material/verified:")
        return
    parts = [f"**{len(report.created)} new**"]
    if report.updated:
        parts.append(f"{len(report.updated)} updated with fresh numbers")
    if report.retired:
        parts.append(f"{format_count(report.retired)} no longer true, removed")
    lines = [", ".join(parts) + "."]
    lines += [f"- {PRIORITY_BADGES[v.priority]} {md(v.title)}" for v in report.created[:5]]
    if len(report.created) > 5:
        lines.append(f"- … and {len(report.created) - 5} more below")
    flash(FLASH, "\n".join(lines), icon=":material/auto_awesome:")


# ---------------------------------------------------------------- cards


def _tick(token: str, key: str) -> None:
    done: set[str] = st.session_state.setdefault(KEY_DONE, set())
    if st.session_state.get(key):
        done.add(token)
    else:
        done.discard(token)


def _fix_now(url: str, key: str) -> None:
    """An in-app link for our own pages (keeps the session), a plain link otherwise."""
    parts = urlsplit(url)
    script = script_for(parts.path) if not parts.netloc else None
    if script is None:
        st.link_button("Fix now", url, icon=":material/open_in_new:")
        return
    st.page_link(script, label="Fix now", icon=":material/build:", query_params=dict(parse_qsl(parts.query)) or None)


def _set_status(seller_id: str, insight_id: str, status: InsightStatus) -> None:
    try:
        insights_data.change_status(seller_id, insight_id, status)
    except (LookupError, ValueError) as exc:
        flash(FLASH, md(str(exc)), kind="warning")


def _back_to_open(seller_id: str, insight_id: str, was: InsightStatus) -> None:
    try:
        insights_data.change_status(seller_id, insight_id, InsightStatus.PENDING)
    except (LookupError, ValueError) as exc:
        flash(FLASH, md(str(exc)), kind="warning")
        return
    flash(FLASH, BACK_FLASH[was], icon=":material/undo:")


def insight_card(insight: InsightView, *, seller_id: str) -> None:
    icon, label = TYPE_LABELS[insight.insight_type]
    with st.container(border=True):
        st.markdown(f"{PRIORITY_BADGES[insight.priority]} {icon} {label} {STATUS_NOTES[insight.status]}")
        st.markdown(f"#### {md(insight.title)}")
        st.markdown(md(insight.description))
        done: set[str] = st.session_state.setdefault(KEY_DONE, set())
        final = insight.status in (InsightStatus.ACTED_ON, InsightStatus.DISMISSED)
        for i, item in enumerate(insight.action_items):
            token, key = f"{insight.id}|{i}", f"insight_item_{insight.id}_{i}"
            # The label goes in Markdown beside a label-less checkbox: checkbox labels are cut to one line.
            tick, text, fix = st.columns([1, 9, 3], vertical_alignment="top", gap="small")
            with tick:
                item_label = item.get("label", "")
                # A short hidden label: a long one still takes room and stretches the box into a pill.
                st.checkbox(
                    f"Done: item {i + 1}",
                    value=token in done,
                    key=key,
                    on_change=_tick,
                    args=(token, key),
                    label_visibility="collapsed",
                )
            with text:
                st.markdown(f"~~{md(item_label)}~~" if token in done else md(item_label))
            with fix:
                if item.get("url"):
                    _fix_now(item["url"], key=f"fix_{insight.id}_{i}")
        st.caption(f"Generated {format_local(insight.generated_at, '%d %b %Y, %H:%M')}")
        if insight.status in BACK_ACTIONS:
            back_label, back_key, back_icon = BACK_ACTIONS[insight.status]
            st.button(
                back_label,
                key=f"{back_key}_{insight.id}",
                icon=back_icon,
                on_click=_back_to_open,
                args=(seller_id, insight.id, insight.status),
                help="Back to Open, as a new card.",
            )
        if not final:
            for column, (action, key, action_icon, status) in zip(st.columns(2), CARD_ACTIONS, strict=True):
                args = (seller_id, insight.id, status)
                column.button(
                    action,
                    key=f"{key}_{insight.id}",
                    icon=action_icon,
                    on_click=_set_status,
                    args=args,
                    width="stretch",
                )


def card_grid(insights: Sequence[InsightView], *, seller_id: str) -> None:
    """Cards in rows of `GRID_COLUMNS`, in the order given (priority first, then newest)."""
    for start in range(0, len(insights), GRID_COLUMNS):
        columns = st.columns(GRID_COLUMNS)
        for column, insight in zip(columns, insights[start : start + GRID_COLUMNS], strict=False):
            with column:
                insight_card(insight, seller_id=seller_id)


def no_insights(tab: str, total_everywhere: int) -> None:
    if total_everywhere == 0 and tab == OPEN_TAB:
        empty_state(
            "No insights yet. Press **Generate new insights**: we will review your prices, score your listings, "
            "look for searches nobody answers and check your sales trend.",
            icon=":material/lightbulb:",
        )
    else:
        empty_state(f"No insights in “{tab}”. Look at the other tabs, or generate new insights.")


def _page_key(tab: str) -> str:
    return f"{KEY_PAGE}_{tab}"


def current_page(total: int, tab: str) -> int:
    """The page of `tab` to show: the pager's value (drawn under the grid), kept within the pages there are."""
    pages = max(1, -(-total // insights_data.PAGE_SIZE))
    key = _page_key(tab)
    if int(st.session_state.get(key, 1)) > pages:
        st.session_state[key] = pages  # cards were dismissed since: stay on the last page
    return int(st.session_state.get(key, 1))


def pager(total: int, tab: str) -> None:
    pages = max(1, -(-total // insights_data.PAGE_SIZE))
    if pages > 1:
        st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, step=1, key=_page_key(tab), width=160)


def tab_view(seller_id: str, tab: str, counts: dict[str, int]) -> None:
    """One filter tab: its cards (marked VIEWED as they are shown), an empty state, and paging."""
    total = counts[tab]
    if total == 0:
        no_insights(tab, sum(counts.values()))
        return
    result = insights_data.insights_page(seller_id, tab, current_page(total, tab))
    order = "last changed first" if tab in insights_data.RECENT_FIRST_TABS else "most important first"
    st.caption(f"{format_count(result.total)} insight{'' if result.total == 1 else 's'}, {order}.")
    card_grid(result.items, seller_id=seller_id)
    pager(result.total, tab)
    insights_data.viewed(seller_id, [i.id for i in result.items if i.status is InsightStatus.PENDING])
