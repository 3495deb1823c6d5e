"""Seller Settings: the weekly coaching e-mail on or off, and the address it goes to."""

from __future__ import annotations

import streamlit as st

from components.data import database_errors
from components.data.settings import seller_settings
from components.seller import settings as settings_ui
from components.shell import access

seller_id = access.current_seller_id()

st.title("Settings")
with database_errors():
    current = seller_settings(seller_id)
settings_ui.show_settings_flash()
settings_ui.digest_setting(seller_id, current)
