"""Portable column types shared by the models: enums as checked strings, JSON as JSONB on PostgreSQL."""

from __future__ import annotations

import enum

from sqlalchemy import JSON, Enum
from sqlalchemy.dialects.postgresql import JSONB

# JSONB on PostgreSQL (indexable, compact), JSON text on SQLite.
JSONType = JSON().with_variant(JSONB(), "postgresql")


def enum_type(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A string column restricted to the enum's values by a CHECK constraint on both databases.

    Native PostgreSQL enums are avoided on purpose: they need their own migration
    dance and do not exist on SQLite, and one migration history serves both.
    """
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls) + 8,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )
