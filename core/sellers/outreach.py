"""Outreach on the creator pipeline (issue 16, seed 004 "Send DM template", "Send email invite", nudges).

DM templates: plain text with `{{ variable }}` placeholders (`TEMPLATE_VARIABLES`) that `render_template` fills in a
Jinja sandbox for an admin to copy into a DM. Checked before anything renders:
  - at most `TEMPLATE_MAX_CHARS` characters of prose (no control characters, `core.text_input`);
  - every unknown variable is named in one `TemplateError` ("Unknown variable {{ foo }}; use one of: …");
  - only text, variables, the filters of `FILTERS` and `{% if %}` are allowed (no loops, calls, `set`, macros,
    includes or arithmetic: a template cannot run long or grow large); a syntax error names its line;
  - reaching an attribute (`{{ ''.__class__ }}`) is refused by the sandbox (every attribute is unsafe here);
  - a known variable without a value for this creator (`invite_link` before an invite exists) is refused by name.

Touches (`log_touch`): admins only; a `TouchType`; a note of at most 1,000 characters of prose; the newest sets the
creator's `last_touch_at`/`last_touch_type`. Refusals (`OutreachValidationError` field -> message, `PermissionError`,
`LookupError`) write nothing. E-mails are queued in the outbox to `invites.contact_address`:
  - `send_invite_email`: a new invite link (`core.sellers.invites`), one `creator-invite` e-mail per invite, an
    "email" touch (source "invite"), and a prospect moves to "invited" (`move_creator`, a manual move);
  - `nudge`: for each creator, at most one nudge per `NUDGE_INTERVAL` (7 days since the last touch whose source is
    "nudge"); the e-mail's idempotency key is the creator plus the previous nudge's moment, so a retry, or two
    admins at once, queue one e-mail for that interval however the calls straddle midnight or a week.
Nothing here commits: the caller's transaction holds the e-mail, the touch and the move together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from jinja2 import StrictUndefined, meta, nodes
from jinja2.defaults import DEFAULT_FILTERS
from jinja2.exceptions import TemplateError as JinjaTemplateError
from jinja2.exceptions import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import urls
from core.config import Settings, get_settings
from core.models import CreatorPipeline, PipelineStage, PipelineTouch, TouchSource, TouchType, User
from core.notify.email import queue_email
from core.notify.render import render_email
from core.periods import format_day
from core.sellers import invites
from core.sellers.invites import OutreachValidationError, creator_row, require_admin
from core.sellers.pipeline import move_creator
from core.text_input import PROSE, text_problem

MARKETPLACE_NAME = "the marketplace"  # the product names no marketplace brand (e-mails say "the marketplace" too)
DEFAULT_NICHE = "digital products"
NOTE_MAX = 1_000
TEMPLATE_MAX_CHARS = 4_000
NUDGE_INTERVAL = timedelta(days=7)
INVITE_KIND, NUDGE_KIND = "creator-invite", "creator-nudge"

TEMPLATE_VARIABLES: tuple[str, ...] = ("first_name", "name", "niche", "admin_name", "invite_link", "marketplace")
FILTERS = ("upper", "lower", "title", "capitalize", "trim", "default", "d")
MISSING_HINTS = {"invite_link": "create an invite link for this creator first"}


# --------------------------------------------------------------------------- DM templates


@dataclass(frozen=True)
class DmTemplate:
    key: str
    title: str
    body: str


# fmt: off
DM_TEMPLATES: tuple[DmTemplate, ...] = (
    DmTemplate("first_contact", "First contact (prospect)",
        "Hi {{ first_name }}! I'm {{ admin_name }} and I help creators get started on {{ marketplace }}. "
        "Your posts about {{ niche }} are genuinely useful, and your followers clearly trust your picks. Have you "
        "thought about selling a template or guide of your own? No upfront cost, and I'll help you set up the first "
        "one. Here's a personal invite if you're curious: {{ invite_link }}"),
    DmTemplate("follow_up", "Follow-up after no reply",
        "Hi {{ first_name }}, floating this back up in case it got buried. No pressure: if selling what you know about "
        "{{ niche }} isn't on your list right now, that's completely fine. If it is, your invite still works: "
        "{{ invite_link }}\nHappy to answer any question first.\n{{ admin_name }}"),
    DmTemplate("stuck_drafter", "Help a stuck drafter publish",
        "Hi {{ first_name }}, I saw you started a product on {{ marketplace }}, nice! Most creators pause at the same "
        "spot: the price, the cover or the description. Want me to look at your draft for ten minutes and tell you "
        "what to finish first? Something small and live beats something perfect in drafts.\n{{ admin_name }}"),
    DmTemplate("first_sale", "Congratulate a first sale",
        "{{ first_name }}, congratulations on your first sale! Someone found what you made and paid for it, and "
        "that first one is the hardest. Two things that help the next: ask that buyer for a review, and share the "
        "listing with your audience once more this week. Proud to have you on {{ marketplace }}.\n{{ admin_name }}"),
    DmTemplate("win_back", "Win back a churn-risk creator",
        "Hi {{ first_name }}, it's {{ admin_name }} from {{ marketplace }}. Your shop has been quiet lately and I "
        "wanted to ask rather than guess: is something in the way (time, pricing, ideas for what to make next)? "
        "Buyers still search for {{ niche }}, and I'd be glad to help you plan one fresh product or a refresh of "
        "your best one."),
)
# fmt: on


class TemplateError(ValueError):
    """A DM template that cannot be rendered; the message says what to change (shown next to the template)."""

    @property
    def errors(self) -> dict[str, str]:
        return {"template": str(self)}


class _DmSandbox(SandboxedEnvironment):
    """No attribute is safe: templates only print the given strings."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return False


