"""`python -m jobs` as a process: run exit codes, skipped rerun, unknown job, unreachable database, clean SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT
from core.migrate import upgrade


def _env(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, OUTBOX_DIR=str(tmp_path / "outbox"), APP_TIMEZONE="Europe/Berlin",
               DIGEST_PACING_SECONDS="0", ANTHROPIC_API_KEY="")  # fmt: skip
    return env


def _jobs(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jobs", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    upgrade(url)
    return url


def test_run_ok_then_skipped_and_unknown_job(tmp_path: Path, sqlite_url: str) -> None:
    env = _env(tmp_path, sqlite_url)

    first = _jobs(env, "run", "benchmarks", "--now", "2026-11-21T15:00:00+00:00")
    second = _jobs(env, "run", "benchmarks", "--now", "2026-11-21T22:30:00")  # Berlin local time, same day
    unknown = _jobs(env, "run", "nope")
    # One unknown name refuses the whole command: the known job before it does not run either.
    mixed = _jobs(env, "run", "ai-cache-purge", "nope", "--now", "2026-11-21T15:00:00+00:00")
    morning = _jobs(env, "run", "benchmarks", "goal-deadlines", "opportunity-alerts", "ai-cache-purge",
                    "--now", "2026-11-22T03:00:00")  # fmt: skip
    listing = _jobs(env, "list")

    assert first.returncode == 0, first.stderr
    assert "benchmarks (2026-11-21) ok" in first.stdout
    assert second.returncode == 0 and "skipped: period already done" in second.stdout
    assert unknown.returncode == 2 and "unknown job 'nope'" in unknown.stderr
    assert (
        "known jobs: benchmarks, goal-deadlines, opportunity-alerts, listing-scores, ai-cache-purge" in unknown.stderr
    )
    assert mixed.returncode == 2 and mixed.stdout == ""
    assert morning.returncode == 0, morning.stderr
    assert [line.split(":")[0] for line in morning.stdout.splitlines()] == [
        "benchmarks (2026-11-22) ok",
        "goal-deadlines (2026-11-22) ok",
        "opportunity-alerts (2026-11-22) ok",
        "ai-cache-purge (2026-11-22) ok",
    ]
    assert listing.returncode == 0
    assert "benchmarks" in listing.stdout and "daily at 03:00 (Europe/Berlin)" in listing.stdout
    assert "ok (2026-11-22" in listing.stdout  # the last run's status
    assert "goal-deadlines" in listing.stdout and "daily at 03:15 (Europe/Berlin)" in listing.stdout
    assert "Mondays at 09:00 (Europe/Berlin)" in listing.stdout
    assert "ai-cache-purge" in listing.stdout and "never run" in listing.stdout  # email-outbox / weekly-digest


def test_unreachable_database_fails_within_the_bound(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = _env(tmp_path, f"postgresql://nobody@127.0.0.1:{port}/nothing")

    result = _jobs(env, "run", "benchmarks", "--db-retry-seconds", "1", timeout=60)

    assert result.returncode == 1
    assert "failed: database unreachable after" in result.stderr


def test_sigterm_stops_the_runner_cleanly(tmp_path: Path, sqlite_url: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "jobs"], cwd=PROJECT_ROOT, env=_env(tmp_path, sqlite_url),
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            lines.append(line)
            if "runner started" in line or not line:
                break
        assert any("runner started" in line for line in lines), "".join(lines)
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "SIGTERM received" in rest and "runner stopped" in rest
