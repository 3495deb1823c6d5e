"""The learn library: what sellers read and how admins edit it.

The face of the package: what components and jobs call, re-exported from its modules."""

from __future__ import annotations

from core.learn.rules import (
    RESOURCE_TABS,
    RESOURCE_TYPE_LABELS,
    ResourceArticle,
    ResourceCard,
    ResourceInput,
    ResourceListItem,
    ResourceValidationError,
)

__all__ = [
    "RESOURCE_TABS",
    "RESOURCE_TYPE_LABELS",
    "ResourceArticle",
    "ResourceCard",
    "ResourceInput",
    "ResourceListItem",
    "ResourceValidationError",
]
