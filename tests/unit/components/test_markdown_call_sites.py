"""Every place components/ and pages/ hand text to something that renders Markdown either hands it a constant, or
text passed through `components.ui.text.md`, or is allow-listed below with the reason the text is the product's own.
A new call site that passes data unescaped fails here with file:line (the scanner: markdown_sinks.py)."""

from __future__ import annotations

from tests.unit.components.markdown_sinks import markdown_sites, scan

# (path, enclosing function, the argument's source) -> why the text is the product's own.
ALLOWED: dict[tuple[str, str, str], str] = {
    # The jobs registry's own titles, names and schedules, the clock, and period keys the runner makes.
    ("components/admin/jobs.py", "job_section", "spec.title"): "jobs/registry.py titles",
    (
        "components/admin/jobs.py",
        "job_section",
        "f'`{spec.name}` · {spec.describe(tz_name)} · next run **{local(next_run)}** · {last_text}'",
    ): "registry name and schedule, a formatted time, the run status",
    (
        "components/admin/jobs.py",
        "runs_table",
        "f'Error of the {local(run.started_at)} run ({run.period})'",
    ): "a formatted time and the runner's period key",
    ("components/admin/jobs.py", "run_now", "f'Running {spec.name}…'"): "registry name",
    ("components/admin/jobs.py", "run_now", "label"): "outcome_message(): md() around the run's detail and error",
    (
        "components/admin/alerts.py",
        "open_alerts",
        "f':{color}-badge[{alert.severity.value.capitalize()}] **{md(alert.rule_name)}** · {md(alert.reading())} now'",
    ): "a colour and the severity enum's value; the rule's name and reading md()'d",
    (
        "components/admin/todays_alerts.py",
        "render_todays_alerts",
        "f':{color}-badge[{alert.severity.value.capitalize()}] **{md(alert.rule_name)}** · {md(alert.reading())} · "
        "{md(state)}'",
    ): "a colour and the severity enum's value; the rule's name, reading and state md()'d",
    ("components/seller/performance_recommendations.py", "_decide", "message"): (
        "describe_database_error(): fixed sentences"
    ),
    ("components/seller/performance_recommendations.py", "_new_card", "_heading(row)"): (
        "ACTION_BADGES / DIRECTION_WORDS constants, the title md()'d, an integer confidence"
    ),
    (
        "components/seller/performance_recommendations.py",
        "_decided_card",
        "f\"{STATUS_BADGES.get(row.status, '')} {_heading(row)}\"",
    ): "STATUS_BADGES constants and _heading() (the title md()'d)",
    ("components/admin/low_quality.py", "notify_button", "notify_message(report)"): "counts only",
    ("components/admin/operator_kpis.py", "kpi_strip", "f'**{title}**'"): "STRIP_GROUPS titles",
    ("components/admin/operator_kpis.py", "_one_funnel", "f'**{title}**'"): "core.analytics funnel titles",
    # components/admin/sign_ins.py (the Sign-ins page): _label() md()-escapes names and usernames.
    ("components/admin/sign_ins.py", "_write", "action()"): "unlock()/sign_out_everywhere() messages, md()'d",
    ("components/admin/sign_ins.py", "held_back_section", "policy_text()"): "numbers from settings",
    (
        "components/admin/sign_ins.py",
        "_signed_in_row",
        "f'**{_label(user)}** · {ROLE_LABELS.get(user.role.value, user.role.value)}'",
    ): "_label() escapes; the role is an enum value",
    ("components/admin/sign_ins.py", "_sign_out_confirmation", "message"): "_label() escapes; counts",
    ("components/data/__init__.py", "database_errors", "message"): "describe_database_error(): fixed sentences",
    ("components/admin/sign_ins.py", "_write", "message"): "describe_database_error(): fixed sentences",
    ("components/seller/goals_edit.py", "write_goal", "f'{message} Nothing was changed.'"): (
        "describe_database_error(): fixed sentences"
    ),
    (
        "components/seller/listing_health.py",
        "_rescore",
        "describe_database_error(exc, doing='re-score that listing')[0]",
    ): ("describe_database_error(): fixed sentences"),
    ("components/seller/settings.py", "_save", "f'{message} Nothing was changed.'"): (
        "describe_database_error(): fixed sentences"
    ),
    ("components/seller/goals.py", "summary_line", "' · '.join(parts)"): "counts and STATE_BADGES words",
    ("components/seller/goals.py", "_card", "goal.current_text"): "core's formatted amount (format_goal_value)",
    ("components/seller/goals.py", "_card", "action"): "CARD_ACTIONS labels",
    ("components/seller/goals_edit.py", "target_input", "spec.label"): "the goal type's fixed target label",
    ("components/seller/insights.py", "progress", "f':material/check: {done[-1]}'"): "core.insights STEPS",
    ("components/seller/insights.py", "progress", "f'{step}… ({len(done)} of {len(STEPS)})'"): "STEPS",
    (
        "components/seller/insights.py",
        "_run_generation",
        "f':material/check: {done[-1]}' if done else ''",
    ): "STEPS",
    ("components/seller/insights.py", "report_flash", "'\\n'.join(lines)"): "counts; titles md()'d where added",
    ("components/seller/insights.py", "insight_card", "action"): "CARD_ACTIONS labels",
    (
        "components/seller/insights.py",
        "no_insights",
        "f'No insights in “{tab}”. Look at the other tabs, or generate new insights.'",
    ): "the tab is one of components.data.insights.TABS",
    (
        "components/seller/learn.py",
        "resource_card",
        "meta_line(card.type, card.type_label, card.category, card.read_minutes, card.has_video)",
    ): "meta_line() puts the admin-typed category and the type label through badge(), which md()-escapes",
    (
        "components/seller/learn.py",
        "library_tabs",
        "[f'{label} ({len(groups[kind])})' for kind, label in RESOURCE_TABS]",
    ): "RESOURCE_TABS labels",
    (
        "components/seller/learn.py",
        "library_tabs",
        "f'No {label.lower()} match your search or category. Clear the filters to see them all.'",
    ): "RESOURCE_TABS labels",
    (
        "components/seller/learn.py",
        "library_tabs",
        "f'No {label.lower()} published yet — check back soon.'",
    ): "RESOURCE_TABS labels",
    ("components/shell/login.py", "show_login", "notice"): "LOGGED_OUT_NOTICE and the session-ended notices",
    ("components/shell/login.py", "show_login", "refusal or WRONG_LOGIN_MESSAGE"): "throttle wait times",
    (
        "components/shell/login.py",
        "sidebar_account",
        "f'{role} · {md(detail)}' if detail and detail != account.name else role",
    ): "the role label; the shop name is md()'d",
    ("components/shell/navigation.py", "page", "self.title"): "the menu's fixed titles (+ the Insights count badge)",
    ("components/shell/navigation.py", "single_page_with_aliases", "title"): "the login screen's fixed title",
    ("components/ui/article.py", "article_body", "details"): "meta_line() (see learn.py) and a formatted date",
    (
        "components/ui/daily.py",
        "daily_chart",
        "f'{format_day_range(points[0].day, points[-1].day)}. Bars: {value_label} per day. Line: "
        "{ROLLING_DAYS}-day average. Days without a sale count as zero.'",
    ): "value_label is a fixed word from each caller (GMV, revenue)",
    ("components/ui/empty.py", "empty_state", "label"): "link=(label, url): callers pass a fixed label",
    ("components/ui/flash.py", "show_flash", "waiting.message"): "flash() messages, checked at each flash() call",
    ("components/ui/kpi.py", "tile", "delta"): (
        "a signed number from format_change/kpi_delta_text; a backslash before its '-' would hide the sign "
        "Streamlit draws the arrow from"
    ),
    ("components/ui/kpi.py", "kpi_tile", "kpi_label(kpi)"): "core.analytics KPI labels (and our :red[...] flag)",
    ("components/ui/kpi.py", "kpi_tile", "kpi_help(kpi, previous_name=previous_name)"): "core.analytics definitions",
}


