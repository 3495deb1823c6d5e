"""The e-mail outbox on both databases: idempotent queueing, .eml files, SMTP delivery, failures and retries."""

from __future__ import annotations

import email
import socket
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.config import load_settings
from core.models import EmailOutbox, EmailStatus
from core.notify.email import EmlFileSender, SmtpSender, deliver_pending, message_id, queue_email
from tests.conftest import NOW
from tests.factories import make_user


def _queue(session: Session, key: str, *, subject: str = "Hello") -> EmailOutbox | None:
    user = make_user(session)
    return queue_email(
        session, idempotency_key=key, kind="test", to_user_id=user.id, to_address=user.email, subject=subject,
        html="<p>Hello &amp; welcome</p>", text="Hello & welcome", now=NOW,
    )  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collect:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def test_queue_is_idempotent_by_key(session: Session) -> None:
    first = _queue(session, "k-1")
    second = _queue(session, "k-1", subject="Other")

    assert first is not None and first.status == EmailStatus.QUEUED and first.attempts == 0
    assert second is None
    assert session.scalars(select(EmailOutbox.subject).where(EmailOutbox.idempotency_key == "k-1")).all() == ["Hello"]


def test_default_sender_writes_eml_files(session: Session, tmp_path: Path) -> None:
    row = _queue(session, "k-eml")
    settings = load_settings(env={"OUTBOX_DIR": str(tmp_path)})

    report = deliver_pending(session, settings=settings, now=NOW)

    assert (report.sender, report.attempted, report.sent) == ("eml", 1, 1)
    session.refresh(row)
    path = Path(row.delivered_to)
    assert path == tmp_path / "2026-11-21" / f"{row.id}.eml" and path.exists()
    assert (row.status, row.attempts, row.sent_at) == (EmailStatus.SENT, 1, NOW)
    parsed = email.message_from_bytes(path.read_bytes())
    assert parsed["Subject"] == "Hello" and parsed["To"] == row.to_address
    parts = {p.get_content_type(): p.get_payload(decode=True).decode() for p in parsed.walk() if not p.is_multipart()}
    assert parts["text/plain"].strip() == "Hello & welcome"
    assert parts["text/html"].strip() == "<p>Hello &amp; welcome</p>"
    assert deliver_pending(session, settings=settings, now=NOW).attempted == 0  # sent mail is not sent again


