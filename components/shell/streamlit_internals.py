"""The only touches of Streamlit internals: its legacy `pages/`-folder mode flag and the page a URL asked for.

Streamlit 1.67 decides once per process, in `PagesManager.__init__`
(streamlit/runtime/pages_manager.py), whether the app uses the legacy `pages/`-folder mode: while the
class attribute `PagesManager.uses_pages_directory` is still None it is set from "is there a `pages/`
folder beside the main script". Ours is there (page scripts live in `pages/<role>/`), so the first
script run of a new server is wrapped in `_mpa_v1`; only `st.navigation()` sets the flag back to False,
too late for that run: a deep link as the first request shows "Page not found" and the first login
submit is lost. `__init__.py` files, config options and `client.showSidebarNavigation` don't change it.

Both attributes are pinned by tests/unit/components/shell/test_streamlit_internals.py, which fails with
the attribute's name if a Streamlit upgrade removes or renames one.

This module imports nothing from `components` or `core`: `scripts/serve.py` loads it before the app.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

# Session key marking that this session already spent its one extra run leaving the legacy mode.
_LEFT_LEGACY_KEY = "sgt_left_legacy_pages_mode"


def disable_legacy_pages_mode() -> None:
    """Call before Streamlit's server starts (scripts/serve.py): no script run is ever wrapped in `_mpa_v1`.

    `PagesManager.__init__` only fills the flag while it is None, and `st.navigation()` itself sets it to
    False, so setting it first is what `st.navigation()` would do, one run earlier; every PagesManager the
    server creates afterwards keeps it.
    """
    PagesManager.uses_pages_directory = False


def leave_legacy_pages_mode() -> None:
    """Call first thing in app.py: rerun once if Streamlit started this process in its `pages/`-folder mode.

    The safety net for a bare `streamlit run app.py` (the launcher, `scripts/serve.py`, never starts in
    that mode). Widgets drawn in the wrapped first run get ids the next run does not know, so the first
    visitor after a restart would submit an empty login form. Seen in Chromium; see FIELD-NOTES.
    """
    if PagesManager.uses_pages_directory and _LEFT_LEGACY_KEY not in st.session_state:
        st.session_state[_LEFT_LEGACY_KEY] = True  # at most one extra run, ever
        PagesManager.uses_pages_directory = False
        st.rerun()


def intended_page_name() -> str:
    """The URL path a browser asked for on this script run (`"pricing"` for `/pricing`), or "".

    Only the first run of a request by URL carries it; in-app navigation sends a page hash instead, and
    outside a script run (bare mode, plain Python) there is none.
    """
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return ""
    return ctx.pages_manager.intended_page_name or ""
