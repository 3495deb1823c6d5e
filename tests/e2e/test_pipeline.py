"""The creator pipeline in Chromium: the admin opens the board from the menu, opens a prospect's card (Lena Ortiz, one
of the demo's prospects) and moves her on to "Invited"; the dialog closes and her card sits in that column. (A move
back without a reason is refused in `tests/app/admin/test_pipeline.py`.) Screenshots go to test-output/e2e/."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import make_engine
from core.models import CreatorPipeline, PipelineStage
from tests.e2e.test_login_flow import PASSWORDS, log_in, screenshot, show, show_page, wait_until_idle

pytestmark = pytest.mark.e2e

NAME = "Lena Ortiz"


def _creator(url: str, name: str) -> CreatorPipeline:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return session.scalars(select(CreatorPipeline).where(CreatorPipeline.name == name)).one()
    finally:
        engine.dispose()


def test_admin_moves_a_prospect_on_the_board(page, app_server, e2e_database) -> None:
    lena = _creator(e2e_database.url, NAME)
    assert lena.stage == PipelineStage.PROSPECT  # as the demo left her
    page.set_viewport_size({"width": 1440, "height": 1400})
    log_in(page, app_server["base_url"], "admin", PASSWORDS["admin"])
    show(page, "Marketplace overview")
    page.get_by_role("link", name="Creator pipeline").click()
    show_page(page, "Creator pipeline")
    main = page.locator("[data-testid='stMain']")
    card = main.locator(f"[class*='st-key-pipeline_card_{lena.id}']")
    card.get_by_text(NAME, exact=True).wait_for()
    assert card.get_by_text("l****@", exact=False).count() == 1  # md() puts a word joiner after the @
    screenshot(page, "admin-pipeline-board")

    # Open her card: the dialog shows who she is and "Move to…".
    card.get_by_role("button", name="Open", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Next step: Send the first DM on Monday", exact=True).wait_for()
    wait_until_idle(page)
    screenshot(page, "admin-pipeline-dialog")

    # The stage box starts on the next stage ("Invited"): a move forward needs no reason.
    dialog.get_by_text("Stage", exact=True).wait_for()
    dialog.get_by_role("button", name="Move", exact=True).click()
    page.get_by_text("Moved to Invited.", exact=True).wait_for()
    wait_until_idle(page)
    assert page.get_by_role("dialog").count() == 0
    moved = _creator(e2e_database.url, NAME)
    assert (moved.stage, moved.manual_stage) == (PipelineStage.INVITED, True)
    # Her card now sits under "Invited" (the second column of the first row).
    columns = main.locator("[data-testid='stColumn']")
    invited = columns.filter(has=page.get_by_text("Invited", exact=True)).filter(has=page.get_by_text(NAME)).first
    invited.wait_for()
    screenshot(page, "admin-pipeline-moved")