def test_smtp_refused_is_recorded_then_retried_when_the_server_is_up(session: Session) -> None:
    port = _free_port()
    settings = load_settings(
        env={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_STARTTLS": "false", "EMAIL_MAX_ATTEMPTS": "3"}
    )
    first, second = _queue(session, "k-a", subject="First"), _queue(session, "k-b", subject="Second")
    pauses: list[float] = []

    down = deliver_pending(session, settings=settings, now=NOW, sleep=pauses.append)

    assert (down.sender, down.attempted, down.sent, down.failed) == ("smtp", 2, 0, 2)
    session.refresh(first)
    assert (first.status, first.attempts) == (EmailStatus.FAILED, 1)
    assert "ConnectionRefusedError" in first.last_error

    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        up = deliver_pending(session, settings=settings, now=NOW, sleep=pauses.append)
    finally:
        controller.stop()

    assert (up.attempted, up.sent, up.failed) == (2, 2, 0)
    # A real mail server is paced: 0.5 s (seed 000) between two messages of one run, none before the first.
    assert pauses == [0.5, 0.5]
    for row in (first, second):
        session.refresh(row)
        assert (row.status, row.attempts, row.last_error) == (EmailStatus.SENT, 2, None)
        assert row.delivered_to == f"smtp://127.0.0.1:{port}"
    assert sorted(m["Subject"] for m in handler.messages) == ["First", "Second"]
    assert {m.get_content_type() for m in handler.messages} == {"multipart/alternative"}


@pytest.mark.parametrize("max_attempts", [2])
def test_failed_mail_stops_after_the_attempt_limit(session: Session, max_attempts: int) -> None:
    settings = load_settings(
        env={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(_free_port()), "SMTP_STARTTLS": "false",
             "EMAIL_MAX_ATTEMPTS": str(max_attempts)}
    )  # fmt: skip
    row = _queue(session, "k-limit")

    attempted = [deliver_pending(session, settings=settings, now=NOW).attempted for _ in range(3)]

    assert attempted == [1, 1, 0]  # two tries, then the row is left FAILED for an operator
    session.refresh(row)
    assert (row.status, row.attempts) == (EmailStatus.FAILED, 2)


# ---------------------------------------------------------------- a crash between the hand-over and the commit


class Crash(BaseException):
    """The process dying right after the sender returned, before `deliver_pending` commits the SENT row."""


class CrashAfterFirstSend:
    """Wraps a real sender: the first message is really handed over, then the "process" dies."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.paced, self.crashed = inner, inner.name, False, False

    def send(self, row, message, *, now):
        delivered = self.inner.send(row, message, now=now)
        if not self.crashed:
            self.crashed = True
            raise Crash
        return delivered

    def close(self) -> None:
        self.inner.close()


def test_a_crash_before_the_commit_rewrites_the_same_eml_file_next_time(session: Session, tmp_path: Path) -> None:
    """The order stays "write, then commit SENT" (committing first would lose the mail in a crash); the file of a
    row has one path, so the next run replaces it instead of adding a second copy — even on another day."""
    row = _queue(session, "k-crash-eml")
    session.commit()  # queued by an earlier transaction
    settings = load_settings(env={"OUTBOX_DIR": str(tmp_path)})
    sender = CrashAfterFirstSend(EmlFileSender(tmp_path))

    with pytest.raises(Crash):
        deliver_pending(session, settings=settings, now=NOW, sender=sender)
    session.rollback()  # the crashed run's transaction never committed
    session.refresh(row)
    assert (row.status, row.attempts) == (EmailStatus.QUEUED, 0)  # not lost: still waiting
    assert [p.relative_to(tmp_path) for p in tmp_path.rglob("*.eml")] == [Path("2026-11-21") / f"{row.id}.eml"]

    report = deliver_pending(session, settings=settings, now=NOW + timedelta(days=1), sender=sender)

    assert (report.attempted, report.sent) == (1, 1)
    session.refresh(row)
    assert (row.status, row.attempts) == (EmailStatus.SENT, 1)
    files = sorted(tmp_path.rglob("*.eml*"))
    assert files == [tmp_path / "2026-11-21" / f"{row.id}.eml"] and row.delivered_to == str(files[0])
    assert email.message_from_bytes(files[0].read_bytes())["Message-ID"] == f"<{row.id}@seller-growth-toolkit>"


def test_a_resent_smtp_message_carries_the_same_message_id(session: Session) -> None:
    """A crash after the SMTP hand-over sends the message again (at-least-once): the real server receives it
    twice, with one Message-ID per outbox row, so mail programs recognise the copy."""
    port = _free_port()
    settings = load_settings(env={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_STARTTLS": "false"})
    first, second = _queue(session, "k-resend-1", subject="First"), _queue(session, "k-resend-2", subject="Second")
    session.commit()
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with pytest.raises(Crash):
            deliver_pending(session, settings=settings, now=NOW, sender=CrashAfterFirstSend(SmtpSender(settings)))
        session.rollback()
        report = deliver_pending(session, settings=settings, now=NOW + timedelta(minutes=5), pacing_seconds=0)
    finally:
        controller.stop()

    assert (report.attempted, report.sent) == (2, 2)
    received = [(m["Subject"], m["Message-ID"]) for m in handler.messages]
    # Oldest first, ties by id: the same row comes first in both runs. It was handed over before the crash and
    # again after it, with the same id both times; the other row once.
    assert len(received) == 3 and received[0] == received[1]
    assert set(received) == {
        ("First", f"<{first.id}@seller-growth-toolkit>"),
        ("Second", f"<{second.id}@seller-growth-toolkit>"),
    }
    assert message_id(first) != message_id(second)
    for row in (first, second):
        session.refresh(row)
        assert (row.status, row.attempts) == (EmailStatus.SENT, 1)
