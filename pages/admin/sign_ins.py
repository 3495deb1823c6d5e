"""Admin Sign-ins: who the login throttle holds back (Unlock), who is signed in (Sign out everywhere), latest logins."""

from __future__ import annotations

import streamlit as st

from components.admin import sign_ins
from components.data import database_errors
from components.shell import access

account = access.require_role("admin")

st.title("Sign-ins")
st.caption(
    "Every submitted login form is recorded here with its address. Logins are sessions on the server: "
    "signing someone out ends their sessions at once, in every browser."
)
with database_errors():
    sign_ins.page(account)
