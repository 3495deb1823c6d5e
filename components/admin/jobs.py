"""The admin Jobs page's widgets: whether a jobs runner is alive, per job its schedule and next run (only when a
runner is alive), "Run now" (benchmarks, roll-ups, seller alerts, operator alert rules, weekly digest — the digest
after a confirmation with its number of recipients and the schedule's warnings) with progress and the outcome, and
the table of its last runs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd
import streamlit as st

from components.data import clock
from components.data import jobs as job_data
from components.ui.format import format_count, format_local
from components.ui.text import code, md
from core.accounts import Account
from core.config import get_settings
from core.models import JobStatus
from core.ops import ALIVE_WITHIN, LOCKED, PERIOD_DONE, JobOutcome, JobRunView, RunnerStatus
from jobs.registry import (
    ALERT_RULES,
    BENCHMARKS,
    CREATOR_PIPELINE,
    JOBS,
    ROLLUPS,
    SELLER_ALERTS,
    WEEKLY_DIGEST,
    JobSpec,
    next_run_times,
)

RUNNABLE = (
    BENCHMARKS.name,
    SELLER_ALERTS.name,
    WEEKLY_DIGEST.name,
    ROLLUPS.name,
    ALERT_RULES.name,
    CREATOR_PIPELINE.name,
)
MAILS_SELLERS = frozenset({WEEKLY_DIGEST.name})  # "Run now" asks first, with the number of recipients
NO_RUNNER = (
    "No jobs runner is running: scheduled jobs will not run until one is started with `make jobs` (`python -m jobs`)."
)
# Plain text with a colour (no emoji: a server without an emoji font shows boxes in their place).
STATUS_COLOURS = {"ok": "#15803d", "skipped": "#6b7280", "failed": "#b91c1c"}
DONE_NOUN = {
    BENCHMARKS.name: "rows written",
    WEEKLY_DIGEST.name: "digests queued",
    ROLLUPS.name: "roll-up rows written",
    SELLER_ALERTS.name: "seller alerts opened, followed or closed",
    ALERT_RULES.name: "operator alerts opened or resolved",
    CREATOR_PIPELINE.name: "creators added or moved",
}
RUN_NOW_HELP = {
    BENCHMARKS.name: "Recalculates every market benchmark — once per day: after today's run, a press is skipped.",
    WEEKLY_DIGEST.name: "Composes and queues every seller's weekly digest, then delivers the mail — once per ISO "
    "week: a seller never gets the same week's digest twice.",
    ROLLUPS.name: "Brings the operator roll-ups up to the last complete hour (the last two days and any hour late "
    "events touched) and the sellers' active days up to now — once per quarter hour: a second press in the same "
    "quarter is skipped.",
    SELLER_ALERTS.name: "Evaluates every approved seller's performance alerts on the last complete days and "
    "notifies each new breach in the app — once per day: after today's run, a press is skipped.",
    ALERT_RULES.name: "Evaluates the operator alert rules now: opens, follows and resolves alerts and notifies the "
    "admins — once per five minutes: a second press in the same five minutes is skipped.",
    CREATOR_PIPELINE.name: "Moves every creator on the pipeline board to the stage the marketplace's data says "
    "(stages set by hand are kept until the data moves the creator further) — once per hour: a second press in the "
    "same hour is skipped.",
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


def runner_banner(status: RunnerStatus) -> None:
    """Alive (a beat within 3 loop intervals, `core.ops.heartbeat`) or not, with the last beat's runner and age."""
    rule = f"A runner counts as alive when it beat in the last {int(ALIVE_WITHIN.total_seconds())} s."
    if status.alive and status.runner is not None:
        st.success(
            f"Runner alive on {code(status.runner)}, last beat {format_count(int(status.seconds_since_beat or 0))} "
            f"s ago. {rule}",
            icon=":material/favorite:",
        )
        return
    last = ""
    if status.runner is not None:
        how = "stopped" if status.stopped_at else "last beat"
        last = f" The last one, {code(status.runner)}, {how} {local(status.stopped_at or status.beat_at)}."
    st.warning(f"{NO_RUNNER}{last} {rule}", icon=":material/heart_broken:")


def job_section(
    spec: JobSpec, next_run: datetime | None, account: Account, history: dict[str, list[JobRunView]]
) -> bool:
    """The job's header, its "Run now" (when offered) and its last runs; True when a run was started here.

    `next_run` is None when no runner is alive: then nothing will run at the scheduled time, and the caption
    says so instead of showing a time."""
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
        if next_run is not None:
            caption.caption(f"`{spec.name}` · {spec.describe(tz_name)} · next run **{local(next_run)}** · {last_text}")
        else:
            caption.caption(
                f"{code(spec.name)} · {md(spec.describe(tz_name))} · next run — (no jobs runner is running) · "
                f"{md(last_text)}"
            )
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


def _confirm_key(name: str) -> str:
    return f"jobs_confirming_{name}"


def _go_key(name: str) -> str:
    return f"jobs_confirmed_{name}"


def _close(name: str) -> None:
    st.session_state.pop(_confirm_key(name), None)


def _go(name: str) -> None:
    _close(name)
    st.session_state[_go_key(name)] = True


def confirmation(spec: JobSpec) -> None:
    """ "E-mail 87 sellers now?" with the schedule's warnings, and Yes / Cancel (their callbacks decide the run)."""
    check = job_data.digest_check(local)
    with st.container(border=True, key=f"jobs_confirm_box_{spec.name}"):
        if check.sends_nothing:
            st.info(md(check.question), icon=":material/info:")
        else:
            st.markdown(f"**{md(check.question)}**")
        for warning in check.warnings:
            st.warning(md(warning), icon=":material/schedule:")
        yes, no, _ = st.columns([2, 1, 3])
        label = "Run anyway" if check.sends_nothing else f"Yes, e-mail {format_count(check.recipients)} now"
        yes.button(label, key=f"jobs_confirm_yes_{spec.name}", type="primary", on_click=_go, args=(spec.name,))
        no.button("Cancel", key=f"jobs_confirm_no_{spec.name}", on_click=_close, args=(spec.name,))


def run_now(spec: JobSpec, account: Account) -> bool:
    """The "Run now" button; when pressed (and, for a job that e-mails sellers, confirmed), the claimed run with
    its progress and outcome (True)."""
    pressed = st.button("Run now", key=f"jobs_run_{spec.name}", icon=":material/play_arrow:")
    st.caption(RUN_NOW_HELP[spec.name])
    if spec.name in MAILS_SELLERS:
        if pressed:
            st.session_state[_confirm_key(spec.name)] = True
        if st.session_state.get(_confirm_key(spec.name)):
            confirmation(spec)
        pressed = bool(st.session_state.pop(_go_key(spec.name), False))
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
    """Whether a runner is alive, then every job's section, in the registry's order."""
    status = job_data.runner()
    runner_banner(status)
    history = job_data.job_history()
    upcoming = next_run_times(clock.now())
    for name, spec in JOBS.items():
        job_section(spec, upcoming[name] if status.alive else None, account, history)
