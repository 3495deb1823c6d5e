"""Outreach on the creator pipeline (`core.sellers.outreach`) on SQLite and PostgreSQL: touches and the last touch,
template variables from the board and the account, the invite e-mail (one outbox row, the link in it, a prospect
moved to invited), the weekly-at-most nudge, refusals that write nothing, and admins only. Now is
2026-11-21 15:00 UTC (Saturday); the expected texts are written out by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.config import Settings
from core.models import (
    CreatorPipeline,
    EmailOutbox,
    PipelineInvite,
    PipelineStage,
    PipelineStageChange,
    PipelineTouch,
    TouchType,
    User,
    UserRole,
)
from core.notify.email import queue_email
from core.sellers.invites import redeem_invite, set_contact_email
from core.sellers.outreach import (
    OutreachValidationError,
    TemplateError,
    log_touch,
    nudge,
    render_template,
    send_invite_email,
    template_variables,
    touches,
)
from tests.conftest import NOW
from tests.factories import make_seller, make_user

S = PipelineStage
SETTINGS = Settings(auth_cookie_key="test-cookie-key-for-outreach-0123456789", app_base_url="https://toolkit.example")
H, D = timedelta(hours=1), timedelta(days=1)


def prospect(session: Session, *, email: str | None = "lena@example.com", name: str = "Lena Park") -> CreatorPipeline:
    row = CreatorPipeline(
        name=name, stage=S.PROSPECT, stage_entered_at=NOW - 3 * D, prospect_at=NOW - 3 * D, manual_stage=True,
        contact_email=email, niche="watercolor brushes",
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def drafter(session: Session, username: str = "noah", name: str = "Noah Brooks") -> CreatorPipeline:
    seller = make_seller(session, username=username, name=name, specialties=["Notion templates"])
    row = CreatorPipeline(
        user_id=seller.user_id, name=name, stage=S.DRAFTING, stage_entered_at=NOW - 5 * D,
        drafting_at=NOW - 5 * D, manual_stage=False,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def admin_id(session: Session) -> str:
    return make_user(session, username="ops", role=UserRole.ADMIN, name="Sam Rivera").id


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def counts(session: Session) -> tuple[int, int, int, int]:
    return tuple(count(session, m) for m in (PipelineTouch, PipelineInvite, EmailOutbox, PipelineStageChange))  # type: ignore[return-value]


# --------------------------------------------------------------------------- touches


def test_touches_set_the_last_touch_and_read_newest_first(session: Session) -> None:
    creator, admin = prospect(session), admin_id(session)
    log_touch(session, creator_id=creator.id, admin_user_id=admin, touch_type="dm", note=" Sent first DM ", now=NOW - H)
    log_touch(session, creator_id=creator.id, admin_user_id=admin, touch_type=TouchType.CALL, note="", now=NOW)
    assert (creator.last_touch_at, creator.last_touch_type, creator.updated_at) == (NOW, TouchType.CALL, NOW)
    # A touch logged for an earlier moment is kept but does not replace the last touch.
    log_touch(session, creator_id=creator.id, admin_user_id=admin, touch_type="comment", note="x" * 1000,
              now=NOW - 2 * H)  # fmt: skip
    session.expire_all()
    row = session.get(CreatorPipeline, creator.id)
    assert (row.last_touch_at, row.last_touch_type) == (NOW, TouchType.CALL)

    listed = touches(session, creator.id)
    assert [(t.at, t.touch_type, t.source, t.note[:12], t.by_name) for t in listed] == [
        (NOW, TouchType.CALL, "manual", "", "Sam Rivera"),
        (NOW - H, TouchType.DM, "manual", "Sent first D", "Sam Rivera"),
        (NOW - 2 * H, TouchType.COMMENT, "manual", "xxxxxxxxxxxx", "Sam Rivera"),
    ]
    assert listed[1].note == "Sent first DM"
    assert touches(session, prospect(session, name="Other").id) == []


def test_a_refused_touch_writes_nothing(session: Session) -> None:
    creator, admin = prospect(session), admin_id(session)
    with pytest.raises(OutreachValidationError) as refused:
        log_touch(session, creator_id=creator.id, admin_user_id=admin, touch_type="fax", note="y" * 1001, now=NOW)
    assert refused.value.errors == {
        "touch_type": "Unknown touch type; choose one of: dm, email, comment, call.",
        "note": "Keep the note under 1,000 characters (it has 1,001).",
    }
    with pytest.raises(OutreachValidationError) as refused:
        log_touch(session, creator_id=creator.id, admin_user_id=admin, touch_type="dm", note="hi\x00", now=NOW)
    assert refused.value.errors == {
        "note": "The note contains a control character (U+0000), which can't be saved: remove it."
    }
    with pytest.raises(LookupError):
        log_touch(session, creator_id="nobody", admin_user_id=admin, touch_type="dm", note="", now=NOW)
    session.expire_all()
    assert count(session, PipelineTouch) == 0
    assert session.get(CreatorPipeline, creator.id).last_touch_at is None


# --------------------------------------------------------------------------- template variables


def test_template_variables_for_an_account_and_a_prospect(session: Session) -> None:
    admin = admin_id(session)
    noah, lena = drafter(session), prospect(session)
    assert template_variables(session, creator_id=noah.id, admin_user_id=admin) == {
        "first_name": "Noah", "name": "Noah Brooks", "niche": "Notion templates", "admin_name": "Sam Rivera",
        "marketplace": "the marketplace",
    }  # fmt: skip
    values = template_variables(session, creator_id=lena.id, admin_user_id=admin, invite_link="https://x.example/i")
    assert values == {
        "first_name": "Lena", "name": "Lena Park", "niche": "watercolor brushes", "admin_name": "Sam Rivera",
        "marketplace": "the marketplace", "invite_link": "https://x.example/i",
    }  # fmt: skip
    nameless = prospect(session, name="  ")
    nameless.niche = None
    assert template_variables(session, creator_id=nameless.id, admin_user_id=admin)["first_name"] == "there"
    assert template_variables(session, creator_id=nameless.id, admin_user_id=admin)["niche"] == "digital products"

    rendered = render_template("Hi {{ first_name }}, loved your {{ niche }}! {{ admin_name }}", values)
    assert rendered == "Hi Lena, loved your watercolor brushes! Sam Rivera"


def test_an_unknown_template_variable_names_them_all_and_queues_nothing(session: Session) -> None:
    creator, admin = prospect(session), admin_id(session)
    values = template_variables(session, creator_id=creator.id, admin_user_id=admin)
    with pytest.raises(TemplateError) as refused:
        render_template("Hi {{ firstName }}, about {{ courseName }}…", values)
    assert str(refused.value) == (
        "Unknown variables {{ courseName }}, {{ firstName }}; use one of: {{ first_name }}, {{ name }}, {{ niche }}, "
        "{{ admin_name }}, {{ invite_link }}, {{ marketplace }}."
    )
    with pytest.raises(TemplateError, match=r"may not \(access to attribute '__class__' of 'str' object is unsafe"):
        render_template("{{ first_name.__class__ }}", values)
    assert counts(session) == (0, 0, 0, 0)


# --------------------------------------------------------------------------- the invite e-mail


def test_an_invite_to_a_prospect_queues_one_email_and_moves_it_to_invited(session: Session) -> None:
    creator, admin = prospect(session), admin_id(session)
    link = send_invite_email(session, creator_id=creator.id, admin_user_id=admin, settings=SETTINGS, now=NOW)
    assert link.url == f"https://toolkit.example/?invite={link.token}"

    (mail,) = session.scalars(select(EmailOutbox)).all()
    assert (mail.kind, mail.idempotency_key, mail.to_address, mail.to_user_id) == (
        "creator-invite", f"creator-invite:{link.invite_id}", "lena@example.com", None
    )  # fmt: skip
    assert mail.subject == "Sam Rivera invites you to sell on the marketplace"
    assert mail.text_body.startswith("Hi Lena,\n\nI'm Sam Rivera and I help creators get started on the marketplace. "
                                      "People who follow you for watercolor brushes already trust")  # fmt: skip
    assert f"\n\n{link.url}\n\nThe link works once and until Nov 28, 2026. If it runs out" in mail.text_body
    assert f'<a href="{link.url}"' in mail.html_body

    session.expire_all()
    row = session.get(CreatorPipeline, creator.id)
    assert (row.stage, row.manual_stage, row.invited_at, row.stage_entered_at) == (S.INVITED, True, NOW, NOW)
    assert (row.last_touch_at, row.last_touch_type) == (NOW, TouchType.EMAIL)
    change = session.scalars(select(PipelineStageChange)).one()
    assert (change.from_stage, change.to_stage, change.changed_by_user_id, change.reason) == (
        S.PROSPECT, S.INVITED, admin, "invite e-mail sent"
    )  # fmt: skip
    (touch,) = touches(session, creator.id)
    assert (touch.touch_type, touch.source, touch.note) == (
        TouchType.EMAIL, "invite", "Invite e-mail sent (link valid until Nov 28, 2026)."
    )  # fmt: skip
    assert redeem_invite(session, link.token, settings=SETTINGS, now=NOW + D) == creator.id

    # A second invite: a new link and e-mail, no second move.
    again = send_invite_email(session, creator_id=creator.id, admin_user_id=admin, settings=SETTINGS, now=NOW + H)
    assert again.token != link.token
    assert counts(session) == (2, 2, 2, 1)


def test_an_invite_to_an_account_uses_its_address_and_escapes_html(session: Session) -> None:
    admin = admin_id(session)
    creator = drafter(session, username="ana", name="Ana <b>Bold</b> & Co")
    send_invite_email(session, creator_id=creator.id, admin_user_id=admin, settings=SETTINGS, now=NOW)
    mail = session.scalars(select(EmailOutbox)).one()
    assert (mail.to_address, mail.to_user_id) == ("ana@example.com", creator.user_id)
    assert "Hi Ana, come sell on the marketplace" in mail.html_body
    assert session.get(CreatorPipeline, creator.id).stage == S.DRAFTING  # only a prospect moves

    creator.niche = "<script>alert(1)</script>"
    send_invite_email(session, creator_id=creator.id, admin_user_id=admin, settings=SETTINGS, now=NOW + H)
    latest = session.scalars(select(EmailOutbox).where(EmailOutbox.created_at == NOW + H)).one()
    assert "follow you for &lt;script&gt;alert(1)&lt;/script&gt; already" in latest.html_body
    assert "<script>" not in latest.html_body
    assert "follow you for <script>alert(1)</script> already" in latest.text_body  # plain text: as typed


def test_no_address_or_no_admin_writes_nothing(session: Session) -> None:
    admin = admin_id(session)
    creator = prospect(session, email=None)
    with pytest.raises(OutreachValidationError) as refused:
        send_invite_email(session, creator_id=creator.id, admin_user_id=admin, settings=SETTINGS, now=NOW)
    assert refused.value.errors == {"email": "Add the creator's e-mail address before sending an invite."}

    seller = make_user(session, username="maya", role=UserRole.SELLER).id
    reachable = prospect(session, name="Kim Lee")
    with pytest.raises(PermissionError, match="Only an admin can send an invite"):
        send_invite_email(session, creator_id=reachable.id, admin_user_id=seller, settings=SETTINGS, now=NOW)
    with pytest.raises(PermissionError):
        log_touch(session, creator_id=reachable.id, admin_user_id=seller, touch_type="dm", note="", now=NOW)
    with pytest.raises(PermissionError):
        nudge(session, creator_ids=[reachable.id], admin_user_id=seller, now=NOW, settings=SETTINGS)
    with pytest.raises(PermissionError):
        template_variables(session, creator_id=reachable.id, admin_user_id=seller)
    with pytest.raises(PermissionError):
        set_contact_email(session, creator_id=reachable.id, admin_user_id=seller, email="k@example.com", now=NOW)
    session.expire_all()
    assert counts(session) == (0, 0, 0, 0)
    assert [r.stage for r in session.scalars(select(CreatorPipeline))] == [S.PROSPECT, S.PROSPECT]
    assert session.get(CreatorPipeline, reachable.id).contact_email == "lena@example.com"


def test_contact_email_is_validated(session: Session) -> None:
    creator, admin = prospect(session, email=None), admin_id(session)
    saved = set_contact_email(session, creator_id=creator.id, admin_user_id=admin, email=" kim@studio.example ",
                              now=NOW)  # fmt: skip
    assert (saved, creator.contact_email) == ("kim@studio.example", "kim@studio.example")
    for bad in ["kim", "kim@", "@studio.example", "kim lee@studio.example", "kim@studio", "kim@@studio.example"]:
        with pytest.raises(OutreachValidationError) as refused:
            set_contact_email(session, creator_id=creator.id, admin_user_id=admin, email=bad, now=NOW)
        assert refused.value.errors == {"email": "Enter an address like name@example.com."}, bad
    with pytest.raises(OutreachValidationError) as refused:
        set_contact_email(session, creator_id=creator.id, admin_user_id=admin, email="k\u202e@x.example", now=NOW)
    assert refused.value.errors["email"].startswith("The e-mail address contains an invisible text-direction")
    with pytest.raises(OutreachValidationError):
        set_contact_email(session, creator_id=creator.id, admin_user_id=admin, email="k" * 250 + "@x.io", now=NOW)
    assert creator.contact_email == "kim@studio.example"
    set_contact_email(session, creator_id=creator.id, admin_user_id=admin, email="  ", now=NOW)
    assert creator.contact_email is None


# --------------------------------------------------------------------------- nudges

NUDGE_TEXT = """Hi Noah,