_ALLOWED_NODES = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const, nodes.Filter, nodes.If,
    nodes.CondExpr, nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not, nodes.Test, nodes.Concat,
    nodes.Getattr, nodes.Getitem,
)  # fmt: skip
_CONSTRUCTS = {"For": "{% for %}", "Call": "a call", "Assign": "{% set %}", "Macro": "a macro", "Slice": "a slice"}


def _environment() -> SandboxedEnvironment:
    env = _DmSandbox(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)
    env.globals.clear()  # range, lipsum, dict, cycler …: unknown variables here
    env.filters = {name: DEFAULT_FILTERS[name] for name in FILTERS}
    return env


def _braces(names: list[str] | tuple[str, ...]) -> str:
    return ", ".join(f"{{{{ {name} }}}}" for name in names)


def render_template(source: str, variables: dict[str, str]) -> str:
    """The DM for `variables` (plain text, nothing escaped); `TemplateError` when a rule of the module is broken."""
    source = source or ""
    if len(source) > TEMPLATE_MAX_CHARS:
        raise TemplateError(f"Keep the template under {TEMPLATE_MAX_CHARS:,} characters (it has {len(source):,}).")
    if problem := text_problem(source, label="The template", kind=PROSE):
        raise TemplateError(problem)
    env = _environment()
    try:
        tree = env.parse(source)
        for node in tree.find_all(nodes.Node):  # before the variables: finding them compiles (filters, tests)
            if isinstance(node, nodes.Filter) and node.name not in env.filters:
                raise TemplateError(f"Line {node.lineno}: the filter |{node.name} is not available; use one of: "
                                    f"{', '.join('|' + f for f in FILTERS)}.")  # fmt: skip
            if not isinstance(node, _ALLOWED_NODES):
                arithmetic = isinstance(node, nodes.BinExpr | nodes.UnaryExpr)
                what = "arithmetic" if arithmetic else _CONSTRUCTS.get(type(node).__name__, type(node).__name__)
                raise TemplateError(f"Line {node.lineno}: {what} can't be used in a message template; use text, "
                                    "the variables and {% if %}.")  # fmt: skip
        used = meta.find_undeclared_variables(tree)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"Line {exc.lineno}: {exc.message}") from exc
    unknown = sorted(used - set(TEMPLATE_VARIABLES))
    if unknown:
        label = "Unknown variable" if len(unknown) == 1 else "Unknown variables"
        raise TemplateError(f"{label} {_braces(unknown)}; use one of: {_braces(TEMPLATE_VARIABLES)}.")
    missing = [name for name in TEMPLATE_VARIABLES if name in used and name not in variables]
    if missing:
        hints = "; ".join(f"{_braces([n])} has no value here: {MISSING_HINTS.get(n, 'remove it')}" for n in missing)
        raise TemplateError(f"{hints}.")
    try:
        return env.from_string(source).render({k: str(v) for k, v in variables.items()})
    except SecurityError as exc:
        raise TemplateError(f"The template reaches for something it may not ({exc}); use only the variables.") from exc
    except (JinjaTemplateError, TypeError, ValueError, ArithmeticError) as exc:
        raise TemplateError(f"The template can't be filled in: {exc}") from exc


