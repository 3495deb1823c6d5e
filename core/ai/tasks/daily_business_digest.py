"""The `daily_business_digest` task: the operators' daily digest (seed 001 §4.4) written from the day's numbers.

The payload holds only marketplace numbers, product titles, anomaly sentences and alert messages: no person. The
offline engine writes every text with rules over those numbers:

* **summary** (2–3 sentences): revenue and orders against the same weekday last week; the top product; then the
  number of concerns (anomalies and open alerts), or "nothing unusual".
* **highlights**: every key metric up by at least `NOTABLE_PERCENT` (5 %) on last week, the top product, and the
  day's spikes of GMV, orders, signups or conversion and products going viral (at most `MAX_ITEMS`).
* **concerns**: the day's other anomalies (drops, and a spike of checkout abandonment) and the open operator alerts,
  most severe first, then every key metric down by at least 5 % (at most `MAX_ITEMS`).
* **recommendations** (2–3, each with its numbers): a viral product → feature it; abandonment up → look at the
  checkout; conversion down → look at the listings that lost buyers; revenue down → check the top sellers; open
  critical alerts → resolve them first; else keep the top product visible and watch the next day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from core.ai.door import AIDoor, AIResult, Task, default_ai
from core.ai.validation import require_list, require_object, require_text
from core.money import format_money, format_percent, percent_change
from core.periods import format_day

NAME = "daily_business_digest"
NOTABLE_PERCENT = Decimal(5)
MAX_ITEMS = 5
MAX_SUMMARY_CHARS = 600
MAX_ITEM_CHARS = 300


@dataclass(frozen=True)
class KeyMetric:
    """One key number of the day and of the same weekday a week before (`unit`: "money", "count" or "percent")."""

    key: str
    label: str
    unit: str
    value: Decimal
    previous: Decimal

    @property
    def change(self) -> Decimal | None:
        return percent_change(self.value, self.previous)

    def text(self, amount: Decimal | None = None) -> str:
        amount = self.value if amount is None else amount
        if self.unit == "money":
            return format_money(amount)
        if self.unit == "percent":
            return format_percent(amount, places=2)
        return f"{int(amount):,}"


@dataclass(frozen=True)
class TopProduct:
    """The day's best-selling product by revenue, and its revenue on the same weekday a week before."""

    title: str
    revenue: Decimal
    units: int
    previous_revenue: Decimal = Decimal(0)

    def versus(self) -> str:
        change = percent_change(self.revenue, self.previous_revenue)
        tail = (
            "none the week before"
            if change is None
            else f"{format_percent(change, signed=True)} on {format_money(self.previous_revenue)} last week"
        )
        return f"{format_money(self.revenue)} from {self.units:,} sales ({tail})"


@dataclass(frozen=True)
class AnomalyFact:
    scope: str  # "marketplace" | "product"
    metric: str
    kind: str  # "drop" | "spike"
    severity: str
    sentence: str


@dataclass(frozen=True)
class AlertFact:
    severity: str
    message: str


@dataclass(frozen=True)
class DailyDigestPayload:
    day: date
    metrics: tuple[KeyMetric, ...]  # revenue, orders, conversion (in that order)
    top_product: TopProduct | None
    anomalies: tuple[AnomalyFact, ...]
    alerts: tuple[AlertFact, ...]


@dataclass(frozen=True)
class DailyDigestText:
    summary: str
    highlights: list[str]
    concerns: list[str]
    recommendations: list[str]


SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}
GOOD_SPIKES = {"gmv", "orders", "signups", "conversion", "units"}


def is_good(a: AnomalyFact) -> bool:
    """A spike of a good number (a product going viral too) is a highlight; everything else is a concern."""
    return a.kind == "spike" and a.metric in GOOD_SPIKES


def _metric(payload: DailyDigestPayload, key: str) -> KeyMetric | None:
    return next((m for m in payload.metrics if m.key == key), None)


def _versus(m: KeyMetric) -> str:
    change = m.change
    if change is None:
        return f"{m.text()} (none the week before)"
    return f"{m.text()} ({format_percent(change, signed=True)} on {m.text(m.previous)} last week)"


