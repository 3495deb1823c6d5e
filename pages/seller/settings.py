"""Seller Settings: the weekly coaching e-mail on or off, and the address it goes to."""

from __future__ import annotations

import streamlit as st

from components import access, data
from components import settings as settings_ui

seller_id = access.current_seller_id()

st.title("Settings")
with data.database_errors():
    current = settings_ui.seller_settings(seller_id)
settings_ui.show_flash()
settings_ui.digest_setting(seller_id, current)
