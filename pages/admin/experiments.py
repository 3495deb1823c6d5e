"""Admin Experiments: every A/B test with its statistics, one experiment's detail and verdict, create and edit."""

from __future__ import annotations

import streamlit as st

from components.admin import experiments
from components.data import database_errors
from components.data import experiments as experiment_data
from components.shell import access
from components.ui.flash import show_flash

account = access.require_role("admin")

st.title("Experiments")
st.caption(
    "A/B tests of a call to action: variant A is the control, B the treatment. Exposures and clicks are counted "
    "from the marketplace's events; a winner is called only at the planned sample size."
)
show_flash(experiments.FLASH)
with database_errors():
    summaries = experiment_data.summaries()
if summaries:
    st.subheader("All experiments", anchor=False)
    experiments.experiments_table(summaries)
    st.subheader("One experiment", anchor=False)
    experiments.detail(summaries)
else:
    experiments.no_experiments()
st.subheader("Create or edit an experiment", anchor=False)
experiments.experiment_form(account, summaries)
