"""One creator's dialog on the Creator pipeline page: who they are, "Move to…" (a reason needed to move back), the
quick actions (copy a DM from a template, send the invite e-mail, make a personal invite link, log a touch) and
the history of stage changes and touches, newest first.

Open state lives in session state (`OPEN_KEY`), so the dialog survives the reruns its own widgets cause; writes run
in the forms' callbacks, whose errors are drawn under the fields in the same run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import streamlit as st

from components.data import DatabaseError, describe_database_error
from components.data import pipeline as data
from components.seller.goals_edit import field_error
from components.ui.flash import flash
from components.ui.format import format_count, format_local
from components.ui.text import md
from core.accounts import Account
from core.models import PipelineStage, TouchType
from core.money import format_money_whole
from core.sellers.invites import OutreachValidationError
from core.sellers.outreach import DM_TEMPLATES, TemplateError, TouchView
from core.sellers.pipeline import STAGES, PipelineValidationError, rank
from core.sellers.pipeline_board import STAGE_LABELS, CreatorDetail, StageChangeView

OPEN_KEY = "pipeline_open"
ERRORS_KEY = "pipeline_card_errors"
LINK_KEY = "pipeline_invite_link"  # (creator id, url, expires at) of the link made in this dialog
FLASH = "pipeline"
TOUCH_WORDS = {TouchType.DM: "DM", TouchType.EMAIL: "e-mail", TouchType.COMMENT: "comment", TouchType.CALL: "call"}
SOURCE_WORDS = {"manual": "", "invite": "invite e-mail", "nudge": "nudge e-mail"}


def open_card_dialog(account: Account) -> None:
    """Call last on the page: shows the dialog of the creator whose "Open" was pressed."""
    creator_id = st.session_state.get(OPEN_KEY)
    if creator_id:
        _dialog(account, creator_id)


def _close() -> None:
    for key in (OPEN_KEY, ERRORS_KEY, LINK_KEY):
        st.session_state.pop(key, None)


@st.dialog("Creator", width="large", on_dismiss=_close)
def _dialog(account: Account, creator_id: str) -> None:
    if st.session_state.get(OPEN_KEY) != creator_id:
        st.rerun()  # a write closed it: rerun the page so the board shows the change
    found, touches = data.detail(creator_id)
    if found is None:
        st.warning("This creator is no longer on the board.")
        return
    errors: dict[str, str] = st.session_state.get(ERRORS_KEY, {})
    _header(found)
    move, act, history = st.tabs(["Move to…", "Quick actions", "History"])
    with move:
        _move_form(account, found, errors)
    with act:
        _quick_actions(account, found, errors)
    with history:
        _history(found.changes, touches)


def _header(found: CreatorDetail) -> None:
    card = found.card
    st.markdown(f"### {md(card.name or 'Unnamed creator')}")
    manual = " (set by hand: kept until the data moves the creator further)" if found.manual_stage else ""
    st.caption(
        f"{md(STAGE_LABELS[card.stage])}{md(manual)} · {format_count(card.days_in_stage)} days in stage · "
        f"{md(card.masked_email or 'no address')} · niche: {md(card.niche or '—')} · assigned to "
        f"{md(card.assigned_admin or 'nobody')}"
    )
    facts = [
        f"{format_count(found.products_published)} published products",
        f"{format_count(found.orders_count)} paid orders",
        f"{format_money_whole(card.gmv)} revenue",
    ]
    if found.audience_size is not None:
        facts.append(f"audience {format_count(found.audience_size)}")
    facts += [f"{network}: {handle}" for network, handle in sorted(found.social_handles.items())]
    st.caption(md(" · ".join(facts)))
    if found.next_step:
        st.caption(f"Next step: {md(found.next_step)}")


def _move_form(account: Account, found: CreatorDetail, errors: dict[str, str]) -> None:
    here = found.card.stage
    choices = [s for s in STAGES if s != here]
    with st.form(f"pipeline_move_{found.card.creator_id}", border=False, enter_to_submit=False):
        st.selectbox(
            "Stage",
            choices,
            format_func=lambda s: STAGE_LABELS[s] + (" (back)" if rank(s) < rank(here) else ""),
            key=f"pipeline_move_stage_{found.card.creator_id}",
        )
        field_error(errors, "to_stage")
        st.text_input(
            "Reason",
            max_chars=500,
            key=f"pipeline_move_reason_{found.card.creator_id}",
            help="Required when the creator moves back a stage.",
        )
        field_error(errors, "reason")
        st.form_submit_button("Move", type="primary", on_click=_move, args=(account, found.card.creator_id))


def _move(account: Account, creator_id: str) -> None:
    stage: PipelineStage = st.session_state.get(f"pipeline_move_stage_{creator_id}")
    reason = st.session_state.get(f"pipeline_move_reason_{creator_id}", "")
    if _write(lambda: data.move(creator_id, to_stage=stage, reason=reason, admin_user_id=account.user_id)):
        flash(FLASH, f"Moved to {STAGE_LABELS[PipelineStage(stage)]}.")
        _close()


def _write(action: Callable[[], object]) -> bool:
    """Run a write; its field errors go to session state for the next draw. True when it was stored."""
    try:
        action()
    except (PipelineValidationError, OutreachValidationError) as exc:
        st.session_state[ERRORS_KEY] = dict(exc.errors)
        return False
    except LookupError:
        st.session_state[ERRORS_KEY] = {"creator": "This creator is no longer on the board."}
        return False
    except DatabaseError as exc:
        st.session_state[ERRORS_KEY] = {"creator": describe_database_error(exc)}
        return False
    st.session_state.pop(ERRORS_KEY, None)
    return True


def _quick_actions(account: Account, found: CreatorDetail, errors: dict[str, str]) -> None:
    creator_id = found.card.creator_id
    field_error(errors, "creator")
    st.markdown("**Invite**")
    left, right = st.columns(2)
    if left.button("Make a personal invite link", key="pipeline_make_link", icon=":material/link:"):
        made = data.invite_link(creator_id, admin_user_id=account.user_id)
        st.session_state[LINK_KEY] = (creator_id, made.url, made.expires_at)
    sent = right.button("Send the invite e-mail", key="pipeline_send_invite", icon=":material/send:")
    if sent and _write(lambda: data.send_invite(creator_id, admin_user_id=account.user_id)):
        flash(FLASH, f"Invite e-mail queued for {md(found.card.name)}.")
        _close()
        st.rerun()
    field_error(st.session_state.get(ERRORS_KEY, {}), "email")
    link = st.session_state.get(LINK_KEY)
    if link and link[0] == creator_id:
        st.caption(f"Valid until {format_local(link[2])}, once: it stops working after it is used.")
        st.code(link[1], language=None)

    st.markdown("**DM template**")
    titles = {t.key: t.title for t in DM_TEMPLATES}
    key = st.selectbox("Template", list(titles), format_func=titles.__getitem__, key="pipeline_dm_template")
    template = next(t for t in DM_TEMPLATES if t.key == key)
    link = st.session_state.get(LINK_KEY)
    source = st.text_area("Text (edit before copying)", value=template.body, key=f"pipeline_dm_source_{key}")
    try:
        text = data.render_dm(
            creator_id,
            source,
            admin_user_id=account.user_id,
            invite_link=link[1] if link and link[0] == creator_id else None,
        )
    except TemplateError as exc:
        st.caption(f":red[:material/error: {md(str(exc))}]")
    else:
        st.caption("Ready to paste: the copy button is at the top right of the box.")
        st.code(text, language=None, wrap_lines=True)

    st.markdown("**Log a touch**")
    with st.form(f"pipeline_touch_{creator_id}", border=False, enter_to_submit=False):
        st.selectbox("How", list(TouchType), format_func=TOUCH_WORDS.__getitem__, key="pipeline_touch_type")
        field_error(errors, "touch_type")
        st.text_area("Note", max_chars=1000, key="pipeline_touch_note")
        field_error(errors, "note")
        st.form_submit_button("Log touch", on_click=_touch, args=(account, creator_id))


def _touch(account: Account, creator_id: str) -> None:
    kind = st.session_state.get("pipeline_touch_type")
    note = st.session_state.get("pipeline_touch_note", "")
    if _write(lambda: data.log_touch(creator_id, touch_type=kind, note=note, admin_user_id=account.user_id)):
        flash(FLASH, "Touch logged.")
        _close()


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _history(changes: tuple[StageChangeView, ...], touches: list[TouchView]) -> None:
    events: list[tuple[datetime, str]] = []
    for c in changes:
        came = f"{STAGE_LABELS[c.from_stage]} → " if c.from_stage else ""
        who = c.by or "the data"
        events.append((c.at, f"{came}{STAGE_LABELS[c.to_stage]} · by {who} · {c.reason}"))
    for t in touches:
        source = SOURCE_WORDS.get(t.source, "")
        what = TOUCH_WORDS[t.touch_type] + (f" ({source})" if source else "")
        events.append((t.at, f"Touch: {what} · by {t.by_name or 'the system'}" + (f" · {t.note}" if t.note else "")))
    if not events:
        st.caption("Nothing yet.")
        return
    for at, text in sorted(events, key=lambda e: _utc(e[0]), reverse=True):
        st.markdown(f"**{md(format_local(at))}** — {md(text)}")
