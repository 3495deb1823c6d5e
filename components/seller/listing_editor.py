"""The Listing editor's widgets: the product picker, the new-draft form, and the editor itself — one section per
score dimension (the one asked for in `?dimension=` open and first), errors under each field, a live score preview
per dimension, and the save with its score change. URL contract: `?product=<id>&dimension=<key>`, `?new=1`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from components.charts.listing_editor import score_change_chart
from components.data import DatabaseError, database_errors, describe_database_error
from components.data import listing_editor as editor_data
from components.data import listings as listing_data
from components.seller.listing_health import CHECK_ICONS
from components.ui.flash import flash, show_flash
from components.ui.labels import type_label
from components.ui.text import md
from core.listings.editor import (
    EDITABLE_FIELDS,
    FIELD_LABELS,
    MAX_GALLERY_IMAGES,
    MAX_TERMS,
    EditableListing,
    ListingForm,
    ListingValidationError,
    ScoreChange,
    changed_fields,
    check_form,
    compare_scores,
    draft_score,
    type_choices,
    weakest_dimension,
)
from core.listings.score import DIMENSIONS, DimensionScore
from core.text_input import url_key

PAGE = "pages/seller/listing_editor.py"
HEALTH_PAGE = "pages/seller/listing_health.py"
FLASH = "listing_editor"
NEW_ERRORS = "le_new_errors"
STATUS_LABELS = {"DRAFT": "Draft (not shown to buyers)", "PUBLISHED": "Published", "ARCHIVED": "Archived (hidden)"}
NOT_FOUND_MESSAGE = "Product not found. It may have been deleted, or the link is not for one of your products."


@dataclass(frozen=True)
class Section:
    key: str  # a score dimension's key, or "status"
    label: str
    fields: tuple[str, ...]


SECTIONS = (
    Section("title_quality", "Title quality", ("title",)),
    Section("description_completeness", "Description completeness", ("description",)),
    Section("image_quality", "Image quality", ("featured_image", "gallery_images")),
    Section("seo_optimization", "SEO", ("seo_title", "seo_description", "seo_keywords")),
    Section("pricing_competitiveness", "Pricing competitiveness", ("price",)),
    Section("tag_relevance", "Tag relevance", ("tags",)),
    Section("status", "Publishing", ("status",)),
)
HELP = {
    "title": "30–80 characters that say what buyers get, with a word of your category; no words in capitals.",
    "description": "200+ words, headings (## or <h2>), 2+ paragraphs and a list of 3+ features (- item).",
    "featured_image": "The cover buyers see in search results: a full https:// address.",
    "gallery_images": f"One https:// address a line, up to {MAX_GALLERY_IMAGES}; 3 or more earn full points.",
    "seo_title": "The headline search engines show (up to 120 characters).",
    "seo_description": "The snippet under that headline (up to 320 characters).",
    "seo_keywords": f"Comma-separated, up to {MAX_TERMS}; 3 or more earn full points.",
    "price": "Saved through the validated price change: it is checked against comparable listings and recorded in "
    "your price history (Pricing tool), like a price applied there.",
    "tags": f"Comma-separated, up to {MAX_TERMS}; 3+ tags, 2 of them among your category's common tags, earn full "
    "points.",
    "status": "Only published listings are shown to buyers and compared with the market.",
}


def dimension_param() -> str | None:
    """`?dimension=` when it names a score dimension, else None (anything else is ignored)."""
    wanted = st.query_params.get("dimension")
    return wanted if wanted in {key for key, _, _ in DIMENSIONS} else None


def show(*, seller_id: str, user_id: str) -> None:
    """The page body for the URL: `?new=1` the new-draft form, `?product=` the editor, nothing the picker."""
    if st.query_params.get("new") == "1":
        new_draft_form(seller_id=seller_id, user_id=user_id)
        return
    requested = st.query_params.get("product")
    if requested is None:
        picker(seller_id)
        return
    key = url_key(requested, max_chars=64)
    try:
        if key is None:
            raise LookupError("Product not found")
        with database_errors():
            listing = editor_data.editable_listing(seller_id, key)
    except LookupError:
        st.error(NOT_FOUND_MESSAGE, icon=":material/search_off:")
        return
    editor(listing, seller_id=seller_id, user_id=user_id, focus=dimension_param())


# ---------------------------------------------------------------- picker and new draft


def picker(seller_id: str) -> None:
    with database_errors():
        scored = listing_data.scored_listings(seller_id)
    st.page_link(PAGE, label="Create a new product", icon=":material/add_circle:", query_params={"new": "1"})
    if not scored:
        st.info("You have no published or draft products yet: create one above.", icon=":material/inventory_2:")
        return
    ids = [s.listing.product_id for s in scored]
    titles = {s.listing.product_id: s for s in scored}

    def label(pid: str) -> str:
        item = titles[pid]
        draft = " (draft)" if item.status == "DRAFT" else ""
        return f"{item.listing.title or 'Untitled product'}{draft} · {item.score.overall:g} / 100 · {pid[:6]}"

    chosen = st.selectbox(
        "Listing to edit",
        options=ids,
        index=None,
        format_func=label,
        placeholder="Choose one of your listings (lowest score first)",
    )
    if chosen:
        st.query_params.from_dict({"product": chosen})
        st.rerun()


def new_draft_form(*, seller_id: str, user_id: str) -> None:
    st.subheader("New product")
    st.caption("Start a draft with its type, title and price; everything else is filled in the editor next.")
    with database_errors():
        categories = editor_data.categories()
    types = [t for t, _ in type_choices()]
    typed_type = st.query_params.get("type")
    errors: dict[str, str] = st.session_state.get(NEW_ERRORS, {})
    with st.form("le_new_form"):
        kind = st.selectbox(
            "Type",
            options=types,
            index=types.index(typed_type) if typed_type in types else None,
            format_func=type_label,
            placeholder="What kind of product is it?",
        )
        field_error(errors, "type")
        title = st.text_input("Title", max_chars=200, placeholder="Monthly budget planner for freelancers")
        field_error(errors, "title")
        price = st.text_input("Price (USD)", placeholder="19.00")
        field_error(errors, "price")
        names = dict(categories)
        category = st.selectbox(
            "Category (optional)",
            options=list(names),
            index=None,
            format_func=names.__getitem__,
            placeholder="Choose a category",
            help="Lets the score compare your title and tags with the category's most used words.",
        )
        field_error(errors, "category")
        submitted = st.form_submit_button("Create draft", type="primary", icon=":material/add:")
    st.page_link(PAGE, label="Back to my listings", icon=":material/arrow_back:")
    if not submitted:
        return
    try:
        created = editor_data.new_draft(
            seller_id=seller_id,
            user_id=user_id,
            product_type=kind or "",
            title=title,
            price=price,
            category_id=category,
        )
    except ListingValidationError as exc:
        st.session_state[NEW_ERRORS] = exc.errors
        st.rerun()
    except DatabaseError as exc:
        message, icon = describe_database_error(exc, doing="create the draft")
        st.error(md(message), icon=icon)
        return
    st.session_state.pop(NEW_ERRORS, None)
    flash(FLASH, f"Draft “{md(title.strip())}” created: {md(created.change.summary())}. Fill in the rest below.")
    st.query_params.from_dict({"product": created.product_id})
    st.rerun()


def field_error(errors: dict[str, str], field: str) -> None:
    if field in errors:
        st.caption(f":red[:material/error: {md(errors[field])}]")


# ---------------------------------------------------------------- the editor


def _key(product_id: str, field: str) -> str:
    return f"le_{product_id}_{field}"


def _load_widgets(listing: EditableListing) -> None:
    """Fill the fields with the stored values on first open, again once a save changed them, and when Streamlit
    dropped their state (it forgets a widget's value once a run does not draw it: after a visit to another page)."""
    marker = _key(listing.product_id, "stored")
    stored = ListingForm.of(listing.stored)
    dropped = any(_key(listing.product_id, f) not in st.session_state for f in EDITABLE_FIELDS)
    if dropped or st.session_state.get(marker) != stored:
        for field in EDITABLE_FIELDS:
            st.session_state[_key(listing.product_id, field)] = getattr(stored, field)
        st.session_state[marker] = stored


def _typed(listing: EditableListing) -> ListingForm:
    return ListingForm(**{f: st.session_state.get(_key(listing.product_id, f), "") for f in EDITABLE_FIELDS})


def ordered_sections(focus: str | None) -> list[Section]:
    """The focused dimension's section first, then the others in the score's order; publishing last."""
    return sorted(SECTIONS, key=lambda s: (s.key != focus, SECTIONS.index(s)))


def editor(listing: EditableListing, *, seller_id: str, user_id: str, focus: str | None) -> None:
    pid = listing.product_id
    _load_widgets(listing)
    draft, errors = check_form(_typed(listing), listing.stored)
    change = compare_scores(listing.score, draft_score(listing, draft))
    pending = changed_fields(listing.stored, draft)
    focus = focus or weakest_dimension(listing.score)
    show_flash(FLASH)

    facts = [
        type_label(listing.product_type),
        listing.category_name or "no category",
        STATUS_LABELS[listing.stored.status],
    ]
    st.markdown(f"#### {md(listing.stored.title or 'Untitled product')}")
    st.caption(md(" · ".join(facts)))
    st.page_link(
        HEALTH_PAGE, label="See it in Listing health", icon=":material/monitor_heart:", query_params={"product": pid}
    )
    fields_col, preview_col = st.columns([3, 2], gap="large")
    after = {d.key: d for d in draft_score(listing, draft).dimensions}
    with fields_col:
        for section in ordered_sections(focus):
            icon = _section_icon(after.get(section.key))
            with st.expander(md(section.label), expanded=section.key == focus, icon=icon):
                if section.key in after:
                    checks_caption(after[section.key])
                for field in section.fields:
                    field_widget(pid, field)
                    field_error(errors, field)
        save_bar(listing, seller_id=seller_id, user_id=user_id, pending=pending, errors=errors)
    with preview_col:
        score_preview(change, pending=bool(pending))


def _section_icon(dim: DimensionScore | None) -> str:
    if dim is None:
        return ":material/publish:"
    return ":material/check_circle:" if dim.actionable_gap <= 0 else ":material/edit:"


def checks_caption(dim: DimensionScore) -> None:
    st.caption(
        f"**{dim.points:g} / {dim.max_points:g} points** with what is typed now  \n"
        + "  \n".join(f"{CHECK_ICONS[c.status]} {md(c.rule)}: {md(c.detail)}" for c in dim.checks)
    )


def field_widget(product_id: str, field: str) -> None:
    key = _key(product_id, field)
    if field in ("description", "gallery_images"):
        height = 260 if field == "description" else 110
        st.text_area(md(FIELD_LABELS[field]), key=key, help=md(HELP[field]), height=height)
    elif field == "status":
        st.selectbox(
            md(FIELD_LABELS[field]),
            options=list(STATUS_LABELS),
            format_func=STATUS_LABELS.__getitem__,
            key=key,
            help=md(HELP[field]),
        )
    elif field == "price":
        st.text_input("Price (USD)", key=key, help=md(HELP[field]))
        st.caption(
            ":material/receipt_long: A new price is saved through the validated price change and recorded in your "
            "price history, with its own audit row."
        )
    else:
        st.text_input(md(FIELD_LABELS[field]), key=key, help=md(HELP[field]))


def save_bar(
    listing: EditableListing, *, seller_id: str, user_id: str, pending: Sequence[str], errors: dict[str, str]
) -> None:
    pid = listing.product_id
    if errors:
        names = ", ".join(FIELD_LABELS[f] for f in EDITABLE_FIELDS if f in errors)
        st.warning(f"Fix the marked fields before saving: {md(names)}.", icon=":material/error:")
    elif pending:
        st.caption("Not saved yet: " + md(", ".join(FIELD_LABELS[f] for f in pending)) + ".")
    save, reset = st.columns(2)
    if reset.button("Undo my changes", key=f"le_reset_{pid}", disabled=not pending, width="stretch"):
        st.session_state.pop(_key(pid, "stored"), None)
        st.rerun()
    if not save.button("Save changes", key=f"le_save_{pid}", type="primary", icon=":material/save:", width="stretch"):
        return
    try:
        saved = editor_data.save(seller_id=seller_id, user_id=user_id, product_id=pid, form=_typed(listing))
    except ListingValidationError as exc:
        names = ", ".join(FIELD_LABELS.get(f, f) for f in exc.errors)
        st.error(f"Nothing was saved: {md(names)} — " + md(" ".join(exc.errors.values())), icon=":material/error:")
        return
    except LookupError:
        st.error(NOT_FOUND_MESSAGE, icon=":material/search_off:")
        return
    except DatabaseError as exc:
        message, icon = describe_database_error(exc, doing="save this listing")
        st.error(md(message), icon=icon)
        return
    if not saved.changed_fields:
        flash(FLASH, "Nothing to save: the listing already has these values.", kind="info")
    else:
        flash(FLASH, f"Saved. {md(saved.change.summary())}.", icon=":material/task_alt:")
    st.rerun()


def score_preview(change: ScoreChange, *, pending: bool) -> None:
    before = change.before or 0.0
    st.metric(
        "Listing score" + (" (preview, not saved)" if pending else ""),
        f"{change.after:g} / 100",
        delta=f"{change.delta:+g} vs saved" if change.delta else None,
        help="The sum of the six dimension scores (0–100) for what is typed now, against the saved listing "
        f"({before:g}). Same rules as Listing health.",
        border=True,
    )
    rows = [(d.label, d.before, d.after, d.max_points) for d in change.dimensions]
    st.altair_chart(score_change_chart(rows), width="stretch")
    st.caption(
        "Bars: points with what is typed now (green up, red down, blue unchanged); black tick: the saved listing. "
        "The preview updates when you leave a field."
    )
