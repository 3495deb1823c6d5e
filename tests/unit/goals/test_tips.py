"""A closed goal's insight (pure): titles with the exact shortfall, priority rules, the tip's order of preference."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from core.goals.tips import (
    GOALS_URL,
    ClosedGoal,
    GoalTip,
    ListingGap,
    UnderpricedListing,
    choose_missed_goal_tip,
    goal_insight,
    nearer_goal_tip,
    shortfall_priority,
)
from core.models import GoalType, InsightPriority

R, S, P, RT = GoalType.REVENUE, GoalType.SALES, GoalType.PRODUCTS, GoalType.RATING
TODAY = date(2026, 11, 21)


def closed(goal_type=R, target="5000", current="3760", start=date(2026, 9, 1), end=date(2026, 11, 20)) -> ClosedGoal:
    return ClosedGoal("g1", goal_type, D(target), D(current), start, end)


def gap(title="Spring Planner", *, views=300, missing=25.0, status="PUBLISHED", overall=40.0, pid=None) -> ListingGap:
    return ListingGap(
        product_id=pid or title.lower().replace(" ", "-"),
        title=title,
        status=status,
        views=views,
        overall=overall,
        dimension_label="Description completeness",
        missing_points=missing,
        max_points=25.0,
        advice="Write a description of at least 200 words.",
        dimension_key="description_completeness",
    )


def cheap(title="Budget Pack", *, views=50, price="9.00") -> UnderpricedListing:
    return UnderpricedListing("budget-pack", title, D(price), D("14.00"), D("24.00"), 12, views)


# ---------------------------------------------------------------- titles, descriptions, priority


def test_missed_revenue_goal_title_has_the_exact_shortfall() -> None:
    draft = goal_insight(closed(), None)
    # 5,000.00 − 3,760.00 = 1,240.00
    assert draft.title == "Your revenue goal fell short by $1,240.00"
    assert draft.description == "You made $3,760.00 from Sep 1, 2026 to Nov 20, 2026: 75% of your $5,000.00 target."
    assert draft.priority is InsightPriority.MEDIUM  # 1,240 / 5,000 = 24.8 % < 50 %
    assert draft.meta["shortfall"] == "1240.00"
    assert draft.action_items == [{"label": "Set your next goal", "action": "set_goal", "url": GOALS_URL}]


def test_achieved_goal_congratulates() -> None:
    draft = goal_insight(closed(current="5230"), None)
    assert draft.title == "Congratulations! You reached your revenue goal of $5,000.00"
    # 5,230 / 5,000 = 104.6 % → 105 %
    assert draft.description.startswith("You made $5,230.00 from Sep 1, 2026 to Nov 20, 2026: 105% of your")
    assert draft.priority is InsightPriority.LOW
    assert draft.meta["outcome"] == "ACHIEVED"


def test_titles_per_type() -> None:
    assert goal_insight(closed(S, "120", "108")).title == "Your sales goal fell short by 12 sales"
    assert goal_insight(closed(S, "10", "12")).title == "Congratulations! You reached your sales goal of 10 sales"
    assert goal_insight(closed(P, "5", "4")).title == "Your products goal fell short by 1 product"
    assert (
        goal_insight(closed(P, "5", "5")).title == "Congratulations! You reached your products goal of 5 new products"
    )
    assert goal_insight(closed(RT, "4.5", "4.2")).title == "Your rating goal fell short by 0.3 ★"
    assert goal_insight(closed(RT, "4.5", "4.62")).title == "Congratulations! You reached your rating goal of 4.5 ★"


def test_descriptions_per_type() -> None:
    assert goal_insight(closed(P, "5", "1")).description.startswith(
        "You published 1 new product from Sep 1, 2026 to Nov 20, 2026: 20% of your 5 new products target."
    )
    assert goal_insight(closed(RT, "4.5", "4.2")).description.startswith(
        "Your products' average rating was 4.2 ★ on Nov 20, 2026, against a target of 4.5 ★."
    )


def test_priority_by_shortfall_share() -> None:
    assert shortfall_priority(closed(current="2500")) is InsightPriority.HIGH  # 2,500 / 5,000 = 50 % exactly
    assert shortfall_priority(closed(current="2500.01")) is InsightPriority.MEDIUM  # 49.9998 %
    assert shortfall_priority(closed(current="0")) is InsightPriority.HIGH
    assert shortfall_priority(closed(current="5000")) is InsightPriority.LOW


def test_a_tip_goes_into_the_description_and_the_actions() -> None:
    tip = GoalTip("listing", "Fix it.", "Fix this listing", "/listing-health?product=p1", "p1")
    draft = goal_insight(closed(), tip)
    assert draft.description.endswith("75% of your $5,000.00 target. Try next: Fix it.")
    assert draft.action_items[0] == {
        "label": "Fix this listing",
        "action": "listing",
        "url": "/listing-health?product=p1",
    }
    assert draft.action_items[1]["url"] == GOALS_URL
    assert draft.meta["product_id"] == "p1"


# ---------------------------------------------------------------- the tip


def test_the_tip_names_the_most_viewed_listing_and_its_weakest_dimension() -> None:
    tip = choose_missed_goal_tip(
        closed(),
        listings=[gap("Other", views=10), gap("Spring Planner", views=300)],
        underpriced=[cheap()],
        today=TODAY,
    )
    assert tip.kind == "listing"
    assert tip.text == (
        "“Spring Planner”, your most viewed listing (300 views in the last 30 days), is missing 25 of 25 points "
        "on description completeness. Write a description of at least 200 words."
    )
    assert tip.url == "/listing-editor?product=spring-planner&dimension=description_completeness"


def test_a_listing_with_little_to_win_is_passed_over() -> None:
    # The most viewed listing has only 2.5 points to win (< 3): the next one is named, not as the most viewed.
    tip = choose_missed_goal_tip(
        closed(), listings=[gap("Top", views=300, missing=2.5), gap("Second", views=40)], underpriced=[], today=TODAY
    )
    assert tip.text.startswith("“Second”, one of your most viewed listings (40 views in the last 30 days)")


def test_revenue_goal_falls_back_to_an_underpriced_listing() -> None:
    tip = choose_missed_goal_tip(closed(), listings=[gap(missing=1.0)], underpriced=[cheap()], today=TODAY)
    assert tip.kind == "pricing"
    assert tip.text == (
        "“Budget Pack” sells at $9.00, below the typical $14.00–$24.00 of 12 comparable listings: raising it "
        "toward $14.00 earns more from every sale."
    )
    assert tip.url == "/pricing?product=budget-pack"


def test_sales_goal_does_not_suggest_a_higher_price() -> None:
    tip = choose_missed_goal_tip(closed(S, "120", "60"), listings=[], underpriced=[cheap()], today=TODAY)
    assert tip.kind == "nearer_goal"


def test_products_goal_prefers_finishing_the_best_draft() -> None:
    listings = [
        gap("Half done", status="DRAFT", overall=55.0),
        gap("Nearly there", status="DRAFT", overall=81.5),
        gap("Live one", views=500),
    ]
    tip = choose_missed_goal_tip(closed(P, "5", "2"), listings=listings, underpriced=[], today=TODAY)
    assert tip.kind == "draft"
    assert tip.text.startswith("Finish and publish your draft “Nearly there”: it already scores 81.5/100")


def test_nearer_goal_from_the_pace_reached() -> None:
    # Sep 1 → Nov 20 = 81 days; 3,760 / 81 × 30 × 1.2 = 1,671.11 → rounded up to $1,672; by Nov 21 + 30 = Dec 21.
    tip = nearer_goal_tip(closed(), today=TODAY)
    assert tip.text == (
        "Set a smaller, nearer goal: $1,672.00 by Dec 21, 2026, a fifth more than your pace on this goal "
        "($3,760.00 in 81 days)."
    )
    assert tip.url == GOALS_URL


def test_nearer_goal_after_nothing_reached_is_a_quarter_of_the_target() -> None:
    tip = nearer_goal_tip(closed(S, "10", "0"), today=TODAY)
    # 10 / 4 = 2.5 → 3 sales
    assert tip.text == "Set a smaller, nearer goal: 3 sales by Dec 21, 2026, a quarter of this goal, to get going."


def test_nearer_rating_goal_is_one_step_up() -> None:
    tip = nearer_goal_tip(closed(RT, "4.8", "4.1"), today=TODAY)
    assert tip.text == "Set a smaller, nearer goal: 4.3 ★ by Dec 21, 2026, one step up from your current 4.1 ★."
    capped = nearer_goal_tip(closed(RT, "5.0", "4.9"), today=TODAY)
    assert "5.0 ★ by Dec 21, 2026" in capped.text
