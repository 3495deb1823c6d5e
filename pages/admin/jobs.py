"""Admin Jobs: each scheduled job's last runs (status, duration, error), its next run, and "Run now"."""

from __future__ import annotations

import streamlit as st

from components.admin import jobs
from components.data import database_errors
from components.shell import access

account = access.require_role("admin")

st.title("Jobs")
st.caption(
    'The jobs runner (`python -m jobs`) runs these on a timer. "Run now" runs a job here, in the app, with the '
    "same claim and lock as the runner: a period that is already done is skipped, so nothing is sent twice. A job "
    "that e-mails sellers asks first, with the number of sellers it would e-mail."
)
with database_errors():
    jobs.all_jobs(account)
