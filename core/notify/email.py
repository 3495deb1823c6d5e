"""The e-mail outbox: queue a message once per idempotency key, then deliver it by SMTP or as an `.eml` file.

Mail is written to `email_outbox` in the caller's transaction (`queue_email`), and delivered
afterwards (`deliver_pending`), one message per transaction, so a crash never loses a queued
message.

The order is: hand the message over, then commit the SENT row. It stays so on purpose: committing
SENT first would lose the message for good if the process died before the hand-over (the row says
sent, nobody got it). The price is at-least-once delivery, and a crash between the two steps has
one consequence per sender:

* `.eml` files: none. The file of a row always has the same path (`<outbox_dir>/<day queued>/<id>.eml`)
  and is written through a rename, so the next run replaces it: still one file per message.
* SMTP: the message is sent a second time. It carries the same `Message-ID` (`<row id@…>`, stable per
  outbox row), so mail programs and servers recognise the re-send as the same message.

Senders: `SmtpSender` when `SMTP_HOST` is set (STARTTLS when configured, login when a user is
set, a timeout); otherwise `EmlFileSender`, so a newcomer can open the mail in any mail program.
Failures are recorded on the row (attempts, last_error, FAILED) and retried by later runs until
`email_max_attempts`.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.config import Settings
from core.db import insert_for, new_id
from core.models import EmailOutbox, EmailStatus

log = logging.getLogger(__name__)

MAX_ERROR_CHARS = 2000
MESSAGE_ID_DOMAIN = "seller-growth-toolkit"
SMTP_TIMEOUT_SECONDS = 30.0


def queue_email(
    session: Session,
    *,
    idempotency_key: str,
    kind: str,
    to_user_id: str | None,
    to_address: str,
    subject: str,
    html: str,
    text: str,
    now: datetime,
) -> EmailOutbox | None:
    """Add a message to the outbox, or return None when a message with this key exists already.

    INSERT … ON CONFLICT DO NOTHING RETURNING: two runners queueing the same key never both win,
    and nothing is raised into the caller's transaction. Does not commit.
    """
    statement = (
        insert_for(session, EmailOutbox)
        .values(
            id=new_id(),
            idempotency_key=idempotency_key,
            kind=kind,
            to_user_id=to_user_id,
            to_address=to_address,
            subject=subject,
            html_body=html,
            text_body=text,
            status=EmailStatus.QUEUED,
            attempts=0,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(EmailOutbox.id)
    )
    new = session.scalar(statement)
    return None if new is None else session.get(EmailOutbox, new)


def message_id(row: EmailOutbox) -> str:
    """The row's Message-ID: the same for every attempt, so a re-sent message is recognisably the same one."""
    return f"<{row.id}@{MESSAGE_ID_DOMAIN}>"


def build_message(row: EmailOutbox, *, mail_from: str, now: datetime) -> EmailMessage:
    """A multipart/alternative message: the plain-text part first, the HTML part preferred by mail programs."""
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = format_datetime(now)
    # Stable per outbox row: a message delivered twice (at-least-once) shows up as one in most mail programs.
    message["Message-ID"] = message_id(row)
    message.set_content(row.text_body)
    message.add_alternative(row.html_body, subtype="html")
    return message


class Sender(Protocol):
    name: str
    paced: bool  # True when messages should be spaced out (a real mail server)

    def send(self, row: EmailOutbox, message: EmailMessage, *, now: datetime) -> str: ...

    def close(self) -> None: ...


class EmlFileSender:
    """Writes each message as `<dir>/<yyyy-mm-dd>/<id>.eml`, the day the row was queued (UTC), so a second attempt
    replaces the first file instead of adding one; returns the path (the row's `delivered_to`)."""

    name = "eml"
    paced = False

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def send(self, row: EmailOutbox, message: EmailMessage, *, now: datetime) -> str:
        folder = self.directory / row.created_at.astimezone(UTC).date().isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{row.id}.eml"
        # Write then rename: a reader never sees half a file.
        partial = path.with_suffix(".eml.part")
        partial.write_bytes(message.as_bytes())
        partial.replace(path)
        return str(path)

    def close(self) -> None:
        return None


