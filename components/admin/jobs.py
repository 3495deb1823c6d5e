"""The admin Jobs page's widgets: per job its schedule and next run, "Run now" (benchmarks, weekly digest) with
progress and the outcome, and the table of its last runs with their errors."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd
import streamlit as st

from components.data import clock
from components.data import jobs as job_data
from components.ui.format import format_count, format_local
from components.ui.text import md
from core.accounts import Account
from core.config import get_settings
from core.models import JobStatus
from core.ops import LOCKED, PERIOD_DONE, JobOutcome, JobRunView
from jobs.registry import BENCHMARKS, JOBS, WEEKLY_DIGEST, JobSpec, next_run_times

RUNNABLE = (BENCHMARKS.name, WEEKLY_DIGEST.name)
# Plain text with a colour (no emoji: a server without an emoji font shows boxes in their place).
STATUS_COLOURS = {"ok": "#15803d", "skipped": "#6b7280", "failed": "#b91c1c"}
DONE_NOUN = {BENCHMARKS.name: "rows written", WEEKLY_DIGEST.name: "digests queued"}
RUN_NOW_HELP = {
    BENCHMARKS.name: "Recalculates every market benchmark — once per day: after today's run, a press is skipped.",
    WEEKLY_DIGEST.name: "Composes and queues every seller's weekly digest, then delivers the mail — once per ISO "
    "week: a seller never gets the same week's digest twice.",
}


def local(moment: datetime | None) -> str:
    return format_local(moment, "%a %b %d, %H:%M:%S")


def duration_text(seconds: float | None) -> str:
    """`0.4 s`, `12.0 s`, `3 min 05 s`; empty while a run has no end."""
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def runs_frame(runs: Sequence[JobRunView]) -> pd.DataFrame:
    rows = [
        {
            "Status": f"● {run.status}",
            "Period": run.period,
            "Started": local(run.started_at),
            "Duration": duration_text(run.duration_seconds),
            "Rows": run.rows_affected,
            "Detail": (run.error or "").splitlines()[0][:120] if run.error else "",
        }
        for run in runs
    ]
    frame = pd.DataFrame(rows, columns=["Status", "Period", "Started", "Duration", "Rows", "Detail"])
    return frame.astype({"Rows": "Int64"})


# ---------------------------------------------------------------- one job's section


def job_section(spec: JobSpec, next_run: datetime, account: Account, history: dict[str, list[JobRunView]]) -> bool:
    """The job's header, its "Run now" (when offered) and its last runs; True when a run was started here."""
    tz_name = get_settings().app_timezone
    ran = False
    with st.container(border=True, key=f"job_{spec.name}"):
        st.subheader(spec.title)
        caption = st.empty()
        if spec.name in RUNNABLE:
            ran = run_now(spec, account)
            if ran:
                history.update(job_data.job_history())  # the table below must show the run just made
        runs = history.get(spec.name, [])
        last = runs[0] if runs else None
        last_text = f"last run {local(last.started_at)} ({last.status})" if last else "no run yet"
        caption.caption(f"`{spec.name}` · {spec.describe(tz_name)} · next run **{local(next_run)}** · {last_text}")
        runs_table(spec, runs)
    return ran


def runs_table(spec: JobSpec, runs: Sequence[JobRunView]) -> None:
    if not runs:
        st.caption("No runs recorded yet.")
        return
    st.dataframe(
        runs_frame(runs).style.map(_status_colour, subset=["Status"]),
        hide_index=True,
        width="stretch",
        placeholder="—",
        column_config={
            "Status": st.column_config.TextColumn(width="small"),
            "Duration": st.column_config.TextColumn(width="small"),
            "Rows": st.column_config.NumberColumn(help="Rows the run wrote (or e-mails sent)", width="small"),
            "Detail": st.column_config.TextColumn(help="Why a run was skipped, or its error", width="large"),
        },
        key=f"jobs_runs_{spec.name}",
    )
    for run in runs:
        if run.status == JobStatus.FAILED.value and run.error:
            with st.expander(f"Error of the {local(run.started_at)} run ({run.period})", icon=":material/error:"):
                st.code(run.error, language=None)


def _status_colour(cell: str) -> str:
    colour = STATUS_COLOURS.get(cell.removeprefix("● "))
    return f"color: {colour}; font-weight: 600" if colour else ""


def run_now(spec: JobSpec, account: Account) -> bool:
    """The "Run now" button; when pressed, the claimed run with its progress and outcome (True)."""
    pressed = st.button("Run now", key=f"jobs_run_{spec.name}", icon=":material/play_arrow:")
    st.caption(RUN_NOW_HELP[spec.name])
    # Always drawn, empty unless pressed: the elements below keep their place, so a run in progress never
    # shows the previous run's table twice while Streamlit replaces the page.
    outcome_area = st.container()
    if not pressed:
        return False
    with outcome_area, st.status(f"Running {spec.name}…", expanded=True) as status:
        bar = st.progress(0.0, text="Waiting for the job's lock and this period's claim…")

        def progress(done: int, total: int) -> None:
            bar.progress(
                min(1.0, done / total) if total else 1.0, text=f"Seller {format_count(done)} of {format_count(total)}"
            )

        outcome = job_data.run_now(spec.name, claimed_by=f"app:{account.username}", progress=progress)
        bar.progress(1.0, text="Finished")
        label, state = outcome_message(outcome)
        status.update(label=label, state=state, expanded=outcome.status == JobStatus.FAILED)
        if outcome.status == JobStatus.FAILED:
            st.code(outcome.error or "", language=None)
    return True


def outcome_message(outcome: JobOutcome) -> tuple[str, str]:
    """(status label, status state) for a run-now outcome."""
    if outcome.status == JobStatus.OK:
        detail = f" — {md(outcome.detail)}" if outcome.detail else ""
        what = DONE_NOUN.get(outcome.job_name, "rows written")
        return f"Done: {outcome.rows or 0} {what} for period {outcome.period}{detail}.", "complete"
    if outcome.status == JobStatus.SKIPPED:
        if outcome.detail == PERIOD_DONE:
            return f"Skipped: period {outcome.period} is already done. Nothing was sent twice.", "complete"
        if outcome.detail == LOCKED:
            return "Skipped: the jobs runner is running this job right now.", "complete"
        return f"Skipped: {md(outcome.detail)}.", "complete"
    # The last line of an error can quote the data that caused it.
    return f"Failed: {md((outcome.error or 'unknown error').splitlines()[-1][:200])}", "error"


def all_jobs(account: Account) -> None:
    """Every job's section, in the registry's order."""
    history = job_data.job_history()
    upcoming = next_run_times(clock.now())
    for name, spec in JOBS.items():
        job_section(spec, upcoming[name], account, history)
