"""`python -m jobs ingest FILE`: load a newline-delimited JSON file of events (plain or gzip) through `record_events`.

The file is streamed line by line in batches of `BATCH_LINES` (memory does not grow with the file), each batch one
`record_events` call (its own transaction and `ingestion_batches` row), so an interrupted load keeps the batches it
finished and a re-run inserts only what is missing (duplicates are skipped on `event_id`). Refused lines go to the
rejects file (`FILE.rejects.ndjson` unless `--rejects PATH`), one JSON object per line: `line` (1-based), `reason` and
the `text` of the line. A progress line goes to stderr; the summary (read, inserted, duplicates, rejected) to stdout.
Exit codes: 0 all good, 1 anything rejected, 2 the file is unreadable (missing, not gzip, cut short) or the database
failed (the batches finished before stay; a re-run inserts only the rest).
After `ANALYZE_AFTER_ROWS` inserted rows PostgreSQL re-analyzes `analytics_events`: autovacuum waits for 10 % of the
table to change, and the planner would otherwise not know the new rows' days.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TextIO

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from core.analytics.events import record_events
from core.db import utcnow

BATCH_LINES = 5_000
ANALYZE_AFTER_ROWS = 100_000
PROGRESS_SECONDS = 2.0
EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE = 0, 1, 2


class UnreadableFile(OSError):
    """The file cannot be opened or read to its end (the message says why)."""


@dataclass
class IngestSummary:
    """The totals of one file."""

    read: int = 0  # non-blank lines
    inserted: int = 0
    duplicates: int = 0
    rejected: int = 0
    seconds: float = 0.0
    rejects_path: Path | None = None
    error: str | None = None  # why the load stopped early (exit 2)
    analyzed: bool = False

    @property
    def exit_code(self) -> int:
        if self.error:
            return EXIT_UNREADABLE
        return EXIT_REJECTED if self.rejected else EXIT_OK

    def line(self, *, dry_run: bool = False) -> str:
        rate = self.read / self.seconds if self.seconds > 0 else 0.0
        verb = "would insert" if dry_run else "inserted"
        parts = [
            f"read {self.read:,}",
            f"{verb} {self.inserted:,}",
            f"duplicates {self.duplicates:,}",
            f"rejected {self.rejected:,}",
        ]
        where = f" (see {self.rejects_path})" if self.rejected and self.rejects_path else ""
        return f"{', '.join(parts)}{where} in {self.seconds:.1f} s ({rate:,.0f} lines/s)"


def _open(path: Path) -> IO[bytes]:
    try:
        raw = path.open("rb")
        if raw.read(2) == b"\x1f\x8b":
            raw.close()
            return gzip.open(path, "rb")
        raw.seek(0)
        return raw
    except OSError as exc:
        raise UnreadableFile(f"cannot read {path}: {exc.strerror or exc}") from None


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(line number, line) of each non-blank line; `UnreadableFile` when the file or its gzip stream breaks."""
    stream = _open(path)
    number = 0
    try:
        with stream:
            for number, line in enumerate(stream, start=1):
                if line.strip():
                    yield number, line
    except (OSError, EOFError) as exc:
        raise UnreadableFile(f"{path} is unreadable after line {number:,}: {exc}") from None


class _Rejects:
    """The rejects file, created at the first refused line (a stale one from an earlier run is replaced)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: TextIO | None = None

    def write(self, number: int, reason: str, line: bytes) -> None:
        if self._file is None:
            self._file = self.path.open("w", encoding="utf-8")
        record = {"line": number, "reason": reason, "text": line.decode("utf-8", "replace").rstrip("\r\n")}
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        elif self.path.exists():
            self.path.unlink()  # the earlier run's rejects would no longer be true


def ingest_file(
    path: Path,
    *,
    sessions: Callable[[], Session],
    rejects_path: Path | None = None,
    dry_run: bool = False,
    batch_lines: int = BATCH_LINES,
    progress: TextIO | None = None,
) -> IngestSummary:
    """Stream `path` into `analytics_events` in batches (see the module docstring); `progress` gets the progress."""
    summary = IngestSummary(rejects_path=rejects_path or path.with_name(path.name + ".rejects.ndjson"))
    rejects = _Rejects(summary.rejects_path)  # type: ignore[arg-type]
    started = last_shown = time.perf_counter()
    batch: list[tuple[int, bytes]] = []
    is_postgres = False

    def flush() -> None:
        nonlocal is_postgres
        with sessions() as session:
            is_postgres = session.get_bind().dialect.name == "postgresql"
            report = record_events(
                session, [line for _, line in batch], now=utcnow(), channel="file", origin=str(path), dry_run=dry_run
            )
        summary.inserted += report.inserted
        summary.duplicates += report.duplicates
        summary.rejected += len(report.rejected)
        for rejection in report.rejected:
            number, line = batch[rejection.index]
            rejects.write(number, rejection.reason, line)
        batch.clear()

    try:
        for number, line in _lines(path):
            batch.append((number, line))
            summary.read += 1
            if len(batch) >= batch_lines:
                flush()
                if progress is not None and time.perf_counter() - last_shown >= PROGRESS_SECONDS:
                    last_shown = time.perf_counter()
                    summary.seconds = last_shown - started
                    end = "\r" if progress.isatty() else "\n"
                    progress.write(f"{path.name}: {summary.line(dry_run=dry_run)}{end}")
                    progress.flush()
        if batch:
            flush()
    except UnreadableFile as exc:
        summary.error = str(exc)
    except SQLAlchemyError as exc:  # the database went away: the finished batches stay, a re-run is safe
        first = batch[0][0] if batch else summary.read
        summary.error = f"database error in the batch from line {first:,}: {str(exc).splitlines()[0]}"
    finally:
        rejects.close()
        summary.seconds = time.perf_counter() - started
    if is_postgres and not dry_run and summary.inserted >= ANALYZE_AFTER_ROWS:
        with sessions() as session:
            session.execute(text("ANALYZE analytics_events"))
            session.commit()
        summary.analyzed = True
    return summary


def command_ingest(path: str, *, rejects: str | None, dry_run: bool, engine: Engine) -> int:
    """The `ingest` sub-command: run `ingest_file` and print the summary; returns the exit code."""
    summary = ingest_file(
        Path(path),
        sessions=lambda: Session(engine, expire_on_commit=False),
        rejects_path=Path(rejects) if rejects else None,
        dry_run=dry_run,
        progress=sys.stderr,
    )
    if summary.error:
        print(f"ingest: {summary.error}", file=sys.stderr)
    print(("dry run: " if dry_run else "") + summary.line(dry_run=dry_run))
    if summary.analyzed:
        print(f"analyzed analytics_events (over {ANALYZE_AFTER_ROWS:,} rows inserted)")
    return summary.exit_code
