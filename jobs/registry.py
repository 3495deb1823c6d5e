"""The jobs table (`JOBS`): each job's name, schedule, period and work (`jobs.dispatch.run_job` runs one).

One job does one thing, a function of its capability package; the `_work` functions below only translate a run
(`JobContext`) into its arguments and its result into a row count. Each claimed job is claimed, run and recorded
in its own transaction, so one failing rolls back only itself.

The morning, in APP_TIMEZONE, in this order (the table's order is also the catch-up order after a restart):

- `benchmarks` 03:00: recalculate market benchmarks (`core.market.benchmarks.recalculate_benchmarks`).
- `goal-deadlines` 03:15: close goals whose deadline passed, one insight each
  (`core.goals.deadlines.check_goal_deadlines`).
- `opportunity-alerts` 03:30: at most one new HIGH opportunity a week per seller
  (`core.market.alerts.notify_new_opportunities`); it computes the day's opportunity report, which the
  Market page then reads from the cache.
- `listing-scores` 03:45: rescore every listing whose stored score is due (no row, another rule version, scored
  over 20 hours ago or edited since), with the price bands of the benchmarks just recalculated, then refresh
  every row's 30-day views (`core.listings.persisted.refresh_listing_scores`). Not claimed: it commits every
  chunk of 2,000 listings, so a seller's page that rescores one of its rows meanwhile waits for one chunk, not for
  the whole run; rerunning it only redoes what is still due.
- `ai-cache-purge` 04:00: delete expired AI answers (`core.ai.cache.purge_expired_answers`), after their writers.
- `sign-in-purge` 04:15: delete server sessions that ended over 30 days ago and login attempts over 90 days old
  (`core.accounts.records.purge_sign_in_records`).
- `recommendation-outcomes` 04:30: measure every accepted product recommendation whose 30 days after acceptance
  are complete (`core.sales.recommendation_outcomes.measure_due_outcomes`): revenue, orders, visits and conversion after
  vs before, and for "reprice" the price change's effect.
- `seller-alerts` 06:30: evaluate every approved seller's performance alerts on the last complete days
  (`core.sales.alert_evaluation.evaluate_seller_alerts`): open a breach with one in-app notification, follow it while it
  lasts, close it when it no longer holds (after the 04:30 step so the night's clean-ups are done; before sellers
  start their day).
- `anomalies` 07:30: find the days out of their weekday's usual range (`core.analytics.anomaly_scan`): marketplace
  GMV, orders, signups, conversion and checkout abandonment, products going viral and sellers' revenue, each judged
  against the marketplace's own day; a seller's drop becomes one seller insight
  (`core.messaging.anomaly_insights`).
- `daily-digest` 08:00: compose yesterday's business digest once (`core.messaging.daily_digest`: numbers against
  the same weekday a week before, the day's anomalies, open operator alerts, recommendations; through the AI door),
  store it for Admin Home and e-mail it to the opted-in admins (`then`: the outbox). After `anomalies`, which it
  reads.
Apart from `listing-scores` reading the benchmarks' price bands, none of them reads what another writes (goals and
opportunities are computed from sales, listings and searches, not from the benchmarks), so the 15-minute steps only
keep them from overlapping; each is claimed once per local date, and one failing leaves the others' work committed.

The rest of the week:

- `weekly-digest` Mondays at 09:00: compose and queue every seller's digest
  (`core.messaging.digest.send_weekly_digests`), then deliver (`then`: the outbox). Period: the ISO week.
  Delivery runs after the commit, also when the week was already done (it then retries mail that failed).
- `email-outbox` hourly at :05: deliver queued mail and retry failed mail (`core.notify.email.deliver_pending`).
  Not claimed: each message is taken with a row-locking UPDATE, so two runners never send one message twice.
  A scheduled pass that found no mail is not recorded.
- `rollups` every 15 minutes (:00, :15, :30, :45): bring the operator roll-ups up to the last complete hour
  (`core.analytics.rollups.refresh_rollups`): the last two days, the hours since the last run and any hour a late
  or ingested event touched, re-aggregated in place; and the daily sales of `revenue_records` up to yesterday
  (`core.analytics.daily_sales.refresh_daily_sales`); and each seller's active days per month, today's included
  (`core.sellers.activity.refresh_seller_activity`). Period: the local quarter hour; the first run builds all
  history. Operator KPIs, Admin Home and Seller success read them and say up to when they reach.
- `alert-rules` every 5 minutes: evaluate the operator alert rules (`core.ops.alerts.evaluate_alert_rules`): open an
  alert when a rule breaches (one unresolved alert per rule), resolve it when the metric is back, notify admins
  in-app and, where the rule says so, by e-mail (`then`: the outbox). Period: the local five minutes.
- `creator-pipeline` hourly at :40: move every creator on the admins' pipeline board to the stage the marketplace's
  data says (`core.sellers.pipeline.refresh_pipeline`: signed up, drafting, published, first sale, active, churn
  risk; a stage set by hand is kept until the data moves the creator further), one history row per move. Only the
  creators whose data changed since the last run are derived again, and every seller once a day
  (`core.sellers.pipeline_changes.refresh_due`).
- `first-sale-emails` hourly at :20: congratulate every seller whose first paid order came in the last 7 days, once
  (`core.messaging.first_sale.congratulate_first_sales`, outbox key `first-sale:<seller>`), then deliver.

No `schedule` import here: the app imports this module for the admin Jobs page (run now, next run times).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core.accounts import records
from core.accounts.sessions import session_policy
from core.ai import cache as ai_cache
from core.analytics import anomaly_scan, daily_sales, rollups
from core.config import Settings, get_settings
from core.goals import deadlines
from core.listings import persisted
from core.market import alerts, benchmarks
from core.messaging import anomaly_insights, daily_digest, digest, first_sale
from core.notify import email
from core.ops import alerts as operator_alerts
from core.periods import local_day
from core.sales import alert_evaluation as seller_alerts
from core.sales import recommendation_outcomes
from core.sellers import pipeline_changes
from core.sellers.activity import refresh_seller_activity
from jobs.spec import JobContext, JobSpec, Period, WorkDone, daily, every_minutes, hourly, weekly

log = logging.getLogger(__name__)

MONDAY = 0

# ------------------------------------------------------------------------------------------ the work of each job
# Module attributes are looked up at call time (`benchmarks.recalculate_benchmarks`), so a test can replace one.


def _recalculate_benchmarks(session: Session, job: JobContext) -> int:
    return benchmarks.recalculate_benchmarks(session, now=job.now)


def _check_goal_deadlines(session: Session, job: JobContext) -> int:
    report = deadlines.check_goal_deadlines(session, now=job.now)
    return report.achieved + report.missed


def _notify_new_opportunities(session: Session, job: JobContext) -> int:
    return alerts.notify_new_opportunities(session, now=job.now, ai=job.ai)


def _purge_ai_cache(session: Session, job: JobContext) -> int:
    return ai_cache.purge_expired_answers(session, now=job.now)


def _purge_sign_in_records(session: Session, job: JobContext) -> int:
    return records.purge_sign_in_records(session, now=job.now, policy=session_policy(job.settings)).rows


def _send_weekly_digests(session: Session, job: JobContext) -> int:
    report = digest.send_weekly_digests(session, now=job.now, ai=job.ai, settings=job.settings, progress=job.progress)
    report.raise_if_none_composed()  # nothing worked: fail, so the week's claim rolls back and is retried
    return report.queued


def _deliver_outbox(session: Session, job: JobContext) -> WorkDone:
    report = email.deliver_pending(session, settings=job.settings, now=job.now, sleep=job.sleep or time.sleep)
    errors = "; ".join(report.errors[:3]) or None
    return WorkDone(rows=report.sent, detail=report.summary(), errors=errors, idle=not report.attempted)


def _refresh_listing_scores(session: Session, job: JobContext) -> WorkDone:
    rescored = persisted.refresh_listing_scores(session, now=job.now, commit_chunks=True)
    return WorkDone(rows=rescored, detail=f"{rescored:,} listings rescored")


def _measure_recommendation_outcomes(session: Session, job: JobContext) -> int:
    return recommendation_outcomes.measure_due_outcomes(session, now=job.now).measured


def _evaluate_seller_alerts(session: Session, job: JobContext) -> WorkDone:
    report = seller_alerts.evaluate_seller_alerts(session, now=job.now)
    return WorkDone(rows=report.opened + report.continued + report.closed, detail=report.summary())


def _scan_anomalies(session: Session, job: JobContext) -> WorkDone:
    report = anomaly_scan.scan_anomalies(session, now=job.now, tz=job.settings.timezone)
    told = anomaly_insights.raise_seller_drop_insights(
        session, report.seller_drops, last_day=report.last_day, now=job.now
    )
    return WorkDone(rows=report.rows + told, detail=f"{report.summary()}; {told} seller insights")


def _send_daily_digest(session: Session, job: JobContext) -> WorkDone:
    report = daily_digest.send_daily_digest(session, now=job.now, settings=job.settings, ai=job.ai)
    return WorkDone(rows=report.rows, detail=report.summary())


def _evaluate_alert_rules(session: Session, job: JobContext) -> WorkDone:
    counts = operator_alerts.evaluate_alert_rules(session, now=job.now, settings=job.settings)
    return WorkDone(rows=counts.rows, detail=counts.summary())


def _congratulate_first_sales(session: Session, job: JobContext) -> int:
    return first_sale.congratulate_first_sales(session, now=job.now, settings=job.settings)


def _refresh_creator_pipeline(session: Session, job: JobContext) -> WorkDone:
    outcome = pipeline_changes.refresh_due(session, now=job.now)
    return WorkDone(rows=outcome.report.created + outcome.report.moved, detail=outcome.summary())


def _refresh_rollups(session: Session, job: JobContext) -> WorkDone:
    report = rollups.refresh_rollups(session, now=job.now)
    days = daily_sales.refresh_daily_sales(session, today=local_day(job.now, job.settings.timezone))
    activity = refresh_seller_activity(session, now=job.now, tz=job.settings.timezone)
    rows, detail = report.rows + days + activity.rows, f"{report.summary()}; {days} daily rows; {activity.summary()}"
    return WorkDone(rows=rows, detail=detail)


# ------------------------------------------------------------------------------------------ the table

BENCHMARKS = JobSpec("benchmarks", "Market benchmarks", daily("03:00"), Period.DAY, _recalculate_benchmarks)
GOAL_DEADLINES = JobSpec("goal-deadlines", "Goal deadlines", daily("03:15"), Period.DAY, _check_goal_deadlines)
OPPORTUNITY_ALERTS = JobSpec(
    "opportunity-alerts", "Opportunity alerts", daily("03:30"), Period.DAY, _notify_new_opportunities
)
LISTING_SCORES = JobSpec(
    "listing-scores", "Listing scores", daily("03:45"), Period.DAY, _refresh_listing_scores, claimed=False
)
RECOMMENDATION_OUTCOMES = JobSpec(
    "recommendation-outcomes", "Recommendation outcomes", daily("04:30"), Period.DAY, _measure_recommendation_outcomes
)
SELLER_ALERTS = JobSpec(
    "seller-alerts", "Seller performance alerts", daily("06:30"), Period.DAY, _evaluate_seller_alerts
)
AI_CACHE_PURGE = JobSpec("ai-cache-purge", "AI cache clean-up", daily("04:00"), Period.DAY, _purge_ai_cache)
SIGN_IN_PURGE = JobSpec("sign-in-purge", "Sign-in records clean-up", daily("04:15"), Period.DAY, _purge_sign_in_records)
EMAIL_OUTBOX = JobSpec(
    "email-outbox", "E-mail delivery and retries", hourly(":05"), Period.HOUR, _deliver_outbox, claimed=False
)
ANOMALIES = JobSpec("anomalies", "Anomaly detection", daily("07:30"), Period.DAY, _scan_anomalies)
DAILY_DIGEST = JobSpec(
    "daily-digest", "Daily business digest", daily("08:00"), Period.DAY, _send_daily_digest,
    then=(EMAIL_OUTBOX.name,),
)  # fmt: skip
WEEKLY_DIGEST = JobSpec(
    "weekly-digest", "Weekly coaching digest", weekly(MONDAY, "09:00"), Period.ISO_WEEK, _send_weekly_digests,
    then=(EMAIL_OUTBOX.name,),
)  # fmt: skip
ROLLUPS = JobSpec("rollups", "Operator roll-ups", every_minutes(15), Period.QUARTER_HOUR, _refresh_rollups)
ALERT_RULES = JobSpec(
    "alert-rules", "Operator alert rules", every_minutes(5), Period.FIVE_MINUTES, _evaluate_alert_rules,
    then=(EMAIL_OUTBOX.name,),
)  # fmt: skip
FIRST_SALE_EMAILS = JobSpec(
    "first-sale-emails", "First-sale congratulations", hourly(":20"), Period.HOUR, _congratulate_first_sales,
    then=(EMAIL_OUTBOX.name,),
)  # fmt: skip
CREATOR_PIPELINE = JobSpec(
    "creator-pipeline", "Creator pipeline stages", hourly(":40"), Period.HOUR, _refresh_creator_pipeline
)
JOBS: dict[str, JobSpec] = {
    spec.name: spec
    for spec in (
        BENCHMARKS,
        GOAL_DEADLINES,
        OPPORTUNITY_ALERTS,
        LISTING_SCORES,
        AI_CACHE_PURGE,
        SIGN_IN_PURGE,
        RECOMMENDATION_OUTCOMES,
        SELLER_ALERTS,
        ANOMALIES,
        DAILY_DIGEST,
        WEEKLY_DIGEST,
        EMAIL_OUTBOX,
        ROLLUPS,
        ALERT_RULES,
        FIRST_SALE_EMAILS,
        CREATOR_PIPELINE,
    )
}


def get_spec(name: str) -> JobSpec:
    try:
        return JOBS[name]
    except KeyError:
        raise KeyError(f"unknown job {name!r}; known jobs: {', '.join(JOBS)}") from None


# ------------------------------------------------------------------------------------------ time (pure)


def period_for(name: str, now: datetime, tz: ZoneInfo) -> str:
    """The period a run of job `name` at `now` claims (local date, ISO week or local hour)."""
    return get_spec(name).period_label(now, tz)


def next_run_times(now: datetime, *, settings: Settings | None = None) -> dict[str, datetime]:
    """Every job's next scheduled run after `now`, in APP_TIMEZONE (pure; no `schedule` needed)."""
    tz = (settings or get_settings()).timezone
    return {name: spec.next_run(now, tz) for name, spec in JOBS.items()}
