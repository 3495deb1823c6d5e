"""The app's one clock: `now()` (aware, UTC) and `today()` (the marketplace's calendar day). Tests pin time here.

Every widget and data module asks this module (as `clock.now()`, never a copied name) so a test that patches
`components.data.clock.now` moves every page, cache key and write to the same moment.
"""

from __future__ import annotations

from datetime import date, datetime

from core.config import get_settings
from core.db import utcnow


def now() -> datetime:
    """This moment, timezone-aware in UTC."""
    return utcnow()


def today() -> date:
    """Today in the marketplace's time zone (APP_TIMEZONE), by `now()`."""
    return now().astimezone(get_settings().timezone).date()


def utc_today() -> date:
    """Today's date in UTC, by `now()` (for core windows that end at UTC midnight, like the sales forecast)."""
    return now().date()
