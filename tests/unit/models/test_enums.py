"""The one type label: the same word for a product type on every page and in core's texts (core/models/enums.py)."""

from __future__ import annotations

import pytest

from core.models.enums import DigitalProductType
from core.models.enums import product_type_label as type_label


@pytest.mark.parametrize(
    ("product_type", "label", "lower"),
    [
        (DigitalProductType.EBOOK, "E-book", "e-book"),
        (DigitalProductType.POWERPOINT, "PowerPoint", "PowerPoint"),  # a proper name keeps its capitals
        (DigitalProductType.WEB_TEMPLATE, "Web template", "web template"),
        (DigitalProductType.PLANNER, "Planner", "planner"),
        ("COURSE", "Course", "course"),  # the stored string reads the same as the enum
    ],
)
def test_every_type_reads_the_same_everywhere(product_type: object, label: str, lower: str) -> None:
    assert type_label(product_type) == label  # type: ignore[arg-type]
    assert type_label(product_type, lower=True) == lower  # type: ignore[arg-type]


def test_no_type_is_no_label() -> None:
    assert type_label(None) == ""
    assert type_label("") == ""


def test_every_product_type_has_a_label() -> None:
    assert all(type_label(t) and "_" not in type_label(t) for t in DigitalProductType)
