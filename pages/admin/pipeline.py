"""Admin Creator pipeline: the board of creators by stage, each creator's dialog, and the stuck creators."""

from __future__ import annotations

import streamlit as st

from components.admin import pipeline, pipeline_card
from components.data import database_errors
from components.data import pipeline as pipeline_data
from components.shell import access
from components.ui.flash import show_flash

account = access.require_role("admin")

st.title("Creator pipeline")
st.caption(
    "Every creator from first contact to regular sales. Stages from “Signed up” on follow the marketplace's data "
    "(updated every hour); prospects and invites are set by hand."
)
show_flash(pipeline.FLASH)
with database_errors():
    admin_id, niche = pipeline.filters()
    board = pipeline_data.board(assigned_admin_id=admin_id, niche=niche)
    _, stuck = pipeline_data.stuck()
    board_tab, stuck_tab = st.tabs(["Board", f"Stuck creators ({len(stuck)})"])
    with board_tab:
        pipeline.refresh_button()
        pipeline.board_view(board)
    with stuck_tab:
        pipeline.stuck_view(account)
    pipeline_card.open_card_dialog(account)
