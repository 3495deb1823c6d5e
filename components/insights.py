"""Widgets of the Insights page: the generate box with its steps, the filter tabs and the card grid (priority badge,
type icon, description, action checklist with "Fix now" links, Done and Dismiss)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

import streamlit as st

from components import insights_data
from components.navigation import script_for
from core.config import get_settings
from core.insights.generation import STEPS, InsightRateLimited, InsightView
from core.insights.rules import RATE_LIMIT_RUNS
from core.models import InsightPriority, InsightStatus, InsightType

GRID_COLUMNS = 2
KEY_DONE = "insights_done_items"  # ticked action items: {"<insight id>|<index>"}
KEY_FLASH = "insights_flash"
KEY_PAGE = "insights_page"

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
_MARKDOWN_SPECIALS = set("\\`*_{}[]()<>#+-.!|$:~")


def md(text: str) -> str:
    """Text from the data (product titles, search terms) shown literally: "$5" would render as maths otherwise."""
    return "".join(f"\\{ch}" if ch in _MARKDOWN_SPECIALS else ch for ch in text)


def local_time(moment: datetime) -> str:
    return moment.astimezone(get_settings().timezone).strftime("%H:%M")


def rate_limit_message(next_at: datetime) -> str:
    return f"You can generate new insights again at {local_time(next_at)} ({RATE_LIMIT_RUNS} per hour)."


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
            st.session_state[KEY_FLASH] = ("warning", rate_limit_message(refused.next_allowed_at))
            return
        box.write(f":material/check: {done[-1]}" if done else "")
        box.update(label="Insights generated", state="complete", expanded=False)
    st.session_state[KEY_FLASH] = ("report", report)


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


def flash() -> None:
    """What the last generation found (shown once, after the rerun that follows it)."""
    message = st.session_state.pop(KEY_FLASH, None)
    if message is None:
        return
    kind, value = message
    if kind == "warning":
        st.warning(value, icon=":material/schedule:")
        return
    report = value
    if not report.created and not report.updated:
        st.success("All clear: nothing new needs your attention right now.", icon=":material/verified:")
        return
    parts = [f"**{len(report.created)} new**"]
    if report.updated:
        parts.append(f"{len(report.updated)} updated with fresh numbers")
    if report.retired:
        parts.append(f"{report.retired} no longer true, removed")
    lines = [", ".join(parts) + "."]
    lines += [f"- {PRIORITY_BADGES[v.priority]} {md(v.title)}" for v in report.created[:5]]
    if len(report.created) > 5:
        lines.append(f"- … and {len(report.created) - 5} more below")
    st.success("\n".join(lines), icon=":material/auto_awesome:")


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
        st.session_state[KEY_FLASH] = ("warning", str(exc))


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
                label = item.get("label", "")
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
                st.markdown(f"~~{md(label)}~~" if token in done else md(label))
            with fix:
                if item.get("url"):
                    _fix_now(item["url"], key=f"fix_{insight.id}_{i}")
        st.caption(f"Generated {insight.generated_at.astimezone(get_settings().timezone):%d %b %Y, %H:%M}")
        if not final:
            left, right = st.columns(2)
            left.button(
                "Mark as done",
                key=f"done_{insight.id}",
                icon=":material/task_alt:",
                on_click=_set_status,
                args=(seller_id, insight.id, InsightStatus.ACTED_ON),
                width="stretch",
            )
            right.button(
                "Dismiss",
                key=f"dismiss_{insight.id}",
                icon=":material/close:",
                on_click=_set_status,
                args=(seller_id, insight.id, InsightStatus.DISMISSED),
                width="stretch",
            )


def card_grid(insights: Sequence[InsightView], *, seller_id: str) -> None:
    """Cards in rows of `GRID_COLUMNS`, in the order given (priority first, then newest)."""
    for start in range(0, len(insights), GRID_COLUMNS):
        columns = st.columns(GRID_COLUMNS)
        for column, insight in zip(columns, insights[start : start + GRID_COLUMNS], strict=False):
            with column:
                insight_card(insight, seller_id=seller_id)


def empty_state(tab: str, total_everywhere: int) -> None:
    if total_everywhere == 0:
        st.info(
            "No insights yet. Press **Generate new insights**: we will review your prices, score your listings, "
            "look for searches nobody answers and check your sales trend.",
            icon=":material/lightbulb:",
        )
    else:
        st.info(f"No insights in “{tab}”. Look at the other tabs, or generate new insights.", icon=":material/inbox:")


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
        empty_state(tab, counts["All"])
        return
    result = insights_data.insights_page(seller_id, tab, current_page(total, tab))
    st.caption(f"{result.total} insight{'' if result.total == 1 else 's'}, most important first.")
    card_grid(result.items, seller_id=seller_id)
    pager(result.total, tab)
    insights_data.viewed(seller_id, [i.id for i in result.items if i.status is InsightStatus.PENDING])
