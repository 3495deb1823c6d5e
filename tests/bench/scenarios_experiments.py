"""Benchmark scenario for the Experiments page's data (issue 16) on the large data set."""

from __future__ import annotations

from core.analytics.experiment_counts import summaries
from tests.bench.harness import BenchContext, scenario


@scenario("experiments page data", repeats=5, warmup=1, target_ms=300, max_peak_mb=100)
def experiments_page(ctx: BenchContext) -> str:
    """experiment_counts.summaries: every demo experiment (4 on the large set, their campaign_view and cta_clicked
    events among all the events) with counts, daily cohorts, statistics and decision, in three statements."""
    with ctx.session() as session:
        rows = summaries(session, now=ctx.now)
    exposed = sum(r.counts.a.exposures + r.counts.b.exposures for r in rows)
    return f"{len(rows)} experiments, {exposed:,} people exposed"