class SmtpSender:
    """Delivers over one SMTP connection per run (STARTTLS and login as configured), reconnecting after errors."""

    name = "smtp"
    paced = True

    def __init__(self, settings: Settings, *, timeout: float = SMTP_TIMEOUT_SECONDS) -> None:
        if not settings.smtp_host:
            raise ValueError("SmtpSender needs SMTP_HOST")
        self.host, self.port = settings.smtp_host, settings.smtp_port
        self.starttls, self.timeout = settings.smtp_starttls, timeout
        self.username, self.password = settings.smtp_username, settings.smtp_password
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self._connection is None:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            try:
                connection.ehlo()
                if self.starttls:
                    connection.starttls(context=ssl.create_default_context())
                    connection.ehlo()
                if self.username:
                    connection.login(self.username, self.password or "")
            except BaseException:
                connection.close()
                raise
            self._connection = connection
        return self._connection

    def send(self, row: EmailOutbox, message: EmailMessage, *, now: datetime) -> str:
        try:
            self._connect().send_message(message)
        except BaseException:
            self.close()  # a broken connection is not reused for the next message
            raise
        return f"smtp://{self.host}:{self.port}"

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.quit()
            except (smtplib.SMTPException, OSError):
                self._connection.close()
            self._connection = None


def sender_for(settings: Settings) -> Sender:
    """SMTP when a host is configured, else `.eml` files under `outbox_dir` (the embedded default)."""
    return SmtpSender(settings) if settings.smtp_host else EmlFileSender(settings.outbox_dir)


@dataclass
class DeliveryReport:
    sender: str
    attempted: int = 0
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.sent} of {self.attempted} e-mails delivered ({self.sender}), {self.failed} failed"


def pending_ids(session: Session, *, max_attempts: int, kind: str | None = None) -> list[str]:
    """Queued messages and failed ones with attempts left, oldest first."""
    query = (
        select(EmailOutbox.id)
        .where(EmailOutbox.status != EmailStatus.SENT, EmailOutbox.attempts < max_attempts)
        .order_by(EmailOutbox.created_at, EmailOutbox.id)
    )
    if kind is not None:
        query = query.where(EmailOutbox.kind == kind)
    return list(session.scalars(query))


def _take(session: Session, message_id: str, *, max_attempts: int, now: datetime) -> bool:
    """Count an attempt on the row if it is still undelivered; the UPDATE's row lock keeps a second runner out.

    A concurrent runner's UPDATE waits for our commit and then finds the row SENT (0 rows): no double send.
    """
    result = session.execute(
        update(EmailOutbox)
        .where(
            EmailOutbox.id == message_id,
            EmailOutbox.status != EmailStatus.SENT,
            EmailOutbox.attempts < max_attempts,
        )
        .values(attempts=EmailOutbox.attempts + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def deliver_pending(
    session: Session,
    *,
    settings: Settings,
    now: datetime,
    sender: Sender | None = None,
    pacing_seconds: float | None = None,
    sleep: Callable[[float], Any] = time.sleep,
    kind: str | None = None,
) -> DeliveryReport:
    """Deliver every pending message (optionally of one `kind`), committing after each one.

    With a paced sender (SMTP) messages are spaced `pacing_seconds` apart (default: the digest
    pacing setting, seed 000's 500 ms). Each failure is stored on its row and does not stop the rest.
    """
    sender = sender or sender_for(settings)
    pace = settings.digest_pacing_seconds if pacing_seconds is None else pacing_seconds
    report = DeliveryReport(sender=sender.name)
    try:
        for message_id in pending_ids(session, max_attempts=settings.email_max_attempts, kind=kind):
            if not _take(session, message_id, max_attempts=settings.email_max_attempts, now=now):
                session.rollback()
                continue
            row = session.get(EmailOutbox, message_id, populate_existing=True)
            assert row is not None  # the UPDATE above just matched it
            if report.attempted and sender.paced and pace > 0:
                sleep(pace)
            report.attempted += 1
            try:
                row.delivered_to = sender.send(row, build_message(row, mail_from=settings.mail_from, now=now), now=now)
            except Exception as exc:
                row.status = EmailStatus.FAILED
                row.last_error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
                report.failed += 1
                report.errors.append(row.last_error)
                log.warning("e-mail %s (attempt %d) failed: %s", row.id, row.attempts, row.last_error)
            else:
                row.status = EmailStatus.SENT
                row.sent_at = now
                row.last_error = None
                report.sent += 1
            session.commit()
    finally:
        sender.close()
    if report.attempted:
        log.info("outbox: %s", report.summary())
    return report
