"""The one door to language models (DESIGN §5): typed task results from Claude or the offline engine.

A core module builds a task's payload (plain numbers and text) and calls the task function,
e.g. `pricing_advice(payload, session=s)`; payload and result types live in `core.ai.tasks.*`.
"""

from __future__ import annotations

from core.ai.anthropic_engine import AIFallback, build_anthropic_client
from core.ai.door import NO_API_KEY, OFFLINE_ENGINE, AIDoor, AIResult, Task, default_ai, get_ai
from core.ai.privacy import PersonalDataError
from core.ai.tasks.classify_opportunities import CLASSIFY_OPPORTUNITIES, classify_opportunities
from core.ai.tasks.listing_suggestions import listing_suggestions, listing_suggestions_task
from core.ai.tasks.pricing_advice import PRICING_ADVICE, pricing_advice
from core.ai.tasks.weekly_digest_text import WEEKLY_DIGEST_TEXT, weekly_digest_text
from core.ai.validation import SchemaViolation

__all__ = [
    "CLASSIFY_OPPORTUNITIES",
    "NO_API_KEY",
    "OFFLINE_ENGINE",
    "PRICING_ADVICE",
    "WEEKLY_DIGEST_TEXT",
    "AIDoor",
    "AIFallback",
    "AIResult",
    "PersonalDataError",
    "SchemaViolation",
    "Task",
    "build_anthropic_client",
    "classify_opportunities",
    "default_ai",
    "get_ai",
    "listing_suggestions",
    "listing_suggestions_task",
    "pricing_advice",
    "weekly_digest_text",
]
