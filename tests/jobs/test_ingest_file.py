"""`python -m jobs ingest`: a generated 100,000-line file with exactly 1 % bad lines (counts and rejects exact), re-runs
inserting nothing, gzip, constant memory while streaming, and the command's exit codes in a real subprocess."""

from __future__ import annotations

import gzip
import json
import os
import random
import subprocess
import sys
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from core.analytics.events import REASON_FUTURE, REASON_MALFORMED, REASON_NAIVE, REASON_PROPERTIES_SIZE
from core.config import PROJECT_ROOT
from core.models import AnalyticsEvent
from core.models.operations import IngestionBatch
from jobs.ingest import EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE, ingest_file

# Events happen before the wall clock (ingestion compares with the real now): a fixed day in the past.
BASE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 "
    "Mobile/15E148 Safari/604.1",
)
REFERRERS = (None, "https://www.google.com/", "https://l.instagram.com/", "https://t.co/x")
TYPES = ("page_view", "product_view", "add_to_cart", "checkout_start", "purchase")
# The bad lines, in turn, with the reason each gets.
BAD_LINES: tuple[tuple[str, str], ...] = (
    ('{"event_id": "', REASON_MALFORMED),
    ("naive", REASON_NAIVE),
    ("future", REASON_FUTURE),
    ("huge", REASON_PROPERTIES_SIZE),
)


def event_line(rng: random.Random, n: int) -> str:
    """One good event as a JSON line (ids drawn from `rng`, so a seed gives the same file)."""
    event: dict[str, Any] = {
        "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "event_type": TYPES[n % len(TYPES)],
        "occurred_at": (BASE + timedelta(seconds=n)).isoformat(),
        "person_id": f"visitor-{n % 7919}",
        "session_id": f"session-{n % 30011}",
        "url": f"https://shop.example.com/p/{n % 97}?utm_source=newsletter" if n % 10 == 0 else None,
        "referrer": REFERRERS[n % len(REFERRERS)],
        "user_agent": USER_AGENTS[n % len(USER_AGENTS)],
        "country": "DE",
        "properties": {"product_id": f"p-{n % 97}"},
    }
    return json.dumps({k: v for k, v in event.items() if v is not None})


def bad_line(rng: random.Random, n: int, kind: int) -> str:
    text, _ = BAD_LINES[kind % len(BAD_LINES)]
    if text in {"naive", "future", "huge"}:
        event = json.loads(event_line(rng, n))
        if text == "naive":
            event["occurred_at"] = "2026-01-05T09:00:00"
        elif text == "future":
            event["occurred_at"] = "2999-01-01T00:00:00+00:00"
        else:
            event["properties"] = {"blob": "x" * 9000}
        return json.dumps(event)
    return text


def write_events_file(path: Path, lines: int, *, bad_every: int = 100, seed: int = 19) -> dict[int, str]:
    """Write `lines` lines, every `bad_every`-th bad (None: none); returns {line number: reason} of the bad ones."""
    rng = random.Random(seed)
    bad: dict[int, str] = {}
    opener: Callable[..., Any] = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as out:
        for n in range(1, lines + 1):
            if bad_every and n % bad_every == 0:
                kind = n // bad_every
                out.write(bad_line(rng, n, kind) + "\n")
                bad[n] = BAD_LINES[kind % len(BAD_LINES)][1]
            else:
                out.write(event_line(rng, n) + "\n")
    return bad


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AnalyticsEvent)) or 0


