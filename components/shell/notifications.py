"""The seller's notifications in the sidebar: "Notifications (3)" with the latest unread ones, each with its link
and "Mark read", and "Mark all read". The count is cached briefly (`components.data.notifications`) and forgotten
after marking."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import parse_qsl, urlsplit

import streamlit as st

from components.data.notifications import mark_read, unread_summary
from components.shell.navigation import PageSpec
from components.ui.format import format_count, format_local
from components.ui.text import md
from core.accounts import Account
from core.notify.inapp import NotificationView

BODY_CHARS = 160


def page_target(link: str | None, pages: Mapping[str, PageSpec]) -> tuple[str, dict[str, str]] | None:
    """An app link ("/listing-health?product=…") as (page script, query params), None when no page has that path."""
    if not link:
        return None
    parts = urlsplit(link)
    spec = pages.get(parts.path.strip("/"))
    if spec is None:
        return None
    return spec.script, dict(parse_qsl(parts.query))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= BODY_CHARS else text[: BODY_CHARS - 1].rstrip() + "…"


def sidebar_notifications(account: Account, sections: Mapping[str, Sequence[PageSpec]]) -> None:
    """The block for a seller or an admin (operator alerts). Call after `st.navigation` so links can name pages."""
    if not (account.can_use_seller_pages or account.is_admin):
        return
    summary = unread_summary(account.user_id)
    pages = {spec.url_path: spec for specs in sections.values() for spec in specs}
    with st.sidebar:
        label = f"Notifications ({format_count(summary.count)})"
        with st.expander(label, icon=":material/notifications:", expanded=summary.count > 0):
            if not summary.count:
                st.caption(
                    "You're all caught up. New operator alerts show up here."
                    if account.is_admin
                    else "You're all caught up. New insights, goal results and market alerts show up here."
                )
                return
            for note in summary.latest:
                _item(account.user_id, note, pages)
            more = summary.count - len(summary.latest)
            if more > 0:
                st.caption(f"and {format_count(more)} more unread")
            st.button(
                "Mark all read",
                key="sgt_notifications_all_read",
                icon=":material/done_all:",
                width="stretch",
                on_click=mark_read,
                args=(account.user_id, None),
            )


def _item(user_id: str, note: NotificationView, pages: Mapping[str, PageSpec]) -> None:
    with st.container(border=True):
        st.markdown(f"**{md(note.title)}**")
        when = format_local(note.created_at, "%b %d")
        st.caption(md(f"{when} · {_short(note.body)}" if note.body else when))
        target = page_target(note.link, pages)
        left, right = st.columns(2, vertical_alignment="center")
        with left:
            if target is not None:
                script, params = target
                st.page_link(script, label="Open", icon=":material/arrow_forward:", query_params=params or None)
        with right:
            st.button(
                "Mark read",
                key=f"sgt_notification_read_{note.id}",
                type="tertiary",
                on_click=mark_read,
                args=(user_id, [note.id]),
            )
