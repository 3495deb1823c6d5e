"""Admin Jobs page (AppTest): whether a jobs runner is alive (next runs shown only then), every job with its schedule,
"Run now" for benchmarks, the roll-ups and the weekly digest (the digest after a confirmation with its number of
recipients and the schedule's warnings) with the outcome, the runs table after a run, a second press in the same
period skipped; sellers can't open it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from core.models import JobRun, JobRunnerHeartbeat
from tests.app.conftest import World, logged_in_app, pin_clock, plain

PAGE = "pages/admin/jobs.py"
# Monday 2026-11-23 10:00 UTC (APP_TIMEZONE is UTC here): benchmarks period 2026-11-23, digest period 2026-W48.
FIXED_NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock_and_outbox(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from core.config import reset_settings

    pin_clock(monkeypatch, FIXED_NOW)
    monkeypatch.setenv("OUTBOX_DIR", str(tmp_path / "outbox"))  # no SMTP: mail is written to files
    monkeypatch.setenv("DIGEST_PACING_SECONDS", "0")
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)  # the offline engine; never the network
    reset_settings()


def beat(world: World, *, at: datetime | None, stopped_at: datetime | None = None, runner: str = "jobs-1:4242") -> None:
    """The heartbeat table holds exactly one runner that last beat `at` (none at all for None)."""
    with Session(world.engine) as session:
        session.execute(delete(JobRunnerHeartbeat))
        if at is not None:
            session.add(JobRunnerHeartbeat(runner=runner, started_at=at, beat_at=at, stopped_at=stopped_at))
        session.commit()


@pytest.fixture(autouse=True)
def alive_runner(world: World) -> None:
    """A runner that beat 40 s ago (tests about a dead runner replace it)."""
    beat(world, at=FIXED_NOW - timedelta(seconds=40))


def open_page() -> AppTest:
    at = logged_in_app("admin", "admin", "Ada Admin").run()
    at.switch_page(PAGE)
    return at.run()


def run_button(at: AppTest, job: str):
    return at.button(key=f"jobs_run_{job}")


def runs(world: World, job: str) -> list[JobRun]:
    with Session(world.engine) as session:
        return list(session.scalars(select(JobRun).where(JobRun.job_name == job).order_by(JobRun.started_at.desc())))


def test_every_job_is_listed_with_its_schedule_and_next_run() -> None:
    at = open_page()

    assert not at.exception
    assert next(plain(b.value) for b in at.success).startswith("Runner alive on `jobs-1:4242`, last beat 40 s ago.")
    # In the order of the jobs table (jobs/registry.py).
    assert [h.value for h in at.subheader] == [
        "Market benchmarks",
        "Goal deadlines",
        "Opportunity alerts",
        "Listing scores",
        "AI cache clean-up",
        "Sign-in records clean-up",
        "Recommendation outcomes",
        "Seller performance alerts",
        "Anomaly detection",
        "Daily business digest",
        "Weekly coaching digest",
        "E-mail delivery and retries",
        "Operator roll-ups",
        "Operator alert rules",
        "First-sale congratulations",
        "Creator pipeline stages",
    ]
    captions = "\n".join(c.value for c in at.caption)
    # Next runs after Monday 10:00 UTC: benchmarks Tuesday 03:00, digest next Monday 09:00, outbox 10:05.
    assert "`benchmarks` · daily at 03:00 (UTC) · next run **Tue Nov 24, 03:00:00** · no run yet" in captions
    assert "`weekly-digest` · Mondays at 09:00 (UTC) · next run **Mon Nov 30, 09:00:00**" in captions
    assert "`email-outbox` · hourly at :05 · next run **Mon Nov 23, 10:05:00**" in captions
    assert "`rollups` · every 15 minutes · next run **Mon Nov 23, 10:15:00**" in captions
    assert "`listing-scores` · daily at 03:45 (UTC) · next run **Tue Nov 24, 03:45:00**" in captions
    assert "`seller-alerts` · daily at 06:30 (UTC) · next run **Tue Nov 24, 06:30:00**" in captions
    assert "`alert-rules` · every 5 minutes · next run **Mon Nov 23, 10:05:00**" in captions
    assert "`first-sale-emails` · hourly at :20 · next run **Mon Nov 23, 10:20:00**" in captions
    assert "`creator-pipeline` · hourly at :40 · next run **Mon Nov 23, 10:40:00**" in captions
    # Run now is offered for these claimed jobs only.
    assert {b.key for b in at.button if b.key and b.key.startswith("jobs_run_")} == {
        "jobs_run_benchmarks",
        "jobs_run_seller-alerts",
        "jobs_run_weekly-digest",
        "jobs_run_rollups",
        "jobs_run_alert-rules",
        "jobs_run_creator-pipeline",
    }


def test_run_benchmarks_now_then_the_same_period_is_skipped(world: World) -> None:
    at = open_page()

    run_button(at, "benchmarks").click().run()

    assert not at.exception
    (status,) = at.status
    recorded = runs(world, "benchmarks")
    assert [(r.period, r.status.value) for r in recorded] == [("2026-11-23", "ok")]
    done = f"Done: {recorded[0].rows_affected} rows written for period 2026-11-23."
    assert (status.label, status.state) == (done, "complete")
    # The runs table shows the run just made.
    table = at.dataframe[0].value
    assert list(table["Status"]) == ["● ok"] and list(table["Period"]) == ["2026-11-23"]
    assert table["Rows"].iloc[0] == recorded[0].rows_affected

    run_button(at, "benchmarks").click().run()

    (status,) = at.status
    assert status.label == "Skipped: period 2026-11-23 is already done. Nothing was sent twice."
    newest = runs(world, "benchmarks")[0]
    assert (newest.period, newest.status.value, newest.error) == ("2026-11-23", "skipped", "period already done")
    table = at.dataframe[0].value
    assert list(table["Status"]) == ["● skipped", "● ok"]


def test_run_the_weekly_digest_now_with_progress(world: World) -> None:
    at = open_page()

    run_button(at, "weekly-digest").click().run()
    # Approved, opted in, active: maya, noah and otto (pia is pending): three recipients, nothing sent yet.
    assert "**E-mail 3 sellers now?**" in [plain(m.value) for m in at.markdown]
    assert runs(world, "weekly-digest") == []
    at.button(key="jobs_confirm_yes_weekly-digest").click().run()

    assert not at.exception
    (status,) = at.status
    (digest_run,) = runs(world, "weekly-digest")
    assert (digest_run.period, digest_run.status.value) == ("2026-W48", "ok")
    assert status.state == "complete"
    assert status.label.startswith(f"Done: {digest_run.rows_affected} digests queued for period 2026-W48")
    assert at.get("progress")[0].proto.text == "Finished"

    run_button(at, "weekly-digest").click().run()
    assert [plain(i.value) for i in at.info] == [
        "This week's digest was already sent on Mon Nov 23, 10:00:00: running again sends nothing new."
    ]
    at.button(key="jobs_confirm_yes_weekly-digest").click().run()

    assert at.status[0].label.startswith("Skipped: period 2026-W48 is already done.")
    assert [r.status.value for r in runs(world, "weekly-digest")] == ["skipped", "ok"]


def test_a_failed_run_shows_its_error(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    import core.market.benchmarks

    def broken(*_args: object, **_kwargs: object) -> int:
        raise RuntimeError("segment totals exploded")

    pin_clock(monkeypatch, datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    monkeypatch.setattr(core.market.benchmarks, "recalculate_benchmarks", broken)
    at = open_page()

    run_button(at, "benchmarks").click().run()

    assert not at.exception
    (status,) = at.status
    # The error's last line is shown as text (md()-escaped): it may quote the data that caused it.
    assert (status.label, status.state) == (r"Failed: RuntimeError\: segment totals exploded", "error")
    newest = runs(world, "benchmarks")[0]
    assert (newest.period, newest.status.value) == ("2026-11-25", "failed")
    assert at.dataframe[0].value["Status"].iloc[0] == "● failed"
    (expander,) = [e for e in at.expander if e.label.startswith("Error of the")]
    assert "RuntimeError: segment totals exploded" in expander.code[0].value


def test_a_seller_cannot_open_the_jobs_page() -> None:
    at = logged_in_app("maya", "seller", "Maya Lopez").run()
    with pytest.raises(ValueError):
        at.switch_page(PAGE)


def test_without_a_live_runner_no_next_run_is_promised(world: World) -> None:
    # The last beat is 181 s old: 3 loop intervals (180 s) have passed without one.
    beat(world, at=FIXED_NOW - timedelta(seconds=181))
    at = open_page()

    assert not at.exception
    (warning,) = [plain(w.value) for w in at.warning]
    assert warning.startswith(
        "No jobs runner is running: scheduled jobs will not run until one is started with `make jobs`"
    )
    assert "The last one, `jobs-1:4242`, last beat Mon Nov 23, 09:56:59." in warning
    captions = "\n".join(plain(c.value) for c in at.caption)
    assert "`benchmarks` · daily at 03:00 (UTC) · next run — (no jobs runner is running) · " in captions
    assert "next run **" not in captions


def test_a_runner_that_stopped_is_not_alive(world: World) -> None:
    beat(world, at=FIXED_NOW - timedelta(seconds=5), stopped_at=FIXED_NOW - timedelta(seconds=5))
    at = open_page()

    (warning,) = [plain(w.value) for w in at.warning]
    assert "The last one, `jobs-1:4242`, stopped Mon Nov 23, 09:59:55." in warning
    assert not at.success


@pytest.mark.parametrize(
    ("now", "warning"),
    [
        # Sunday evening of week 49: Monday's run sends week 50's digest 11 h later.
        (
            datetime(2026, 12, 6, 22, 0, tzinfo=UTC),
            "The scheduled run is in 11 h (Mon Dec 07, 09:00:00) and sends the next one: running now means sellers "
            "get two e-mails 11 h apart.",
        ),
        # Monday 00:30 of week 51: the 09:00 run would find the week done.
        (
            datetime(2026, 12, 14, 0, 30, tzinfo=UTC),
            "The scheduled run is in 8 h (Mon Dec 14, 09:00:00) — running now means sellers get it now and not "
            "again then.",
        ),
    ],
)
def test_the_confirmation_warns_when_the_scheduled_run_is_near(
    world: World, monkeypatch: pytest.MonkeyPatch, now: datetime, warning: str
) -> None:
    pin_clock(monkeypatch, now)
    beat(world, at=now - timedelta(seconds=10))
    at = open_page()

    run_button(at, "weekly-digest").click().run()

    assert "**E-mail 3 sellers now?**" in [plain(m.value) for m in at.markdown]
    assert [plain(w.value) for w in at.warning] == [warning]
    # Cancel: the box closes and nothing runs.
    at.button(key="jobs_confirm_no_weekly-digest").click().run()
    assert not any(b.key == "jobs_confirm_yes_weekly-digest" for b in at.button)
    assert not at.status
    with Session(world.engine) as session:
        periods = {r.period for r in session.scalars(select(JobRun).where(JobRun.job_name == "weekly-digest"))}
    assert periods.isdisjoint({"2026-W49", "2026-W51"})


def test_run_the_rollups_now(world: World) -> None:
    at = open_page()

    run_button(at, "rollups").click().run()

    assert not at.exception
    # Monday 10:00 UTC: the quarter 10:00; the world's events are rolled up to the last complete hour.
    assert [(r.status.value, r.period) for r in runs(world, "rollups")] == [("ok", "2026-11-23T10:00")]
    assert any("Done:" in s.label and "roll-up rows written for period 2026-11-23T10:00" in s.label for s in at.status)
