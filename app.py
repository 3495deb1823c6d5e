"""Router only: settings, login, role -> pages, `st.navigation(...).run()`. Pages live under `pages/<role>/`."""

from __future__ import annotations

import logging

import streamlit as st

from components import data
from components.data import alerts as alert_data
from components.seller.insights import menu_with_badge
from components.shell import access, login, notifications
from components.shell.navigation import (
    PageSpec,
    Sections,
    all_url_paths,
    build_sections,
    single_page_with_aliases,
    with_badge,
)
from components.shell.streamlit_internals import leave_legacy_pages_mode
from core import urls
from core.config import SettingsError, get_settings

# Role -> menu sections -> pages. A new page is one line here plus its file under pages/<role>/.
ROLE_SECTIONS: dict[str, Sections] = {
    "seller": {
        "Home": [PageSpec("pages/seller/home.py", "Home", ":material/home:", urls.HOME)],
        "Grow": [
            PageSpec("pages/seller/performance.py", "Performance", ":material/query_stats:", urls.PERFORMANCE),
            PageSpec("pages/seller/insights.py", "Insights", ":material/lightbulb:", urls.INSIGHTS),
            PageSpec("pages/seller/pricing_tool.py", "Pricing tool", ":material/attach_money:", urls.PRICING),
            PageSpec(
                "pages/seller/listing_health.py", "Listing health", ":material/monitor_heart:", urls.LISTING_HEALTH
            ),
            PageSpec("pages/seller/listing_editor.py", "Listing editor", ":material/edit:", urls.LISTING_EDITOR),
            PageSpec("pages/seller/goals.py", "Goals", ":material/target:", urls.GOALS),
        ],
        "Learn & market": [
            PageSpec("pages/seller/learn.py", "Learn", ":material/school:", urls.LEARN),
            PageSpec("pages/seller/market.py", "Market", ":material/trending_up:", urls.MARKET),
        ],
        "Account": [PageSpec("pages/seller/settings.py", "Settings", ":material/settings:", urls.SETTINGS)],
    },
    "admin": {
        "Home": [PageSpec("pages/admin/home.py", "Home", ":material/monitoring:", urls.ADMIN_HOME)],
        "Sellers": [
            PageSpec("pages/admin/seller_success.py", "Seller success", ":material/groups:", urls.SELLER_SUCCESS),
            PageSpec("pages/admin/applications.py", "Applications", ":material/how_to_reg:", urls.APPLICATIONS),
            PageSpec("pages/admin/pipeline.py", "Creator pipeline", ":material/view_kanban:", urls.CREATOR_PIPELINE),
            PageSpec("pages/admin/low_quality.py", "Low-quality listings", ":material/report:", urls.LOW_QUALITY),
        ],
        "Marketplace": [
            PageSpec("pages/admin/benchmarks.py", "Benchmarks", ":material/analytics:", urls.BENCHMARKS),
            PageSpec("pages/admin/learn_editor.py", "Learn editor", ":material/edit_note:", urls.LEARN_EDITOR),
            PageSpec("pages/admin/experiments.py", "Experiments", ":material/science:", urls.EXPERIMENTS),
        ],
        "Operations": [
            PageSpec("pages/admin/operator_kpis.py", "Operator KPIs", ":material/speed:", urls.OPERATOR_KPIS),
            PageSpec("pages/admin/jobs.py", "Jobs", ":material/schedule:", urls.JOBS),
            PageSpec("pages/admin/sign_ins.py", "Sign-ins", ":material/shield_person:", urls.SIGN_INS),
            PageSpec(
                "pages/admin/system_health.py", "System health", ":material/health_and_safety:", urls.SYSTEM_HEALTH
            ),
            PageSpec("pages/admin/alerts.py", "Alerts", ":material/notifications_active:", urls.ALERTS),
        ],
    },
}

login.remember_requested_page()
leave_legacy_pages_mode()
st.set_page_config(page_title="Seller Growth Toolkit", page_icon=":material/storefront:", layout="wide")

try:
    settings = get_settings()
except SettingsError as exc:
    st.error(f"The app cannot start: {exc}", icon=":material/error:")
    st.stop()

try:
    data.use_database(settings.database_url)
    authenticator = login.build_authenticator(settings)
    login.restore_login(authenticator)
    login.end_stale_session(authenticator)
    account = access.logged_in_account()
except data.DatabaseError:
    # The person sees a plain message; the log keeps the cause (a lock, a missing table, a refused connection).
    logging.getLogger(__name__).exception("database error while restoring the login")
    st.error(
        "The database is not reachable or not set up yet. Please try again in a minute; "
        "if this persists, run the migrations (`python -m core.migrate`) and check DATABASE_URL.",
        icon=":material/database:",
    )
    st.stop()

if account is not None:
    # Logout is handled before the navigation is built, and without a rerun (upstream #203).
    login.sidebar_account(authenticator, account)
    if not access.is_logged_in():
        account = None

if account is None:
    pages = single_page_with_aliases(
        login.login_screen(authenticator),
        title="Log in",
        icon=":material/login:",
        url_path="login",
        aliases=all_url_paths(ROLE_SECTIONS),
    )
    st.navigation(pages, position="hidden").run()
elif account.is_admin:
    # The Alerts title carries the count of unresolved operator alerts as a badge (cached a few seconds).
    admin_sections = build_sections(with_badge(ROLE_SECTIONS["admin"], urls.ALERTS, alert_data.badge_count()))
    # Every admin page in the menu: past twelve pages Streamlit would fold all but ten under "View N more".
    admin_nav = st.navigation(admin_sections, expanded=True)
    login.open_requested_page(admin_nav, admin_sections)
    notifications.sidebar_notifications(account, ROLE_SECTIONS["admin"])  # operator alerts reach admins here
    admin_nav.run()
elif account.can_use_seller_pages:
    # The Insights title carries the PENDING count as a badge (cached, cleared by every insight write).
    seller_sections = build_sections(menu_with_badge(ROLE_SECTIONS["seller"], account.seller_id))
    seller_nav = st.navigation(seller_sections)
    login.open_requested_page(seller_nav, seller_sections)
    notifications.sidebar_notifications(account, ROLE_SECTIONS["seller"])  # after st.navigation: links name pages
    seller_nav.run()
else:
    pages = single_page_with_aliases(
        login.account_notice(account),
        title="Account status",
        icon=":material/info:",
        url_path="account",
        aliases=all_url_paths({"seller": ROLE_SECTIONS["seller"]}),
    )
    st.navigation({"Account": pages}).run()
