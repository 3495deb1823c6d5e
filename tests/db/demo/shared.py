"""What the demo test modules share besides the fixtures of conftest.py: the seed, the day and the fixture's type."""

from __future__ import annotations

from sqlalchemy import Engine

from core.demo.generator import DemoSummary
from tests.conftest import NOW

TODAY = NOW.date()
SEED = 7
Demo = tuple[Engine, DemoSummary]
