"""The one flash message: the outcome of an action, stored before the rerun and shown once on the next run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import streamlit as st

Kind = Literal["success", "info", "warning", "error", "toast"]

DEFAULT_ICONS: dict[str, str] = {
    "success": ":material/check_circle:",
    "info": ":material/info:",
    "warning": ":material/warning:",
    "error": ":material/error:",
    "toast": ":material/notifications:",
}
_PREFIX = "sgt_flash_"


@dataclass(frozen=True)
class Flash:
    kind: Kind
    message: str  # Markdown: escape data in it with `components.ui.text.md`
    icon: str
    about: str | None  # shown only where the page asks for it (e.g. the product the message is about)


def flash(
    scope: str, message: str, *, kind: Kind = "success", icon: str | None = None, about: str | None = None
) -> None:
    """Remember `message` for the next run of the page `scope` (one per scope: a newer flash replaces it)."""
    st.session_state[_PREFIX + scope] = Flash(kind, message, icon or DEFAULT_ICONS[kind], about)


def has_flash(scope: str) -> bool:
    return _PREFIX + scope in st.session_state


def show_flash(scope: str, *, about: str | None = None) -> None:
    """Show the page's waiting flash once, then forget it. With `about`, only a flash about that (else it waits)."""
    waiting: Flash | None = st.session_state.get(_PREFIX + scope)
    if waiting is None or (waiting.about is not None and waiting.about != about):
        return
    del st.session_state[_PREFIX + scope]
    if waiting.kind == "toast":
        st.toast(waiting.message, icon=waiting.icon)
        return
    show = {"success": st.success, "info": st.info, "warning": st.warning, "error": st.error}[waiting.kind]
    show(waiting.message, icon=waiting.icon)
