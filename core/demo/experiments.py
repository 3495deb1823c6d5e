"""The demo's A/B tests (issue 16): four experiments of the experiments tracker and the events they are counted from.

* **Sell page button** (completed, B won): "Open your shop" beats "Start selling" on the /sell page;
* **Creator landing headline** (completed, a tie): two headlines that convert alike, at the planned size;
* **Pricing page layout** (running): a broken assignment — 55/45 instead of 50/50, and a handful of people who saw
  both layouts — so the page flags the sample-ratio mismatch and the switchers;
* **Homepage bundle banner** (draft, starts next week): no events.

The events follow `core.analytics.experiment_counts`' rules: a `campaign_view` carrying the experiment's id and the
person's variant when they are exposed (a share of them come back and view it again), a `cta_clicked` with the same
properties seconds to minutes later in the same session for those who convert, all within the experiment's dates.
Exposed people are anonymous visitors (new person and session ids, like `creator_prospects`' visitors). No operator
KPI or funnel reads these two event types, so they add to the event count and change no other figure.

Each experiment's size follows its plan (`sample_size_per_variant` of its baseline and MDE): the completed ones
reached it with 10-12 % to spare. The split and the conversions are the plan's true rates plus bounded seeded noise
(at most half a standard deviation each) rather than free binomial draws, so every seed tells the same story: the
clear winner stays significant (z >= 2.5) and the flat one stays flat (|z| <= 0.8). The large scale multiplies the
people by `factor` (8: about 0.2 million events, under 1 % of its 22 million).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from core.analytics.experiment_counts import CONVERSION_EVENT, EXPOSURE_EVENT
from core.analytics.experiment_stats import sample_size_per_variant
from core.demo.activity import HISTORY_DAYS
from core.demo.events import Clock, Emit, IdFactory, attribution, event_row, id_factory, sequential_ids
from core.demo.vocabulary import DEVICES, TRAFFIC_SOURCES
from core.models import ExperimentStatus, ExperimentWinner

EXPERIMENT_COLUMNS = (
    "id",
    "name",
    "hypothesis",
    "metric",
    "status",
    "start_at",
    "end_at",
    *(f"variant_{v}_{part}" for v in "ab" for part in ("name", "description", "cta_text", "cta_url", "asset_url")),
    "baseline_rate",
    "minimum_detectable_effect",
    "winner",
    "created_by_user_id",
    "created_at",
    "updated_at",
)
SITE = "https://demo-marketplace.example"
ASSETS = "https://images.demo-marketplace.example/experiments"
REPEAT_VIEW_SHARE = 0.12  # of exposed people, who come back and see their variant again
NOISE_SD = 0.5  # the split's and each variant's conversions' noise, at most this many standard deviations
_SOURCES, _SOURCE_WEIGHTS = [s for s, _ in TRAFFIC_SOURCES], [w for _, w in TRAFFIC_SOURCES]
_DEVICES, _DEVICE_WEIGHTS = [d for d, _ in DEVICES], [w for _, w in DEVICES]


@dataclass(frozen=True)
class Variant:
    name: str
    description: str
    cta_text: str
    cta_url: str
    asset_url: str


@dataclass(frozen=True)
class DemoExperiment:
    name: str
    hypothesis: str
    status: ExperimentStatus
    page: str  # where the variants are shown (the events' `page` property)
    a: Variant
    b: Variant
    baseline_rate: Decimal
    mde: Decimal
    started_days_ago: int  # negative: starts in the future (a draft)
    days: int | None  # the days it ran; None: running up to the demo's clock
    winner: ExperimentWinner | None = None
    reach: float = 0.0  # people per variant / the planned exposures per variant
    share_b: float = 0.5  # of the people assigned to B (0.5 is the plan; anything else is a broken assignment)
    rates: tuple[float, float] = (0.0, 0.0)  # the true conversion rate of A and of B
    switcher_share: float = 0.0  # of the people, who later see the other variant too


EXPERIMENTS: tuple[DemoExperiment, ...] = (
    DemoExperiment(
        name="Sell page button: “Open your shop”",
        hypothesis=(
            "Creators think of themselves as shop owners before they think of sales: a button that says “Open your "
            "shop” instead of “Start selling” on the sell-with-us page will get more of them to start the creator "
            "flow."
        ),
        status=ExperimentStatus.COMPLETED,
        page="/sell",
        a=Variant(
            "Start selling",
            "The current green button under the sell-with-us hero.",
            "Start selling",
            f"{SITE}/sell/start",
            f"{ASSETS}/sell-button-start-selling.png",
        ),
        b=Variant(
            "Open your shop",
            "Same button, same place and colour; only the words change.",
            "Open your shop",
            f"{SITE}/sell/start?cta=open-your-shop",
            f"{ASSETS}/sell-button-open-your-shop.png",
        ),
        baseline_rate=Decimal("0.12"),
        mde=Decimal("0.2"),
        started_days_ago=118,
        days=28,
        winner=ExperimentWinner.B,
        reach=1.12,
        rates=(0.12, 0.147),
    ),
    DemoExperiment(
        name="Creator landing headline",
        hypothesis=(
            "A headline about income (“Turn what you know into income”) will persuade more visitors of the creator "
            "landing page to click through than one about the product (“Sell your digital products”)."
        ),
        status=ExperimentStatus.COMPLETED,
        page="/sell",
        a=Variant(
            "Sell your digital products",
            "Headline: “Sell your digital products to millions of buyers”.",
            "Get started",
            f"{SITE}/sell/start",
            f"{ASSETS}/creator-headline-products.png",
        ),
        b=Variant(
            "Turn what you know into income",
            "Headline: “Turn what you know into income”, same hero image and button.",
            "Get started free",
            f"{SITE}/sell/start?headline=income",
            f"{ASSETS}/creator-headline-income.png",
        ),
        baseline_rate=Decimal("0.1"),
        mde=Decimal("0.2"),
        started_days_ago=76,
        days=28,
        winner=ExperimentWinner.TIE,
        reach=1.1,
        rates=(0.1, 0.1),
    ),
    DemoExperiment(
        name="Pricing page layout: comparison table",
        hypothesis=(
            "Sellers choosing a plan compare features line by line: a comparison table instead of three plan cards "
            "will get more of them to pick a paid plan."
        ),
        status=ExperimentStatus.RUNNING,
        page="/pricing",
        a=Variant(
            "Three plan cards",
            "Free, Pro and Business side by side as cards, each with its five main features.",
            "Choose your plan",
            f"{SITE}/settings/plan",
            f"{ASSETS}/pricing-cards.png",
        ),
        b=Variant(
            "Comparison table",
            "One table: a column per plan, a row per feature, the button under each column.",
            "Compare and upgrade",
            f"{SITE}/settings/plan?layout=table",
            f"{ASSETS}/pricing-table.png",
        ),
        baseline_rate=Decimal("0.08"),
        mde=Decimal("0.2"),
        started_days_ago=20,
        days=None,
        reach=0.5,
        share_b=0.45,  # a cached page served the cards to some people assigned to the table
        rates=(0.08, 0.084),
        switcher_share=0.004,
    ),
    DemoExperiment(
        name="Homepage bundle banner",
        hypothesis=(
            "A banner for template bundles on the homepage will lift the share of visitors who open a bundle, "
            "because bundles are our best value but hard to find."
        ),
        status=ExperimentStatus.DRAFT,
        page="/",
        a=Variant(
            "No banner",
            "The homepage as it is.",
            "Browse templates",
            f"{SITE}/browse",
            f"{ASSETS}/home-no-banner.png",
        ),
        b=Variant(
            "Bundle banner",
            "A full-width banner under the search bar: “Bundles: up to 40 % off”.",
            "See the bundles",
            f"{SITE}/browse?type=bundle",
            f"{ASSETS}/home-bundle-banner.png",
        ),
        baseline_rate=Decimal("0.05"),
        mde=Decimal("0.15"),
        started_days_ago=-6,
        days=28,
    ),
)


def _window(plan: DemoExperiment, clock: Clock) -> tuple[datetime, datetime | None, int]:
    """(start_at, end_at, index of the first day): midnight UTC of the first day to the last moment of the last."""
    first = HISTORY_DAYS - 1 - plan.started_days_ago
    if plan.days is None:
        return clock.day_start(first), None, first
    return clock.day_start(first), clock.day_start(first + plan.days) - timedelta(microseconds=1), first


def _row(plan: DemoExperiment, experiment_id: str, clock: Clock, admin_id: str) -> tuple[Any, ...]:
    start, end, _ = _window(plan, clock)
    created = min(start, clock.as_of) - timedelta(days=3, hours=2)
    updated = end + timedelta(hours=15) if end is not None else created  # when the winner was recorded
    variants = [
        value for v in (plan.a, plan.b) for value in (v.name, v.description, v.cta_text, v.cta_url, v.asset_url)
    ]
    winner = plan.winner.value if plan.winner is not None else None
    return (
        experiment_id,
        plan.name,
        plan.hypothesis,
        "conversion_rate",
        plan.status.value,
        start,
        end,
        *variants,
        plan.baseline_rate,
        plan.mde,
        winner,
        admin_id,
        created,
        updated,
    )


def _noisy(rng: random.Random, mean: float, sd: float, most: int) -> int:
    return max(0, min(most, round(mean + rng.uniform(-NOISE_SD, NOISE_SD) * sd)))


def _traffic(
    rng: random.Random,
    new_id: IdFactory,
    clock: Clock,
    emit: Emit,
    plan: DemoExperiment,
    experiment_id: str,
    factor: int,
) -> dict[str, object]:
    """The exposures, repeat views, switchers' views and clicks of one experiment; returns what it wrote."""
    planned = sample_size_per_variant(float(plan.baseline_rate), float(plan.mde))
    _, end, first_day = _window(plan, clock)
    stop = end if end is not None else clock.as_of
    last_day = clock.index_of(stop)
    people = round(2 * planned * plan.reach * factor)
    n_b = _noisy(rng, people * plan.share_b, math.sqrt(people) / 2, people)
    sizes = {"A": people - n_b, "B": n_b}
    variants = ["A"] * sizes["A"] + ["B"] * sizes["B"]
    rng.shuffle(variants)
    converters: set[int] = set()
    conversions = {}
    for variant, rate in zip("AB", plan.rates, strict=True):
        n = sizes[variant]
        conversions[variant] = _noisy(rng, n * rate, math.sqrt(n * rate * (1 - rate)), n)
        converters.update(rng.sample([i for i, v in enumerate(variants) if v == variant], conversions[variant]))
    switchers = set(rng.sample(range(people), round(people * plan.switcher_share)))
    events = 0

    def write(person: str, session: str, kind: str, at: datetime, variant: str, device: str, source: str) -> None:
        nonlocal events
        props = {"experiment_id": experiment_id, "variant": variant, "page": plan.page, "device": device}
        emit(
            "analytics_events",
            event_row(new_id, person, None, session, kind, at, source, attribution(rng, source, at), props),
        )
        events += 1

    for index, variant in enumerate(variants):
        person, session = new_id(), new_id()
        at = clock.time_on(rng, rng.randint(first_day, last_day))
        device = rng.choices(_DEVICES, weights=_DEVICE_WEIGHTS)[0]
        source = rng.choices(_SOURCES, weights=_SOURCE_WEIGHTS)[0]
        write(person, session, EXPOSURE_EVENT, at, variant, device, source)
        if index in converters:  # in the same visit, inclusive of the last moment
            write(
                person,
                session,
                CONVERSION_EVENT,
                min(at + timedelta(seconds=rng.randint(4, 600)), stop),
                variant,
                device,
                source,
            )
        if rng.random() < REPEAT_VIEW_SHARE:
            again = at + timedelta(hours=1 + rng.random() * 95)
            if again <= stop:
                write(person, new_id(), EXPOSURE_EVENT, again, variant, device, "direct")
        if index in switchers:  # the other layout, later, within the dates (so the warning counts them)
            later = at + min(timedelta(hours=72), stop - at) * (0.1 + 0.9 * rng.random())
            write(person, new_id(), EXPOSURE_EVENT, later, "B" if variant == "A" else "A", device, "direct")
    return {
        "status": plan.status.value,
        "planned_per_variant": planned,
        "exposures": (sizes["A"], sizes["B"]),
        "conversions": (conversions["A"], conversions["B"]),
        "switchers": len(switchers),
        "events": events,
    }


def demo_experiments(
    seed: int, clock: Clock, emit: Emit, *, admin_id: str, factor: int = 1
) -> dict[str, dict[str, object]]:
    """Write the experiments (created by the admin) and their events through `emit`; returns, per experiment name,
    its status and what was written (exposures and conversions per variant A/B, switchers, events)."""
    rng = random.Random(f"demo:{seed}:experiments")
    new_key, new_id = id_factory(rng), sequential_ids(rng)
    written: dict[str, dict[str, object]] = {}
    for plan in EXPERIMENTS:
        experiment_id = new_key()
        emit("experiments", _row(plan, experiment_id, clock, admin_id))
        if plan.status is ExperimentStatus.DRAFT:
            written[plan.name] = {"status": plan.status.value, "events": 0}
            continue
        written[plan.name] = _traffic(rng, new_id, clock, emit, plan, experiment_id, factor)
    return written
