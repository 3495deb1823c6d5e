"""The catalogue: a seller's products, full-text search over the published catalogue, search terms.

The face of the package: what components and jobs call, re-exported from its modules."""

from __future__ import annotations

from core.catalog.products import ProductOption, list_seller_products, revenue_by_product

__all__ = ["ProductOption", "list_seller_products", "revenue_by_product"]
