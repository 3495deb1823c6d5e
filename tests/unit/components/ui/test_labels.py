"""The pages' type label is core's one label (components/ui/labels.py re-exports it)."""

from __future__ import annotations

from components.ui.labels import type_label
from core.models.enums import product_type_label


def test_the_pages_use_cores_label() -> None:
    assert type_label is product_type_label
    assert type_label("EBOOK", lower=True) == "e-book"
