"""The Creator pipeline page's reads and writes (admin): the board, one creator's detail and touches, the stuck list,
and the moves, touches, DM templates, invites and nudges. Uncached: an admin's move shows at once, and the board
costs two statements whatever its size."""

from __future__ import annotations

from components.data import clock
from core.config import get_settings
from core.db import session_scope
from core.sellers import outreach, pipeline, pipeline_board, pipeline_changes
from core.sellers.invites import InviteLink, create_invite
from core.sellers.outreach import NudgeReport, TouchView
from core.sellers.pipeline_board import Board, Card, CreatorDetail
from core.sellers.pipeline_changes import RefreshOutcome


def board(*, assigned_admin_id: str | None, niche: str | None) -> Board:
    with session_scope() as session:
        return pipeline_board.board(session, now=clock.now(), assigned_admin_id=assigned_admin_id, niche=niche)


def filter_choices() -> tuple[list[tuple[str, str]], list[str]]:
    with session_scope() as session:
        return pipeline_board.filter_choices(session)


def detail(creator_id: str) -> tuple[CreatorDetail | None, list[TouchView]]:
    """The creator's detail and touches (newest first); (None, []) when the creator left the board."""
    with session_scope() as session:
        found = pipeline_board.creator_detail(session, creator_id, now=clock.now())
        return found, (outreach.touches(session, creator_id) if found else [])


def stuck() -> tuple[int, list[Card]]:
    """The stuck threshold in days (the PIPELINE_STUCK_DAYS setting) and the creators past it, longest first."""
    days = get_settings().pipeline_stuck_days
    with session_scope() as session:
        return days, pipeline_board.stuck_cards(session, now=clock.now(), days=days)


def refresh() -> RefreshOutcome:
    """Bring the stages up to the data now, as the `creator-pipeline` job does (the creators with changes since the
    last refresh; everyone when the last full refresh is a day old)."""
    with session_scope() as session:
        return pipeline_changes.refresh_due(session, now=clock.now())


def move(creator_id: str, *, to_stage: str, reason: str, admin_user_id: str) -> None:
    """Raises `PipelineValidationError` (a message per field; nothing stored) or `LookupError`."""
    with session_scope() as session:
        pipeline.move_creator(
            session, creator_id=creator_id, to_stage=to_stage, by_user_id=admin_user_id, reason=reason, now=clock.now()
        )


def log_touch(creator_id: str, *, touch_type: str, note: str, admin_user_id: str) -> None:
    """Raises `OutreachValidationError` (a message per field; nothing stored)."""
    with session_scope() as session:
        outreach.log_touch(
            session,
            creator_id=creator_id,
            admin_user_id=admin_user_id,
            touch_type=touch_type,
            note=note,
            now=clock.now(),
        )


def render_dm(creator_id: str, source: str, *, admin_user_id: str, invite_link: str | None = None) -> str:
    """The DM template `source` filled in for the creator; `TemplateError` says what to change."""
    with session_scope() as session:
        values = outreach.template_variables(
            session, creator_id=creator_id, admin_user_id=admin_user_id, invite_link=invite_link
        )
    return outreach.render_template(source, values)


def invite_link(creator_id: str, *, admin_user_id: str) -> InviteLink:
    """A personal invite link (signed, valid 7 days, single use)."""
    with session_scope() as session:
        return create_invite(
            session, creator_id=creator_id, admin_user_id=admin_user_id, settings=get_settings(), now=clock.now()
        )


def send_invite(creator_id: str, *, admin_user_id: str) -> InviteLink:
    """Queue the invite e-mail (a fresh link), log the touch, move a prospect to invited."""
    with session_scope() as session:
        return outreach.send_invite_email(
            session, creator_id=creator_id, admin_user_id=admin_user_id, settings=get_settings(), now=clock.now()
        )


def nudge(creator_ids: list[str], *, admin_user_id: str) -> NudgeReport:
    """E-mail each creator the nudge, at most once per 7 days each."""
    with session_scope() as session:
        return outreach.nudge(
            session, creator_ids=creator_ids, admin_user_id=admin_user_id, now=clock.now(), settings=get_settings()
        )
