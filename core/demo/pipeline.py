"""The demo's creator pipeline (issue 16): every seller placed on the board as the hourly job would, each one's
niche (the category most of their products are in), a share of them assigned to the admin with a logged touch,
and prospects and invited creators the team is courting (no account yet: a contact address, social handles, an
audience, a next step and the touches so far).

Written through the ORM after the bulk load (a few dozen rows on top of what `refresh_pipeline` writes).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import (
    Category,
    CreatorPipeline,
    DigitalProduct,
    PipelineStage,
    PipelineStageChange,
    PipelineTouch,
    SellerProfile,
    TouchType,
    User,
    UserRole,
)
from core.sellers.pipeline import refresh_pipeline

ASSIGNED_SHARE = 0.3  # of the creators drafting or published: assigned to the admin, with a touch logged

# name, contact address, niche, handles, audience, stage, days since added, days since invited, next step, touches
# (days ago, how, note), newest last.
PROSPECTS: tuple[tuple, ...] = (
    ("Lena Ortiz", "lena.ortiz@example.net", "Planners & printables", {"instagram": "@lenaplans"}, 48_000,
     PipelineStage.PROSPECT, 2, None, "Send the first DM on Monday", ()),
    ("Sam Whitfield", "sam.w@example.org", "Photo presets", {"tiktok": "@samshoots"}, 120_000,
     PipelineStage.PROSPECT, 9, None, "Follow up: asked about our fees",
     ((8, TouchType.DM, "Liked the preset reels; asked if they sell them anywhere."),
      (4, TouchType.DM, "Replied: sells on another platform, asked about fees."))),
    ("Priya Nair", "priya@example.com", "Notion templates", {"youtube": "@priyabuilds", "x": "@priyanair"}, 31_500,
     PipelineStage.PROSPECT, 5, None, "Wait for the reply to the DM", ((5, TouchType.DM, "First contact."),)),
    ("Tomás Rivera", "tomas.rivera@example.net", "Music samples", {"instagram": "@tomasbeats"}, 15_200,
     PipelineStage.INVITED, 16, 12, "Check whether the invite was opened",
     ((15, TouchType.DM, "Interested; wants to move his sample packs."),
      (12, TouchType.EMAIL, "Invite e-mail sent."))),
    ("Grace Kim", "grace.kim@example.org", "Language courses", {"youtube": "@gracelearns"}, 210_000,
     PipelineStage.INVITED, 30, 21, "Call to walk through the course builder",
     ((28, TouchType.CALL, "Intro call: 3 courses ready to upload."),
      (21, TouchType.EMAIL, "Invite e-mail sent."))),
    ("Ade Okafor", "", "Fitness plans", {"instagram": "@adetrains"}, 64_000,
     PipelineStage.PROSPECT, 1, None, "Find an e-mail address", ()),
)  # fmt: skip


def add_demo_pipeline(session: Session, *, seed: int, now: datetime) -> int:
    """Place every seller, then add niches, assignments (to the demo's admin) and the prospects; returns the creators
    on the board."""
    admin_id = session.scalars(select(User.id).where(User.role == UserRole.ADMIN).order_by(User.username)).first()
    refresh_pipeline(session, now=now)
    if admin_id is None:
        return _count(session)
    rng = random.Random(f"demo:{seed}:pipeline")
    _niches(session)
    for row in session.scalars(
        select(CreatorPipeline)
        .where(CreatorPipeline.stage.in_([PipelineStage.DRAFTING, PipelineStage.PUBLISHED]))
        .order_by(CreatorPipeline.stage_entered_at, CreatorPipeline.id)
    ):
        if rng.random() < ASSIGNED_SHARE:
            row.assigned_admin_id = admin_id
            entered = _aware(row.stage_entered_at, now)
            at = max(entered, now - timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 9)))
            _touch(session, row, at, TouchType.DM, "Checked in.", admin_id)
    for name, email, niche, handles, audience, stage, added, invited, next_step, touches in PROSPECTS:
        added_at = now - timedelta(days=added)
        row = CreatorPipeline(
            name=name, contact_email=email or None, niche=niche, social_handles=handles, audience_size=audience,
            stage=PipelineStage.PROSPECT, stage_entered_at=added_at, prospect_at=added_at, manual_stage=True,
            manual_stage_set_at=added_at, assigned_admin_id=admin_id, next_step=next_step, created_at=added_at,
            updated_at=now,
        )  # fmt: skip
        session.add(row)
        session.flush()
        session.add(PipelineStageChange(creator_id=row.id, changed_at=added_at, changed_by_user_id=admin_id,
                                        to_stage=PipelineStage.PROSPECT, reason="added as a prospect"))  # fmt: skip
        if stage == PipelineStage.INVITED and invited is not None:
            invited_at = now - timedelta(days=invited)
            session.add(PipelineStageChange(creator_id=row.id, changed_at=invited_at, changed_by_user_id=admin_id,
                                            from_stage=PipelineStage.PROSPECT, to_stage=stage,
                                            reason="invite e-mail sent"))  # fmt: skip
            row.stage, row.stage_entered_at, row.invited_at, row.manual_stage_set_at = (
                stage, invited_at, invited_at, invited_at
            )  # fmt: skip
        for days_ago, how, note in touches:
            _touch(session, row, now - timedelta(days=days_ago), how, note, admin_id)
    session.flush()
    return _count(session)


def _count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(CreatorPipeline)) or 0)


def _touch(session: Session, row: CreatorPipeline, at: datetime, how: TouchType, note: str, admin_id: str) -> None:
    session.add(PipelineTouch(creator_id=row.id, at=at, by_user_id=admin_id, touch_type=how, note=note))
    if row.last_touch_at is None or _aware(row.last_touch_at, at) < at:
        row.last_touch_at, row.last_touch_type = at, how


def _niches(session: Session) -> None:
    """Each creator's niche: the category most of their products are in (ties: the category's name first)."""
    p = DigitalProduct
    counts = session.execute(
        select(SellerProfile.user_id, Category.name, func.count(p.id).label("n"))
        .join(p, p.seller_id == SellerProfile.id)
        .join(Category, Category.id == p.category_id)
        .group_by(SellerProfile.user_id, Category.name)
        .order_by(SellerProfile.user_id, func.count(p.id).desc(), Category.name)
    ).all()
    niche: dict[str, str] = {}
    for user_id, name, _n in counts:
        niche.setdefault(user_id, name)
    for row in session.scalars(select(CreatorPipeline).where(CreatorPipeline.user_id.is_not(None))):
        row.niche = niche.get(row.user_id, row.niche)


def _aware(moment: datetime, now: datetime) -> datetime:
    return moment.replace(tzinfo=now.tzinfo) if moment.tzinfo is None else moment
