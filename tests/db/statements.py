"""Counting the SQL a piece of code runs: `Statements(session)` records every statement sent on the session's engine
until `close()`, so a test can assert that a loader's cost does not grow with the number of rows."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session


class Statements:
    """The SQL statements run on the session's engine while open (text only)."""

    def __init__(self, session: Session) -> None:
        self.engine = session.get_bind().engine
        self.seen: list[str] = []
        event.listen(self.engine, "before_cursor_execute", self._record)

    def _record(self, _conn: object, _cursor: object, statement: str, *_args: object) -> None:
        self.seen.append(statement)

    @property
    def count(self) -> int:
        return len(self.seen)

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)
