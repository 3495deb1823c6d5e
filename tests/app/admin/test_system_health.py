"""System health page (AppTest, as admin): the strip shows core's checks (colour word, value, thresholds), a chart
per check with history, the recent-errors log with details; a seller cannot reach the page.

The clock is pinned at F = today 15:00 UTC; the events, outbox rows and job runs sit at fixed offsets from F.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from components.admin import system_health as page
from components.data.health import job_schedules
from core.config import PROJECT_ROOT
from core.models import EmailOutbox, EmailStatus, JobRun, JobStatus
from core.ops.health import system_health
from tests.app.conftest import RUN_TIMEOUT, World, logged_in_app, pin_clock, plain
from tests.factories import add_event

PAGE = "pages/admin/system_health.py"
H, M = timedelta(hours=1), timedelta(minutes=1)


@pytest.fixture(scope="module")
def frozen(world: World) -> datetime:
    return datetime.combine(world.today, time(15, 0), tzinfo=UTC)


@pytest.fixture(scope="module", autouse=True)
def trouble(world: World, frozen: datetime) -> Iterator[None]:
    F = frozen
    with Session(world.engine) as s:
        for i in range(6):  # 6 webhook failures in 15 minutes: red (above 5)
            add_event(s, person_id=f"w{i}", event_type="webhook_failed", occurred_at=F - (i + 1) * M)
        add_event(s, person_id="visitor-9", event_type="error", occurred_at=F - 4 * M, message="checkout 500",
                  path="/checkout")  # fmt: skip
        s.add(JobRun(job_name="benchmarks", period=f"{world.today}", status=JobStatus.FAILED, started_at=F - 2 * H,
                     finished_at=F - 2 * H + M, error="Traceback …\nValueError: no categories"))  # fmt: skip
        mail = EmailOutbox(kind="test", to_address="a@example.com", subject="s", html_body="b", text_body="b",
                           status=EmailStatus.QUEUED)  # fmt: skip
        mail.created_at = F - 90 * M  # waiting 90 minutes: red (above 60)
        s.add(mail)
        s.commit()
    yield


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch, frozen: datetime) -> None:
    pin_clock(monkeypatch, frozen)


def admin_page() -> AppTest:
    """The page as the logged-in admin (opened by its file: the menu entry is app.py's)."""
    at = AppTest.from_file(str(PROJECT_ROOT / PAGE), default_timeout=RUN_TIMEOUT)
    fresh = logged_in_app("admin", "admin", "Ada Admin")
    for key in ("authentication_status", "username", "name", "roles", "sgt_session_id"):
        at.session_state[key] = fresh.session_state[key]
    return at.run()


def test_the_strip_shows_core_checks(world: World, frozen: datetime) -> None:
    at = admin_page()
    assert not at.exception
    assert [t.value for t in at.title] == ["System health"]
    with Session(world.engine) as s:
        expected = system_health(s, now=frozen, schedules=job_schedules())
    markdown = [plain(m.value) for m in at.markdown]
    for check in expected:
        assert f"{page.colour_label(check.colour)} **{check.label}**" in markdown
        if check.key != "db_round_trip":  # measured again on each read: only its tile's presence is compared
            assert f"#### {check.value_text}" in markdown
    by_key = {c.key: c for c in expected}
    # By hand: 6 webhook failures (red), the oldest mail 90 min (red), 1 error with a quiet week (1 × usual: green).
    assert by_key["webhook_failures"].value_text == "6 failures" and by_key["webhook_failures"].colour == "red"
    assert by_key["oldest_queued"].value_text == "90 min" and by_key["oldest_queued"].colour == "red"
    assert by_key["error_rate"].colour == "green"
    assert by_key["jobs"].colour in ("yellow", "red")  # benchmarks' latest run failed
    assert plain(at.markdown[0].value) == f"**{page.summary_line(expected)}**"


def test_a_chart_per_check_with_history(world: World) -> None:
    at = admin_page()
    charts = at.get("vega_lite_chart")
    # 11 checks; the database's round trip and size keep no history (a note instead of a chart).
    assert len(charts) == 9
    notes = [plain(c.value) for c in at.caption]
    assert notes.count("Measured now only: no history is kept for this check.") == 2


def test_the_recent_errors_log_lists_the_error_event_and_the_failed_run(world: World) -> None:
    at = admin_page()
    log = at.dataframe[0].value
    assert list(log["What"]) == ["error event", "failed job"]
    assert list(log["Message"]) == ["checkout 500", "ValueError: no categories"]
    assert len(at.expander) == 2
    details = [c.value for c in at.code]
    assert '"message": "checkout 500"' in details[0] and '"path": "/checkout"' in details[0]


def test_a_seller_cannot_reach_the_page(world: World) -> None:
    at = logged_in_app("maya", "seller", "Maya Lopez").run()
    with pytest.raises(ValueError):
        at.switch_page(PAGE)
    assert "System health" not in [t.value for t in at.title]


def test_the_page_itself_stops_a_seller(world: World) -> None:
    at = AppTest.from_file(str(PROJECT_ROOT / PAGE), default_timeout=RUN_TIMEOUT)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "maya"
    at.session_state["name"] = "Maya Lopez"
    at.session_state["roles"] = ["seller"]
    at.run()
    assert [e.value for e in at.error] == ["This page is only for admins."]
    assert not at.title and not at.get("vega_lite_chart")
