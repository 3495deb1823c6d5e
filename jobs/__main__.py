"""Command line of the jobs process: `python -m jobs` (the loop), `run NAME… [--now ISO]` (jobs once), `list`,
`ingest FILE [--dry-run] [--rejects PATH]` (events from a file, `jobs.ingest`) and `collect` (the HTTP event
collector, `jobs.collector`).

`run` takes one or more job names and runs them in the order given, each claimed and recorded on its own
(`run benchmarks goal-deadlines opportunity-alerts` is the morning). Exit codes of `run`: 0 every job ok or
skipped (the period was already done), 1 one failed, 2 an unknown job or bad arguments (then nothing runs).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from core.config import SettingsError, get_settings
from core.db import get_engine, utcnow
from core.models import JobStatus
from core.ops import RetryPolicy, recent_job_runs

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def parse_now(value: str, tz: ZoneInfo) -> datetime:
    """An ISO date-time; without an offset it is read in APP_TIMEZONE. Returned in UTC."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m jobs", description="Seller Growth Toolkit jobs runner.")
    retry = argparse.ArgumentParser(add_help=False)
    retry.add_argument(
        "--db-retry-seconds",
        type=float,
        default=60.0,
        help="how long to retry an unreachable database before recording the run as failed (default 60)",
    )
    commands = parser.add_subparsers(dest="command")
    loop = commands.add_parser("loop", parents=[retry], help="run the schedule until SIGTERM/SIGINT (the default)")
    loop.add_argument("--no-catch-up", action="store_true", help="do not run missed periods at start")
    run = commands.add_parser(
        "run", parents=[retry], help="run jobs once, in the order given, and exit (0 ok/skipped, 1 failed, 2 unknown)"
    )
    run.add_argument("names", nargs="+", metavar="NAME")
    run.add_argument("--now", help="ISO date-time to run as (default: now); no offset = APP_TIMEZONE")
    commands.add_parser("list", help="the jobs, their schedule, next run and last run status")
    ingest = commands.add_parser(
        "ingest", help="load a newline-delimited JSON file of events (.gz too); exit 0 ok, 1 rejects, 2 unreadable"
    )
    ingest.add_argument("file", metavar="FILE")
    ingest.add_argument("--dry-run", action="store_true", help="check every line and count, write nothing")
    ingest.add_argument("--rejects", metavar="PATH", help="where refused lines go (default: FILE.rejects.ndjson)")
    collect = commands.add_parser("collect", help="serve the HTTP event collector (POST /track/event, /track/pageview)")
    collect.add_argument("--host", help="address to listen on (default: COLLECTOR_HOST)")
    collect.add_argument("--port", type=int, help="port to listen on (default: COLLECTOR_PORT)")
    return parser


def _retry(seconds: float) -> RetryPolicy:
    return RetryPolicy(total_seconds=seconds, first_delay=min(2.0, max(seconds / 4, 0.1)))


def command_run(args: argparse.Namespace) -> int:
    from jobs.dispatch import run_job
    from jobs.registry import JOBS

    settings = get_settings()
    unknown = [name for name in args.names if name not in JOBS]
    if unknown:
        print(f"unknown job {unknown[0]!r}; known jobs: {', '.join(JOBS)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        now = parse_now(args.now, settings.timezone) if args.now else utcnow()
    except ValueError as exc:
        print(f"--now: {exc}", file=sys.stderr)
        return EXIT_USAGE
    code = EXIT_OK
    for name in args.names:
        outcome = run_job(name, sessions=get_engine(), now=now, settings=settings, retry=_retry(args.db_retry_seconds))
        if outcome.status == JobStatus.SKIPPED:
            print(f"{name} ({outcome.period}) skipped: {outcome.detail}")
        elif outcome.status == JobStatus.OK:
            detail = f"; {outcome.detail}" if outcome.detail else ""
            print(f"{name} ({outcome.period}) ok: {outcome.rows} rows{detail}")
        else:
            print(f"{name} ({outcome.period}) failed: {outcome.error}", file=sys.stderr)
            code = EXIT_FAILED
    return code


def command_list() -> int:
    from jobs.registry import JOBS, next_run_times

    settings = get_settings()
    upcoming = next_run_times(utcnow(), settings=settings)
    try:
        from core.db import session_scope

        with session_scope() as session:
            history = recent_job_runs(session, limit_per_job=1)
    except Exception as exc:
        history, note = {}, f"unknown ({type(exc).__name__}: database unreachable?)"
    else:
        note = "never run"
    width = max(len(name) for name in JOBS)
    print(f"{'job':<{width}} {'schedule':<36} {'next run':<27} last run")
    for name, spec in JOBS.items():
        runs = history.get(name)
        last = note if not runs else f"{runs[0].status} ({runs[0].period}, {runs[0].started_at:%Y-%m-%d %H:%M} UTC)"
        when = upcoming[name].strftime("%Y-%m-%d %H:%M %Z")
        print(f"{name:<{width}} {spec.describe(settings.app_timezone):<36} {when:<27} {last}")
    return EXIT_OK


def command_loop(args: argparse.Namespace) -> int:
    from jobs.dispatch import default_claimed_by
    from jobs.runner import Runner

    stop = threading.Event()

    def ask_to_stop(signum: int, _frame: object) -> None:
        logging.getLogger("jobs.runner").info(
            "%s received: stopping after the current job", signal.Signals(signum).name
        )
        stop.set()

    signal.signal(signal.SIGTERM, ask_to_stop)
    signal.signal(signal.SIGINT, ask_to_stop)
    runner = Runner(
        sessions=get_engine(),
        settings=get_settings(),
        stop=stop,
        claimed_by=default_claimed_by(),
        retry=_retry(getattr(args, "db_retry_seconds", 60.0)),
        catch_up=not getattr(args, "no_catch_up", False),
    )
    runner.run_forever()
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    try:
        get_settings()
    except SettingsError as exc:
        print(f"settings: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "run":
        return command_run(args)
    if args.command == "list":
        return command_list()
    if args.command == "ingest":
        from jobs.ingest import command_ingest

        return command_ingest(args.file, rejects=args.rejects, dry_run=args.dry_run, engine=get_engine())
    if args.command == "collect":
        from jobs.collector import command_collect

        return command_collect(host=args.host, port=args.port)
    return command_loop(args)


if __name__ == "__main__":
    sys.exit(main())
