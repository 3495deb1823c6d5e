"""The admin's learn-library editor: the resource list (status, publish, reorder, delete with confirmation) and the
create/edit form with field errors and a preview rendered by the seller page's own article view."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal

import streamlit as st

from components.data import learn as learn_data
from components.ui.article import article_body, category_label
from components.ui.empty import empty_state
from components.ui.flash import flash, has_flash
from components.ui.format import format_count
from components.ui.text import md
from core.config import get_settings
from core.html_safety import allowed_video_sources
from core.learn import RESOURCE_TYPE_LABELS, ResourceListItem, ResourceValidationError
from core.learn import rules as learn_rules
from core.models import ResourceType

MODE_KEY = "learn_editor_mode"  # None: the list; "new"; or the id of the resource being edited
FORM_NONCE_KEY = "learn_editor_form_nonce"  # new widget keys for every opened form, so its defaults apply
CONFIRM_DELETE_KEY = "learn_editor_confirm_delete"
FLASH = "learn_editor"
FIELDS = ("title", "type", "category", "tags", "excerpt", "thumbnail_url", "video_url", "content", "is_published")
TYPE_OPTIONS = list(RESOURCE_TYPE_LABELS)


@dataclass(frozen=True)
class FormValues:
    title: str
    type: ResourceType
    category: str
    tags: str
    excerpt: str
    thumbnail_url: str
    video_url: str
    content: str
    is_published: bool


EMPTY_FORM = FormValues("", ResourceType.GUIDE, "", "", "", "", "", "", False)


# ---------------------------------------------------------------- reads and writes (one transaction each)


def stored_values(resource_id: str) -> FormValues | None:
    try:
        stored = learn_data.stored_resource(resource_id)
    except LookupError:
        return None
    return FormValues(
        title=stored.title,
        type=stored.type,
        category=stored.category or "",
        tags=", ".join(stored.tags),
        excerpt=stored.excerpt or "",
        thumbnail_url=stored.thumbnail_url or "",
        video_url=stored.video_url or "",
        content=stored.content,
        is_published=stored.is_published,
    )


def save(values: FormValues, *, resource_id: str | None) -> dict[str, str]:
    """Create or update; returns the field errors ({} when saved). Nothing is written when there are errors."""
    try:
        learn_data.save_resource(resource_id=resource_id, **asdict(values))  # the form's fields are the resource's
    except ResourceValidationError as exc:
        return exc.errors
    except LookupError as exc:
        return {"title": str(exc)}
    return {}


def _write(action: Callable[[], object]) -> None:
    """One list action (publish, move, delete); a resource deleted meanwhile is answered with a warning."""
    try:
        action()
    except LookupError as exc:
        flash(FLASH, md(str(exc)), kind="warning")


def set_published(resource_id: str, published: bool, title: str) -> None:
    _write(lambda: learn_data.set_published(resource_id, published=published))
    if not has_flash(FLASH):
        state = "published: sellers can read it now" if published else "unpublished: sellers no longer see it"
        flash(FLASH, f"“{md(title)}” {state}.")


def move(resource_id: str, direction: Literal["up", "down"]) -> None:
    _write(lambda: learn_data.move_resource(resource_id, direction))


def ask_delete(resource_id: str) -> None:
    st.session_state[CONFIRM_DELETE_KEY] = resource_id


def cancel_delete() -> None:
    st.session_state.pop(CONFIRM_DELETE_KEY, None)


def confirm_delete(resource_id: str, title: str) -> None:
    st.session_state.pop(CONFIRM_DELETE_KEY, None)
    _write(lambda: learn_data.delete_resource(resource_id))
    if not has_flash(FLASH):
        flash(FLASH, f"“{md(title)}” deleted. Sellers no longer see it.")


def open_form(mode: str) -> None:
    st.session_state[MODE_KEY] = mode
    st.session_state[FORM_NONCE_KEY] = st.session_state.get(FORM_NONCE_KEY, 0) + 1
    st.session_state.pop(CONFIRM_DELETE_KEY, None)


def close_form() -> None:
    st.session_state[MODE_KEY] = None


# ---------------------------------------------------------------- the list


def resource_list(items: list[ResourceListItem]) -> None:
    top_left, top_right = st.columns([3, 1], vertical_alignment="bottom")
    published = sum(1 for i in items if i.is_published)
    top_left.caption(
        f"{format_count(len(items))} resources · {format_count(published)} published · "
        f"{format_count(len(items) - published)} drafts. Sellers see published ones in this order."
    )
    top_right.button("New resource", icon=":material/add:", type="primary", on_click=open_form, args=("new",))
    if not items:
        empty_state("The library is empty. Create the first resource: sellers see it once you publish it.")
        return
    confirming = st.session_state.get(CONFIRM_DELETE_KEY)
    for position, item in enumerate(items):
        with st.container(border=True):
            _resource_row(item, first=position == 0, last=position == len(items) - 1)
            if confirming == item.id:
                _delete_confirmation(item)


def _resource_row(item: ResourceListItem, *, first: bool, last: bool) -> None:
    text, actions = st.columns([1.25, 1], vertical_alignment="center")
    status = ":green-badge[Published]" if item.is_published else ":gray-badge[Draft]"
    text.markdown(f"**{md(item.title)}** {status}")
    category = category_label(item.category) if item.category else "No category"
    details = [item.type_label, category, f"/{item.slug}", f"updated {item.updated_at:%b %d, %Y}"]
    text.caption(" · ".join(md(d) for d in details))
    # A horizontal container sizes each button to its label, so none is cut off.
    with actions.container(horizontal=True, horizontal_alignment="right", gap="small"):
        st.button("Edit", key=f"le_edit_{item.id}", icon=":material/edit:", on_click=open_form, args=(item.id,))
        st.button(
            "Unpublish" if item.is_published else "Publish",
            key=f"le_publish_{item.id}",
            icon=":material/visibility_off:" if item.is_published else ":material/publish:",
            on_click=set_published,
            args=(item.id, not item.is_published, item.title),
        )
        st.button(
            "", key=f"le_up_{item.id}", icon=":material/arrow_upward:", help="Move up", disabled=first,
            on_click=move, args=(item.id, "up"),
        )  # fmt: skip
        st.button(
            "", key=f"le_down_{item.id}", icon=":material/arrow_downward:", help="Move down", disabled=last,
            on_click=move, args=(item.id, "down"),
        )  # fmt: skip
        st.button(
            "", key=f"le_delete_{item.id}", icon=":material/delete:", help="Delete…", on_click=ask_delete,
            args=(item.id,),
        )  # fmt: skip


def _delete_confirmation(item: ResourceListItem) -> None:
    st.warning(
        f"Delete “{md(item.title)}”? Sellers stop seeing it at once and its address becomes free for a new resource. "
        "The row is kept (soft delete).",
        icon=":material/warning:",
    )
    yes, no, _ = st.columns([1.3, 1, 5])
    yes.button(
        "Yes, delete", key="le_confirm_delete", type="primary", on_click=confirm_delete, args=(item.id, item.title)
    )
    no.button("Cancel", key="le_cancel_delete", on_click=cancel_delete)


# ---------------------------------------------------------------- the form


def resource_form(mode: str) -> None:
    """The create/edit form; Preview shows the seller view without saving, Save writes or shows field errors."""
    resource_id = None if mode == "new" else mode
    defaults = EMPTY_FORM if resource_id is None else stored_values(resource_id)
    if defaults is None:
        st.warning("This resource no longer exists (it may have been deleted by another admin).")
        st.button("Back to the list", on_click=close_form)
        return
    st.button("Back to the list", icon=":material/arrow_back:", type="tertiary", on_click=close_form)
    st.subheader("New resource" if resource_id is None else f"Edit “{md(defaults.title)}”", anchor=False)
    prefix = f"le_form_{st.session_state.get(FORM_NONCE_KEY, 0)}_"
    slots: dict[str, object] = {}

    def field(widget: Callable[..., Any], name: str, label: str, **options: Any) -> Any:
        """One input prefilled from `defaults`, keyed by its field, with an empty slot under it for its error."""
        value = widget(label, value=getattr(defaults, name), key=prefix + name, **options)
        slots[name] = st.empty()
        return value

    video_help = f"Embedded only from {md(allowed_video_sources(get_settings().learn_video_hosts))}, over https."
    with st.form(f"{prefix}form", enter_to_submit=False):
        title = field(st.text_input, "title", "Title", max_chars=255)
        left, right = st.columns(2)
        with left:
            kind = st.selectbox(
                "Type",
                TYPE_OPTIONS,
                index=TYPE_OPTIONS.index(defaults.type),
                format_func=RESOURCE_TYPE_LABELS.__getitem__,
                key=prefix + "type",
            )
            slots["type"] = st.empty()
        with right:
            category = field(st.text_input, "category", "Category", placeholder="pricing, marketing, seo…")
        tags = field(st.text_input, "tags", "Tags", placeholder="pricing, benchmarks", help="Comma-separated.")
        excerpt_help = "The card's summary. Empty: the start of the article is used."
        excerpt = field(st.text_area, "excerpt", "Excerpt", height=80, help=excerpt_help)
        left, right = st.columns(2)
        with left:
            thumbnail = field(st.text_input, "thumbnail_url", "Thumbnail URL", placeholder="https://…")
        with right:
            video = field(st.text_input, "video_url", "Video URL", placeholder="https://youtu.be/…", help=video_help)
        content_help = "Headings, paragraphs, lists, links, images and tables. Scripts, frames and styles are removed."
        content = field(st.text_area, "content", "Content (HTML)", height=320, help=content_help)
        published = st.checkbox("Published (sellers can read it)", value=defaults.is_published, key=prefix + "pub")
        with st.container(horizontal=True):
            save_clicked = st.form_submit_button("Save", icon=":material/save:", type="primary")
            preview_clicked = st.form_submit_button("Preview", icon=":material/visibility:")

    values = FormValues(title, kind, category, tags, excerpt, thumbnail, video, content, published)
    if save_clicked:
        errors = save(values, resource_id=resource_id)
        if not errors:
            flash(FLASH, f"“{md(' '.join(title.split()))}” saved.")
            close_form()
            st.rerun()
        _show_errors(errors, slots)
    elif preview_clicked:
        _show_errors(_validation_errors(values), slots)
        _preview(values)


def _validation_errors(values: FormValues) -> dict[str, str]:
    try:
        learn_rules.validate_resource(**asdict(values), video_hosts=get_settings().learn_video_hosts)
    except ResourceValidationError as exc:
        return exc.errors
    return {}


def _show_errors(errors: dict[str, str], slots: dict[str, object]) -> None:
    if not errors:
        return
    for field, message in errors.items():
        slot = slots.get(field)
        if slot is not None:
            slot.error(md(message), icon=":material/error:")  # type: ignore[attr-defined]
    st.error(
        f"Nothing was saved: fix the {len(errors)} field{'s' if len(errors) != 1 else ''} marked above.",
        icon=":material/error:",
    )


def _preview(values: FormValues) -> None:
    fields = asdict(values)
    del fields["is_published"]  # a draft previews as it will read once published
    article = learn_rules.preview_resource(**fields, video_hosts=get_settings().learn_video_hosts)
    st.subheader("Preview — exactly as sellers will see it (not saved yet)", anchor=False)
    with st.container(border=True):
        article_body(article, preview=True)
