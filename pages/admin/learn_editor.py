"""Admin Learn library editor: every resource with its status; create, edit with preview, publish, reorder, delete."""

from __future__ import annotations

import streamlit as st

from components.admin import learn_editor as editor
from components.data import database_errors
from components.data import learn as learn_data
from components.shell import access
from components.ui.flash import show_flash

access.require_role("admin")

st.title("Learn library editor")
show_flash(editor.FLASH)
with database_errors():
    mode = st.session_state.get(editor.MODE_KEY)
    if mode:
        editor.resource_form(mode)
    else:
        editor.resource_list(learn_data.all_resources())