def test_no_data_reaches_markdown_unescaped() -> None:
    unexplained = [s for s in markdown_sites() if (s.path, s.function, s.argument) not in ALLOWED]
    assert not unexplained, "Markdown gets text that is neither constant nor md()-escaped:\n" + "\n".join(
        map(str, unexplained)
    )


def test_every_allowance_still_matches_a_call_site() -> None:
    found = {(s.path, s.function, s.argument) for s in markdown_sites()}
    stale = [key for key in ALLOWED if key not in found]
    assert not stale, f"allow-list entries with no call site left (remove them): {stale}"


SAMPLE = """
import streamlit as st
from components.ui.text import md

LABELS = {"a": "A"}


def title_line(product):
    return f"**{md(product.title)}**"


def raw_line(product):
    return f"**{product.title}**"


def view(product, seller, note, rows, key):
    st.subheader(seller.display_name)  # flagged
    st.subheader(md(seller.display_name), anchor=False)
    st.markdown(f"Price of {product.title}: {md(product.price)}")  # flagged
    st.caption(title_line(product))
    st.caption(raw_line(product))  # flagged
    st.caption(f"{len(rows)} rows, {rows.total:,} in all, page {key + 1}")
    tab_a, tab_b = st.tabs([product.title, "Other"])  # flagged
    st.expander(LABELS[key])
    st.button(note.title, help=md(note.body))  # flagged
    st.metric("Sales", product.units)  # flagged
    col = st.columns(2)[0]
    col.toast(f"Saved {note.title}")  # flagged
    label = "Plain"
    label = md(note.title)
    st.checkbox(label)
    mixed = "Plain"
    mixed = note.title
    st.checkbox(mixed)  # flagged
    parts = ["x"]
    parts.append(note.title)
    st.caption(" ".join(parts))  # flagged
    st.radio("Pick", rows, format_func=lambda r: r.title)  # flagged
    st.radio("Pick", rows, format_func=lambda r: md(r.title))
    st.pills("Tags", product.tags)  # flagged
    st.pills("Sizes", ["S", "M"])
    logger.error(note.title)
    "text".title()
"""


def test_the_scanner_finds_what_it_is_meant_to_find() -> None:
    flagged = [s.line for s in scan(SAMPLE, "sample.py")]
    expected = [n for n, line in enumerate(SAMPLE.splitlines(), start=1) if line.endswith("# flagged")]
    assert flagged == expected and len(expected) == 11
