"""The seller overview's rows, pure: the filter and row types, one row from the overview query's columns, and the
CSV export of rows (formula-safe, masked e-mails only). The loading is `core.sellers.overview`."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from core.csv_safety import spreadsheet_text
from core.money import percent_change, to_cents
from core.privacy import mask_email

STAGES = ("pending", "inactive", "churned", "no_first_sale", "new", "declining", "active")

# change_90d: last 90 days vs the 90 before; change_12m: as SellerTrend.change_vs_year_earlier. No base: last.
SORT_KEYS = ("name", "revenue_30d", "listing_health", "last_login", "active_goals", "pending_insights", "change_90d")
SORT_KEYS += ("change_12m",)
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class SellerFilters:
    search: str = ""  # in display name and username (never the e-mail), case-insensitive, `clean_search`ed
    status: str | None = None  # a SellerStatus value
    stage: str | None = None  # one of STAGES


@dataclass(frozen=True)
class SellerOverviewRow:
    seller_id: str  # for selecting a seller; not meant to be displayed
    display_name: str
    username: str
    email_masked: str
    status: str
    stage: str
    approved_at: datetime | None
    first_sale_day: date | None
    last_login_at: datetime | None
    revenue_30d: Decimal
    revenue_prev_30d: Decimal
    active_goals: int
    pending_insights: int
    listing_health: float | None = None  # average score of the seller's published listings and drafts
    listings_scored: int = 0
    revenue_90d: Decimal = Decimal("0.00")  # the last 90 complete days (the stage's declining rule reads them)
    revenue_prev_90d: Decimal = Decimal("0.00")  # the 90 days before
    change_12m: Decimal | None = None  # percent, 1 decimal: the 12 complete months vs the 12 before (see SORT_KEYS)

    @property
    def change_90d(self) -> Decimal | None:  # percent, 1 decimal: the last 90 complete days on the 90 before
        return percent_change(self.revenue_90d, self.revenue_prev_90d)


@dataclass(frozen=True)
class SellerOverviewPage:
    rows: list[SellerOverviewRow]
    total: int
    page: int
    page_size: int
    sort: str
    descending: bool

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def overview_row(r: Any, health: dict[str, tuple[float | None, int]]) -> SellerOverviewRow:
    """One row of `overview_query` with the seller's (average listing score, listings scored) from `health`."""
    average, count = health.get(r.seller_id, (None, 0))
    return SellerOverviewRow(
        seller_id=r.seller_id,
        display_name=r.display_name,
        username=r.username,
        email_masked=mask_email(r.email),
        status=str(r.status),
        stage=r.stage,
        approved_at=r.approved_at,
        first_sale_day=r.first_sale_day,
        last_login_at=r.last_login_at,
        revenue_30d=to_cents(r.revenue_30d),
        revenue_prev_30d=to_cents(r.revenue_prev_30d),
        revenue_90d=Decimal(int(r.cents_0)).scaleb(-2),
        revenue_prev_90d=Decimal(int(r.cents_1)).scaleb(-2),
        change_12m=None if r.ratio_12m is None else percent_change(int(r.cents_12m), int(r.cents_prev_12m)),
        active_goals=int(r.active_goals),
        pending_insights=int(r.pending_insights),
        listing_health=average,
        listings_scored=count,
    )


# fmt: off
CSV_COLUMNS = (
    "Seller", "Username", "E-mail (masked)", "Status", "Stage", "Approved", "First sale", "Last login (UTC)",
    "Revenue last 30 days", "Revenue previous 30 days", "Active goals", "Pending insights", "Listing health",
    "Listings scored",
)
# fmt: on


def seller_overview_csv(rows: Sequence[SellerOverviewRow]) -> str:
    """The overview rows as CSV text (header first): masked e-mails only, no internal ids, ISO dates, money as
    plain decimals, text that a spreadsheet would read as a formula prefixed with an apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow(
            (
                spreadsheet_text(r.display_name),
                spreadsheet_text(r.username),
                spreadsheet_text(r.email_masked),  # the mask keeps the address's first character
                r.status,
                r.stage,
                r.approved_at.astimezone(UTC).date().isoformat() if r.approved_at else "",
                r.first_sale_day.isoformat() if r.first_sale_day else "",
                r.last_login_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if r.last_login_at else "",
                f"{r.revenue_30d:.2f}",
                f"{r.revenue_prev_30d:.2f}",
                r.active_goals,
                r.pending_insights,
                "" if r.listing_health is None else f"{r.listing_health:g}",
                r.listings_scored,
            )
        )
    return out.getvalue()
