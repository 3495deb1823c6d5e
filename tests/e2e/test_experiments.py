"""Experiments in Chromium: the admin opens the page from the menu, sees the table of experiments and the rates
chart, opens one experiment's detail and reads its verdict with the charts beside it. The experiment and its events
are written into the demo database for this module and removed afterwards. Screenshots go to test-output/e2e/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from core.analytics.experiments import create_experiment
from core.db import make_engine
from core.models import AnalyticsEvent, Experiment, User
from tests.e2e.test_login_flow import CHART, PASSWORDS, log_in, screenshot, show, show_page, wait_until_idle

pytestmark = pytest.mark.e2e

NAME = "Hero CTA: shorter button"
TABLE = "[data-testid='stDataFrame']"


@pytest.fixture(scope="module")
def experiment(e2e_database) -> Iterator[str]:
    """A completed experiment past its planned size (82 per variant at 20 % baseline, +100 % MDE): A 20 of 100
    convert, B 45 of 100 — B wins clearly."""
    engine = make_engine(e2e_database.url)
    now = datetime.now(UTC).replace(microsecond=0)
    start, end = now - timedelta(days=10), now - timedelta(days=1)
    with Session(engine) as session:
        admin_id = session.scalar(select(User.id).where(User.username == "admin"))
        values = {
            "name": NAME, "status": "completed", "start_at": start, "end_at": end, "variant_a_name": "Control",
            "variant_b_name": "Short", "baseline_rate": "0.2", "minimum_detectable_effect": "1",
            "hypothesis": "A shorter button gets more clicks.",
        }  # fmt: skip
        exp = create_experiment(session, values=values, created_by=admin_id, now=now)
        rows = []
        for variant, converted in (("A", 20), ("B", 45)):
            for i in range(100):
                person, seen = f"e2e-exp-{variant}{i}", start + timedelta(hours=2 + i * 2)
                props = {"experiment_id": exp.id, "variant": variant}
                rows.append({"person_id": person, "event_type": "campaign_view", "occurred_at": seen,
                             "properties": props})  # fmt: skip
                if i < converted:
                    click = {"experiment_id": exp.id}
                    rows.append({"person_id": person, "event_type": "cta_clicked",
                                 "occurred_at": seen + timedelta(minutes=5), "properties": click})  # fmt: skip
        session.execute(insert(AnalyticsEvent), rows)
        session.commit()
        experiment_id = exp.id
    yield experiment_id
    with Session(engine) as session:
        session.execute(delete(AnalyticsEvent).where(AnalyticsEvent.person_id.like("e2e-exp-%")))
        session.execute(delete(Experiment).where(Experiment.id == experiment_id))
        session.commit()
    engine.dispose()


def test_admin_reads_the_table_and_an_experiments_verdict(page, app_server, experiment) -> None:
    page.set_viewport_size({"width": 1366, "height": 1400})
    log_in(page, app_server["base_url"], "admin", PASSWORDS["admin"])
    show(page, "Marketplace overview")

    page.get_by_role("link", name="Experiments").click()
    show_page(page, "Experiments")
    main = page.locator("[data-testid='stMain']")
    main.locator(TABLE).first.wait_for()
    assert main.get_by_text("All experiments", exact=True).count() == 1
    page.locator(CHART).first.wait_for()

    # Open the detail of the experiment: choose it in the "Experiment" box.
    box = main.locator("[data-testid='stSelectbox']").filter(has=page.get_by_text("Experiment", exact=True))
    box.click()
    page.get_by_role("option", name=NAME).click()
    wait_until_idle(page)
    verdict = main.get_by_text("Verdict: Treatment wins", exact=True)
    verdict.wait_for()
    assert main.get_by_text("P(treatment better)", exact=False).count() >= 1
    assert main.get_by_text("Cumulative conversion rate", exact=True).count() >= 1
    assert page.locator(CHART).count() >= 3  # rates, cumulative, posteriors
    assert main.get_by_role("button", name="Mark winner").count() == 1
    wait_until_idle(page)
    screenshot(page, "admin-experiments")
    # Streamlit scrolls inside its own container: a taller window gets the whole page on one picture.
    page.set_viewport_size({"width": 1366, "height": 3400})
    wait_until_idle(page)
    screenshot(page, "admin-experiments-full")
