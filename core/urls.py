"""The app's page addresses, in one place: the router's `url_path`s and the links core writes into
insights, notifications and e-mails (so an action item always opens an existing page)."""

from __future__ import annotations

from urllib.parse import urlencode

# Seller pages (url_path of each st.Page).
HOME = "home"
INSIGHTS = "insights"
PERFORMANCE = "performance"
PRICING = "pricing"
LISTING_HEALTH = "listing-health"
LISTING_EDITOR = "listing-editor"
GOALS = "goals"
LEARN = "learn"
MARKET = "market"
SETTINGS = "settings"

# Admin pages.
ADMIN_HOME = "admin"
SELLER_SUCCESS = "seller-success"
APPLICATIONS = "applications"
LOW_QUALITY = "low-quality"
BENCHMARKS = "benchmarks"
LEARN_EDITOR = "learn-editor"
OPERATOR_KPIS = "operator-kpis"
JOBS = "jobs"
SIGN_INS = "sign-ins"
SYSTEM_HEALTH = "system-health"
ALERTS = "alerts"
EXPERIMENTS = "experiments"
CREATOR_PIPELINE = "creator-pipeline"


def page_link(page: str, **params: str) -> str:
    """A relative link to a page, e.g. `page_link(PRICING, product=id)` -> `/pricing?product=<id>`."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"/{page}" + (f"?{query}" if query else "")


def absolute_link(base_url: str, page: str, **params: str) -> str:
    """The same link for e-mails, which need the app's address (`APP_BASE_URL`)."""
    return base_url.rstrip("/") + page_link(page, **params)
