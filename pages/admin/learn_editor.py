"""Admin Learn library editor: every resource with its status; create, edit with preview, publish, reorder, delete."""

from __future__ import annotations

import streamlit as st

from components import access, data
from components import learn_editor as editor

access.require_role("admin")

st.title("Learn library editor")
editor.flash()
with data.database_errors():
    mode = st.session_state.get(editor.MODE_KEY)
    if mode:
        editor.resource_form(mode)
    else:
        editor.resource_list(editor.all_resources())