def _weekday(day: date) -> str:
    return f"{day:%A}"


def offline_daily_digest(payload: DailyDigestPayload) -> DailyDigestText:
    day = payload.day
    revenue, orders, conversion = (_metric(payload, k) for k in ("revenue", "orders", "conversion"))
    good = [a for a in payload.anomalies if is_good(a)]
    bad = sorted((a for a in payload.anomalies if not is_good(a)), key=lambda a: SEVERITY_ORDER.get(a.severity, 3))
    alerts = sorted(payload.alerts, key=lambda a: SEVERITY_ORDER.get(a.severity, 3))

    sentences = []
    if revenue is not None and orders is not None:
        sentences.append(
            f"On {_weekday(day)} {format_day(day)} the marketplace made {_versus(revenue)} "
            f"on {orders.text()} orders against {orders.text(orders.previous)} the {_weekday(day)} before."
        )
    if payload.top_product is not None:
        t = payload.top_product
        sentences.append(f"The top product was “{t.title}” with {t.versus()}.")
    worries = len(bad) + len(alerts)
    sentences.append(
        f"{worries} thing{_s(worries)} need{'s' if worries == 1 else ''} a look: "
        f"{len(bad)} anomal{'y' if len(bad) == 1 else 'ies'} and {len(alerts)} open alert{_s(len(alerts))}."
        if worries
        else f"Nothing worrying: no drop and no open alert; {len(good)} good surprise{_s(len(good))} below."
        if good
        else "Nothing unusual: no anomaly and no open alert."
    )

    highlights: list[str] = []
    concerns: list[str] = []
    for m in payload.metrics:
        change = m.change
        if change is not None and change >= NOTABLE_PERCENT:
            highlights.append(f"{m.label} up {format_percent(change)} on last {_weekday(day)}: {_versus(m)}.")
    if payload.top_product is not None:
        t = payload.top_product
        highlights.append(f"Top product: “{t.title}”, {t.versus()}.")
    highlights += [f"{a.sentence}." for a in good]
    concerns += [f"{a.sentence}." for a in bad]
    concerns += [f"Open {a.severity} alert: {a.message}" for a in alerts]
    for m in payload.metrics:
        change = m.change
        if change is not None and change <= -NOTABLE_PERCENT:
            concerns.append(f"{m.label} down {format_percent(abs(change))} on last {_weekday(day)}: {_versus(m)}.")

    advice: list[str] = []
    critical = [a for a in alerts if a.severity == "critical"]
    if critical:
        advice.append(f"Resolve the {len(critical)} critical alert{_s(len(critical))} first: {critical[0].message}")
    viral = next((a for a in good if a.metric == "units"), None)
    if viral is not None:
        advice.append(f"Feature the product going viral on the home page while it lasts: {viral.sentence}.")
    abandonment = next((a for a in bad if a.metric == "checkout_abandonment" and a.kind == "spike"), None)
    if abandonment is not None:
        advice.append(f"Test the checkout (payment and download steps): {abandonment.sentence}.")
    if conversion is not None and (conversion.change or 0) <= -NOTABLE_PERCENT:
        advice.append(
            f"Conversion fell from {conversion.text(conversion.previous)} to {conversion.text()}: review the most "
            "viewed listings that lost buyers (price and images first)."
        )
    if revenue is not None and (revenue.change or 0) <= -NOTABLE_PERCENT and len(advice) < 3:
        advice.append(
            f"Revenue is {format_money(revenue.previous - revenue.value)} below last {_weekday(day)}: check whether "
            "the top sellers' products are still published and priced as before."
        )
    if len(advice) < 2 and payload.top_product is not None:
        t = payload.top_product
        advice.append(f"Keep “{t.title}” visible ({format_money(t.revenue)} on the day): it led the day's sales.")
    if len(advice) < 2 and orders is not None:
        advice.append(
            f"Watch the next day's orders against {orders.text()} on this one and {orders.text(orders.previous)} "
            "a week before: two days in the same direction is a trend worth acting on."
        )
    if len(advice) < 2 and conversion is not None:
        advice.append(
            f"Conversion was {conversion.text()} against {conversion.text(conversion.previous)} a week before: "
            "compare the most viewed listings' prices and images with the best sellers' before changing more."
        )
    return DailyDigestText(
        summary=_clip(" ".join(sentences[:3]), MAX_SUMMARY_CHARS),
        highlights=[_clip(h, MAX_ITEM_CHARS) for h in highlights[:MAX_ITEMS]],
        concerns=[_clip(c, MAX_ITEM_CHARS) for c in concerns[:MAX_ITEMS]],
        recommendations=[_clip(r, MAX_ITEM_CHARS) for r in advice[:3]],
    )


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _list_schema(description: str, max_items: int) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string"}, "description": f"{description} At most {max_items} items."}


INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "summary": {"type": "string", "description": "2–3 sentences, at most 600 characters, with the numbers given."},
        "highlights": _list_schema("What went well, each with its number.", MAX_ITEMS),
        "concerns": _list_schema("The anomalies and open alerts given, and metrics that fell.", MAX_ITEMS),
        "recommendations": _list_schema("2–3 concrete actions, each with the numbers behind it.", 3),
    },
    "required": ["summary", "highlights", "concerns", "recommendations"],
    "additionalProperties": False,
}

SYSTEM_PROMPT = """You write the daily business digest of the operators of a marketplace of digital products.
You get yesterday's key numbers against the same weekday a week before, the top product, the anomalies detected and
the open operator alerts.
Rules:
- Use only the numbers given, written exactly as given; do not invent data.
- summary: 2–3 sentences. highlights and concerns: short lines. recommendations: 2–3, each naming its numbers.
- Every anomaly and open alert given appears among the concerns or highlights.
Answer only by calling the daily_business_digest tool."""


def build_message(payload: DailyDigestPayload) -> str:
    before = format_day(payload.day - timedelta(days=7))
    lines = [f"Day: {payload.day:%A} {format_day(payload.day)} (compared with {before})"]
    lines += [f"- {m.label}: {_versus(m)}" for m in payload.metrics]
    t = payload.top_product
    lines.append("Top product: none" if t is None else f"Top product: “{t.title}”, {t.versus()}")
    lines.append("Anomalies:" if payload.anomalies else "Anomalies: none")
    lines += [f"- [{a.severity} {a.kind}] {a.sentence}" for a in payload.anomalies]
    lines.append("Open alerts:" if payload.alerts else "Open alerts: none")
    lines += [f"- [{a.severity}] {a.message}" for a in payload.alerts]
    return "\n".join(lines)


def parse_daily_digest(raw: Any, payload: DailyDigestPayload) -> DailyDigestText:
    answer = require_object(raw, ("summary", "highlights", "concerns", "recommendations"))
    summary = require_text(answer["summary"], "summary", max_chars=MAX_SUMMARY_CHARS)

    def texts(field: str, min_items: int, max_items: int) -> list[str]:
        items = require_list(answer[field], field, min_items=min_items, max_items=max_items)
        return [require_text(item, field, max_chars=MAX_ITEM_CHARS) for item in items]

    return DailyDigestText(
        summary=summary,
        highlights=texts("highlights", 0, MAX_ITEMS),
        concerns=texts("concerns", 0, MAX_ITEMS),
        recommendations=texts("recommendations", 2, 3),
    )


DAILY_BUSINESS_DIGEST: Task[DailyDigestPayload, DailyDigestText] = Task(
    name=NAME,
    version=1,
    description="Record the summary, highlights, concerns and recommendations of the operators' daily digest.",
    input_schema=INPUT_SCHEMA,
    system_prompt=SYSTEM_PROMPT,
    build_message=build_message,
    parse=parse_daily_digest,
    offline=offline_daily_digest,
    cache_ttl=timedelta(days=1),
    max_tokens=1200,
)


def daily_business_digest(
    payload: DailyDigestPayload, *, ai: AIDoor | None = None, session: Session | None = None
) -> AIResult[DailyDigestText]:
    """The digest's texts (Claude when configured and well-behaved, else the offline rules)."""
    return (ai or default_ai()).run(DAILY_BUSINESS_DIGEST, payload, session=session)
