"""The one list of event types ingestion accepts (`EVENT_TYPES`): seed 004's event schema, seed 001's tracker events
and the types the demo generator writes. An event of any other type is refused with the reason "unknown event type"."""

from __future__ import annotations

# Seed 004 "Optimized Event Schema" (existing, creator funnel, learner activation, e-mail, outreach, system).
SEED_004_TYPES: tuple[str, ...] = (
    "page_view",
    "signup",
    "login",
    "purchase",
    "course_view",
    "product_view",
    "creator_started",
    "creator_profile_completed",
    "creator_published",
    "first_sale",
    "enrollment",
    "course_enrolled",  # the userEvents name of `enrollment` the seed mentions beside it
    "return_week_2",
    "email_sent",
    "email_delivered",
    "email_opened",
    "email_clicked",
    "email_bounced",
    "email_complained",
    "dm_sent",
    "cta_clicked",
    "campaign_view",
    "error",
    "webhook_failed",
)
# Seed 001 §4.3 the storefront tracker: page_view, product_view, add_to_cart, checkout_start, purchase, search.
SEED_001_TYPES: tuple[str, ...] = ("page_view", "product_view", "add_to_cart", "checkout_start", "purchase", "search")
# Written by the demo generator (`core.demo.events`, `core.demo.purchases`, `core.demo.experiments`): all already
# in the lists above.
DEMO_TYPES: tuple[str, ...] = (
    "page_view",
    "signup",
    "login",
    "purchase",
    "email_sent",
    "email_delivered",
    "email_bounced",
    "creator_started",
    "creator_published",
    "first_sale",
    "campaign_view",
    "cta_clicked",
)

EVENT_TYPES: frozenset[str] = frozenset(SEED_004_TYPES + SEED_001_TYPES + DEMO_TYPES)