Your draft is nearly there

You started a product but haven't published it yet. Most drafts only need a price, a cover image and two lines of description: publish it now, improve it later.

Finish your draft: https://toolkit.example/listing-editor

If something is in the way, reply to this e-mail and tell me: I read every answer.

Sam Rivera

--
You get this e-mail because Sam Rivera keeps in touch with the creators of the marketplace. We send a nudge like this at most once a week.
"""  # noqa: E501


def test_a_nudge_at_most_once_in_seven_days(session: Session) -> None:
    admin = admin_id(session)
    noah, lost = drafter(session), prospect(session, email=None, name="No Address")
    first = nudge(session, creator_ids=[noah.id, lost.id, noah.id], admin_user_id=admin, now=NOW, settings=SETTINGS)
    assert (first.sent, first.recently_nudged, first.no_address) == ([noah.id], [], [lost.id])
    mail = session.scalars(select(EmailOutbox)).one()
    assert (mail.kind, mail.idempotency_key, mail.to_address, mail.subject) == (
        "creator-nudge", f"creator-nudge:{noah.id}:after:none", "noah@example.com", "Your draft is nearly there"
    )  # fmt: skip
    assert mail.text_body == NUDGE_TEXT
    (touch,) = touches(session, noah.id)
    assert (touch.at, touch.touch_type, touch.source, touch.note) == (
        NOW, TouchType.EMAIL, "nudge", "Nudge e-mail: Your draft is nearly there"
    )  # fmt: skip

    # A retry three days later (and one just under seven days) sends nothing.
    for later in (NOW + 3 * D, NOW + 7 * D - timedelta(seconds=1)):
        again = nudge(session, creator_ids=[noah.id], admin_user_id=admin, now=later, settings=SETTINGS)
        assert (again.sent, again.recently_nudged, again.no_address) == ([], [noah.id], [])
    # A manual touch in between does not count as a nudge.
    log_touch(session, creator_id=noah.id, admin_user_id=admin, touch_type="dm", note="", now=NOW + 6 * D)
    week = nudge(session, creator_ids=[noah.id], admin_user_id=admin, now=NOW + 7 * D, settings=SETTINGS)
    assert week.sent == [noah.id]
    keys = sorted(session.scalars(select(EmailOutbox.idempotency_key)))
    assert keys == sorted([f"creator-nudge:{noah.id}:after:none",
                           f"creator-nudge:{noah.id}:after:2026-11-21T15:00:00+00:00"])  # fmt: skip
    assert (count(session, EmailOutbox), count(session, PipelineTouch)) == (2, 3)
    assert nudge(session, creator_ids=[], admin_user_id=admin, now=NOW, settings=SETTINGS).sent == []


def test_a_nudge_another_call_queued_first_is_not_sent_twice(session: Session) -> None:
    """Two admins nudging at once: the second finds this interval's e-mail queued (same key) and logs nothing."""
    admin = admin_id(session)
    noah = drafter(session)
    queue_email(session, idempotency_key=f"creator-nudge:{noah.id}:after:none", kind="creator-nudge",
                to_user_id=noah.user_id, to_address="noah@example.com", subject="s", html="h", text="t",
                now=NOW)  # fmt: skip
    report = nudge(session, creator_ids=[noah.id], admin_user_id=admin, now=NOW + H, settings=SETTINGS)
    assert (report.sent, report.recently_nudged) == ([], [noah.id])
    assert (count(session, EmailOutbox), count(session, PipelineTouch)) == (1, 0)


def test_nudge_addresses_and_unknown_creators(session: Session) -> None:
    admin = admin_id(session)
    gone = drafter(session, username="gone", name="Gone Away")
    session.get(User, gone.user_id).is_active = False  # a deactivated account gets no e-mail
    churned = drafter(session, username="rui", name="Rui Costa")
    churned.stage, churned.contact_email = S.CHURN_RISK, "rui@studio.example"  # the contact address wins
    report = nudge(session, creator_ids=[gone.id, churned.id], admin_user_id=admin, now=NOW, settings=SETTINGS)
    assert (report.sent, report.no_address) == ([churned.id], [gone.id])
    mail = session.scalars(select(EmailOutbox)).one()
    assert (mail.to_address, mail.subject) == ("rui@studio.example", "We'd love to see you back")
    assert "Buyers still search for Notion templates; an updated listing" in mail.text_body
    assert "See what buyers search for: https://toolkit.example/market\n" in mail.text_body

    with pytest.raises(LookupError):
        nudge(session, creator_ids=[churned.id, "nobody"], admin_user_id=admin, now=NOW + 8 * D, settings=SETTINGS)
    assert count(session, EmailOutbox) == 1