def read_rejects(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_100k_line_file_with_1_percent_bad_lines_counts_exactly_in_constant_memory(
    sessions: Callable[[], Session], session: Session, backend: str, tmp_path: Path
) -> None:
    small, large = tmp_path / "small.ndjson", tmp_path / "events.ndjson"
    write_events_file(small, 10_000, bad_every=0, seed=1)
    bad = write_events_file(large, 100_000)
    assert len(bad) == 1_000

    # Memory is traced on SQLite only: tracemalloc slows Python about 4x, and the streaming code is the same on both
    # backends (the backend changes only how one batch is inserted).
    trace = backend == "sqlite"
    peaks = []
    for path in (small, large):
        if trace:
            tracemalloc.start()
        summary = ingest_file(path, sessions=sessions)
        if trace:
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
    assert (summary.read, summary.inserted, summary.duplicates, summary.rejected) == (100_000, 99_000, 0, 1_000)
    if trace:  # ten times the lines, about the same peak (the batch, not the file, is in memory)
        assert peaks[1] < peaks[0] * 1.5, peaks
    assert summary.exit_code == EXIT_REJECTED
    assert count(session) == 109_000

    rejects = read_rejects(tmp_path / "events.ndjson.rejects.ndjson")
    assert [r["line"] for r in rejects] == sorted(bad)
    assert all(r["reason"].startswith(bad[r["line"]]) for r in rejects)
    assert rejects[0]["text"].startswith('{"event_id": "')  # line 100 is the first bad one: the cut-off JSON
    # 100,000 lines in batches of 5,000: 20 batch rows, plus 2 for the small file.
    batches = session.scalars(select(IngestionBatch).where(IngestionBatch.origin == str(large))).all()
    assert (len(batches), sum(b.inserted for b in batches), sum(b.rejected for b in batches)) == (20, 99_000, 1_000)

    again = ingest_file(small, sessions=sessions)  # re-runs: tests below and test_the_command_exit_codes_and_summary
    assert (again.read, again.inserted, again.duplicates, again.rejected) == (10_000, 0, 10_000, 0)


def test_gzip_files_are_read_and_a_clean_rerun_removes_the_stale_rejects_file(
    sessions: Callable[[], Session], session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "events.ndjson.gz"
    write_events_file(path, 3_000, bad_every=1_000)
    summary = ingest_file(path, sessions=sessions, batch_lines=700)
    assert (summary.read, summary.inserted, summary.rejected) == (3_000, 2_997, 3)
    rejects = tmp_path / "events.ndjson.gz.rejects.ndjson"
    assert [r["line"] for r in read_rejects(rejects)] == [1_000, 2_000, 3_000]

    write_events_file(path, 3_000, bad_every=0)  # the same good lines (same seed), the bad ones fixed
    fixed = ingest_file(path, sessions=sessions, batch_lines=700)
    assert (fixed.inserted, fixed.duplicates, fixed.rejected, fixed.exit_code) == (3, 2_997, 0, EXIT_OK)
    assert not rejects.exists()


def test_blank_lines_are_skipped_and_line_numbers_stay_true(
    sessions: Callable[[], Session], session: Session, tmp_path: Path
) -> None:
    rng = random.Random(3)
    path = tmp_path / "gaps.ndjson"
    path.write_text(f"\n{event_line(rng, 1)}\n\n   \nnot json\n{event_line(rng, 2)}\n", encoding="utf-8")
    rejects = tmp_path / "out" / "bad.ndjson"
    rejects.parent.mkdir()
    summary = ingest_file(path, sessions=sessions, rejects_path=rejects)
    assert (summary.read, summary.inserted, summary.rejected) == (3, 2, 1)
    assert [(r["line"], r["text"]) for r in read_rejects(rejects)] == [(5, "not json")]


def test_a_gzip_file_cut_short_is_unreadable_but_keeps_its_finished_batches(
    sessions: Callable[[], Session], session: Session, tmp_path: Path
) -> None:
    whole = tmp_path / "whole.ndjson.gz"
    write_events_file(whole, 20_000, bad_every=0)
    cut = tmp_path / "cut.ndjson.gz"
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    summary = ingest_file(cut, sessions=sessions, batch_lines=1_000)
    assert summary.exit_code == EXIT_UNREADABLE
    assert summary.error and "unreadable after line" in summary.error
    # Whole batches only: what was read before the break, rounded down to a batch.
    assert summary.inserted == count(session) and summary.inserted % 1_000 == 0 and summary.inserted > 0


# --------------------------------------------------------------------------- the command, in a real subprocess
@pytest.fixture
def database(fresh_db: Engine) -> Iterator[tuple[str, Engine]]:
    yield fresh_db.url.render_as_string(hide_password=False), fresh_db


def run_cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "APP_ENV": "development"}
    return subprocess.run(
        [sys.executable, "-m", "jobs", "ingest", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_command_exit_codes_and_summary(database: tuple[str, Engine], tmp_path: Path) -> None:
    url, engine = database
    good, mixed = tmp_path / "good.ndjson", tmp_path / "mixed.ndjson"
    write_events_file(good, 1_200, bad_every=0, seed=5)
    write_events_file(mixed, 400, bad_every=100, seed=6)

    dry = run_cli(url, str(good), "--dry-run")
    assert dry.returncode == EXIT_OK, dry.stderr
    assert "dry run: read 1,200, would insert 1,200, duplicates 0, rejected 0" in dry.stdout
    with Session(engine) as session:
        assert count(session) == 0

    first = run_cli(url, str(good))
    assert first.returncode == EXIT_OK, first.stderr
    assert "read 1,200, inserted 1,200, duplicates 0, rejected 0" in first.stdout
    again = run_cli(url, str(good))
    assert again.returncode == EXIT_OK
    assert "read 1,200, inserted 0, duplicates 1,200, rejected 0" in again.stdout

    rejects = tmp_path / "mixed-rejects.ndjson"
    mixed_run = run_cli(url, str(mixed), "--rejects", str(rejects))
    assert mixed_run.returncode == EXIT_REJECTED
    assert f"read 400, inserted 396, duplicates 0, rejected 4 (see {rejects})" in mixed_run.stdout
    assert [r["line"] for r in read_rejects(rejects)] == [100, 200, 300, 400]

    missing = run_cli(url, str(tmp_path / "nope.ndjson"))
    assert missing.returncode == EXIT_UNREADABLE
    assert "cannot read" in missing.stderr

    not_gzip = tmp_path / "bad.gz"
    not_gzip.write_bytes(b"\x1f\x8b" + b"not really gzip" * 10)
    broken = run_cli(url, str(not_gzip))
    assert broken.returncode == EXIT_UNREADABLE, broken.stdout + broken.stderr
    with Session(engine) as session:
        assert count(session) == 1_596
