"""Apply or roll back the Alembic migrations from code (make run, tests, the demo loader)."""

from __future__ import annotations

import argparse
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from core.config import PROJECT_ROOT, get_settings
from core.db import make_engine


def alembic_config(database_url: str) -> Config:
    cfg = Config(str(Path(PROJECT_ROOT) / "alembic.ini"))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)


def upgrade_engine(engine: Engine, revision: str = "head") -> None:
    """Migrate through an existing engine's connection (keeps in-memory or test databases)."""
    cfg = alembic_config(str(engine.url))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def main() -> None:
    parser = argparse.ArgumentParser(description="Migrate the database to the newest schema.")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("direction", nargs="?", choices=["upgrade", "downgrade"], default="upgrade")
    parser.add_argument("revision", nargs="?", default=None)
    args = parser.parse_args()
    url = args.database_url or get_settings().database_url
    make_engine(url).dispose()  # creates data/ for a SQLite file
    if args.direction == "upgrade":
        upgrade(url, args.revision or "head")
    else:
        downgrade(url, args.revision or "base")


if __name__ == "__main__":
    main()