def _first_word(*names: str | None) -> str:
    for name in names:
        if name and name.split():
            return name.split()[0]
    return "there"


def _variables(row: CreatorPipeline, user: User | None, admin: User) -> dict[str, str]:
    profile = user.seller_profile if user is not None else None
    name = (user.name if user is not None else "") or (profile.display_name if profile else "") or row.name
    specialties = list(profile.specialties or []) if profile is not None else []
    return {
        "first_name": _first_word(name, row.name),
        "name": name.strip() or "there",
        "niche": row.niche or (str(specialties[0]) if specialties else DEFAULT_NICHE),
        "admin_name": admin.name or admin.username,
        "marketplace": MARKETPLACE_NAME,
    }


def template_variables(
    session: Session, *, creator_id: str, admin_user_id: str, invite_link: str | None = None
) -> dict[str, str]:
    """The values of `TEMPLATE_VARIABLES` for one creator and the admin writing (`invite_link` only when given):
    first_name is the first word of the account's name (or the prospect's name), niche the board's niche, else the
    seller's first specialty, else "digital products"."""
    admin = require_admin(session, admin_user_id, "write to a creator")
    row = creator_row(session, creator_id)
    user = session.get(User, row.user_id) if row.user_id else None
    values = _variables(row, user, admin)
    if invite_link:
        values["invite_link"] = invite_link
    return values


# --------------------------------------------------------------------------- touches


@dataclass(frozen=True)
class TouchView:
    id: str
    at: datetime
    touch_type: TouchType
    source: str
    note: str
    by_user_id: str | None
    by_name: str | None  # None: written by the system


def log_touch(
    session: Session,
    *,
    creator_id: str,
    admin_user_id: str,
    touch_type: TouchType | str,
    note: str,
    now: datetime,
    source: TouchSource | str = TouchSource.MANUAL,
) -> PipelineTouch:
    """Record a contact with a creator and make it the creator's last touch (unless a later one exists). Raises
    `OutreachValidationError`, `PermissionError` or `LookupError`, writing nothing. Flushes, no commit."""
    require_admin(session, admin_user_id, "log a touch")
    row = creator_row(session, creator_id)
    errors: dict[str, str] = {}
    note = (note or "").strip()
    try:
        kind = TouchType(touch_type)
    except ValueError:
        errors["touch_type"] = f"Unknown touch type; choose one of: {', '.join(t.value for t in TouchType)}."
    if source not in {s.value for s in TouchSource}:
        errors["source"] = f"Unknown source; one of: {', '.join(s.value for s in TouchSource)}."
    if len(note) > NOTE_MAX:
        errors["note"] = f"Keep the note under {NOTE_MAX:,} characters (it has {len(note):,})."
    elif problem := text_problem(note, label="The note", kind=PROSE):
        errors["note"] = problem
    if errors:
        raise OutreachValidationError(errors)
    touch = PipelineTouch(
        creator_id=row.id, at=now, by_user_id=admin_user_id, touch_type=kind, source=str(source), note=note
    )
    session.add(touch)
    if row.last_touch_at is None or row.last_touch_at <= now:
        row.last_touch_at, row.last_touch_type = now, kind
        row.updated_at = now
    session.flush()
    return touch


