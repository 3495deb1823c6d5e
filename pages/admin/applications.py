"""Admin page: Applications — sellers waiting for approval (approve, or reject with a reason the seller reads) and
the history of decisions."""

from __future__ import annotations

import streamlit as st

from components.admin import applications
from components.data import database_errors
from components.shell import access

account = access.require_role("admin")

st.title("Seller applications")
st.caption(
    "Approve a seller to open their seller tools; reject with a reason. Either way the seller is told in the app "
    "and by e-mail."
)
with database_errors():
    applications.applications_page(account)
