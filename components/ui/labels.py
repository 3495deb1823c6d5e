"""The one word for each product type, the same on every page: "E-book" on Pricing, Market and Benchmarks alike.

The label lives in core (`core.models.enums.product_type_label`) so that core's own texts say the same word.
"""

from __future__ import annotations

from core.models.enums import product_type_label as type_label

__all__ = ["type_label"]