def touches(session: Session, creator_id: str) -> list[TouchView]:
    """The creator's touches, newest first, with the admin's name."""
    t = PipelineTouch
    rows = session.execute(
        select(t, User.name).outerjoin(User, User.id == t.by_user_id).where(t.creator_id == creator_id)
        .order_by(t.at.desc(), t.id.desc())
    ).all()  # fmt: skip
    return [TouchView(r.id, r.at, r.touch_type, r.source, r.note, r.by_user_id, name) for r, name in rows]


# --------------------------------------------------------------------------- e-mails


def send_invite_email(
    session: Session, *, creator_id: str, admin_user_id: str, settings: Settings, now: datetime
) -> invites.InviteLink:
    """Create an invite link and queue it by e-mail; log the touch; a prospect moves to "invited". Raises
    `OutreachValidationError` ({"email": …}: no address), `PermissionError` or `LookupError`, writing nothing.
    Flushes, no commit."""
    admin = require_admin(session, admin_user_id, "send an invite")
    row = creator_row(session, creator_id)
    user = session.get(User, row.user_id) if row.user_id else None
    address = invites.contact_address(row, user)
    if address is None:
        raise OutreachValidationError({"email": "Add the creator's e-mail address before sending an invite."})
    link = invites.create_invite(session, creator_id=row.id, admin_user_id=admin.id, settings=settings, now=now)
    values = _variables(row, user, admin)
    subject = f"{values['admin_name']} invites you to sell on {MARKETPLACE_NAME}"
    html, text = render_email(
        "creator_invite",
        {**values, "subject": subject, "invite_url": link.url, "expires_on": format_day(link.expires_at.date())},
    )
    queue_email(
        session, idempotency_key=f"{INVITE_KIND}:{link.invite_id}", kind=INVITE_KIND, to_user_id=row.user_id,
        to_address=address, subject=subject, html=html, text=text, now=now,
    )  # fmt: skip
    note = f"Invite e-mail sent (link valid until {format_day(link.expires_at.date())})."
    log_touch(session, creator_id=row.id, admin_user_id=admin.id, touch_type=TouchType.EMAIL, note=note, now=now,
              source=TouchSource.INVITE)  # fmt: skip
    if row.stage == PipelineStage.PROSPECT:
        move_creator(session, creator_id=row.id, to_stage=PipelineStage.INVITED, by_user_id=admin.id,
                     reason="invite e-mail sent", now=now)  # fmt: skip
    return link


S = PipelineStage
# Per stage: the nudge's headline, its message ({niche} filled in) and its button (label, page; "" = the app's root).
NUDGES: dict[PipelineStage, tuple[str, str, str, str]] = {
    S.PROSPECT: ("Your spot is still open", "Creators in {niche} sell templates, guides and courses to the people "
                 "who already follow them. Reply to this e-mail and I'll help you set up your first listing.",
                 "Have a look", ""),
    S.SIGNED_UP: ("Ready for your first product?", "Your account is ready; the next step is one listing. Start "
                  "small: a template or guide your audience already asks you about.", "Create your first listing",
                  urls.LISTING_EDITOR),
    S.DRAFTING: ("Your draft is nearly there", "You started a product but haven't published it yet. Most drafts "
                 "only need a price, a cover image and two lines of description: publish it now, improve it later.",
                 "Finish your draft", urls.LISTING_EDITOR),
    S.PUBLISHED: ("Let's get your first sale", "Your listing is live. Share it with your audience once more this "
                  "week, and check its health score for the quickest fix.", "Check your listing's health",
                  urls.LISTING_HEALTH),
    S.FIRST_SALE: ("Keep the momentum going", "You're selling. A review from a happy buyer, or a second product for "
                   "the same audience, makes the next sale easier.", "See your sales", urls.PERFORMANCE),
    S.CHURN_RISK: ("We'd love to see you back", "It's been a while since your last sale. Buyers still search for "
                   "{niche}; an updated listing or one new product is often all it takes.",
                   "See what buyers search for", urls.MARKET),
}  # fmt: skip
NUDGES[S.INVITED] = NUDGES[S.PROSPECT]
NUDGES[S.ACTIVE] = NUDGES[S.FIRST_SALE]


