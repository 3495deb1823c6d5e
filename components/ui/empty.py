"""The one empty state: a calm note where a list or chart would be, saying why it is empty and what to do."""

from __future__ import annotations

import streamlit as st

DEFAULT_ICON = ":material/inbox:"


def empty_state(
    message: str, *, icon: str = DEFAULT_ICON, good_news: bool = False, link: tuple[str, str] | None = None
) -> None:
    """`message` in an info box (a green success box when nothing to show is good news: "every listing is fine"),
    and, with `link=(label, url)`, a button to where the first step is taken."""
    (st.success if good_news else st.info)(message, icon=icon)
    if link is not None:
        label, url = link
        st.link_button(label, url, icon=":material/add:")