@dataclass
class NudgeReport:
    sent: list[str] = field(default_factory=list)
    recently_nudged: list[str] = field(default_factory=list)
    no_address: list[str] = field(default_factory=list)


def compose_nudge(row: CreatorPipeline, values: dict[str, str], *, settings: Settings) -> tuple[str, str, str]:
    """(subject, html, text) of the nudge for the creator's stage."""
    headline, message, label, page = NUDGES[PipelineStage(row.stage)]
    base = settings.app_base_url.rstrip("/")
    context = {
        **values, "subject": headline, "headline": headline, "message": message.format(niche=values["niche"]),
        "action_label": label, "action_url": urls.absolute_link(base, page) if page else f"{base}/",
    }  # fmt: skip
    html, text = render_email("creator_nudge", context)
    return headline, html, text


def nudge(
    session: Session,
    *,
    creator_ids: list[str],
    admin_user_id: str,
    now: datetime,
    settings: Settings | None = None,
) -> NudgeReport:
    """Queue a stage-specific nudge e-mail to each creator not nudged in the last `NUDGE_INTERVAL`, and log it (an
    "email" touch, source "nudge"). Each id lands in one list of the report, in the order given (duplicates once).
    Raises PermissionError or LookupError (an unknown id) before writing anything. Flushes, no commit."""
    admin = require_admin(session, admin_user_id, "nudge creators")
    settings = settings or get_settings()
    ids = list(dict.fromkeys(creator_ids))
    if not ids:
        return NudgeReport()
    rows = {r.id: r for r in session.scalars(select(CreatorPipeline).where(CreatorPipeline.id.in_(ids)))}
    if unknown := [i for i in ids if i not in rows]:
        raise LookupError(f"No creator {unknown[0]!r} on the pipeline.")
    t = PipelineTouch
    last_nudge: dict[str, datetime] = dict(session.execute(
        select(t.creator_id, func.max(t.at)).where(t.creator_id.in_(ids), t.source == TouchSource.NUDGE.value)
        .group_by(t.creator_id)
    ).all())  # fmt: skip
    user_ids = [r.user_id for r in rows.values() if r.user_id]
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(user_ids)))}
    report = NudgeReport()
    for creator_id in ids:
        row, previous = rows[creator_id], last_nudge.get(creator_id)
        if previous is not None and now - previous < NUDGE_INTERVAL:
            report.recently_nudged.append(creator_id)
            continue
        user = users.get(row.user_id) if row.user_id else None
        address = invites.contact_address(row, user)
        if address is None:
            report.no_address.append(creator_id)
            continue
        subject, html, text = compose_nudge(row, _variables(row, user, admin), settings=settings)
        key = f"{NUDGE_KIND}:{creator_id}:after:{previous.isoformat() if previous else 'none'}"
        queued = queue_email(
            session, idempotency_key=key, kind=NUDGE_KIND, to_user_id=row.user_id, to_address=address,
            subject=subject, html=html, text=text, now=now,
        )  # fmt: skip
        if queued is None:  # another call queued this interval's nudge first
            report.recently_nudged.append(creator_id)
            continue
        log_touch(session, creator_id=creator_id, admin_user_id=admin.id, touch_type=TouchType.EMAIL,
                  note=f"Nudge e-mail: {subject}", now=now, source=TouchSource.NUDGE)  # fmt: skip
        report.sent.append(creator_id)
    return report
