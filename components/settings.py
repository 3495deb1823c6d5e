"""The seller Settings page's widgets: the cached settings read and the weekly coaching e-mail switch with its save."""

from __future__ import annotations

import logging

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from core.accounts.preferences import SellerSettings, get_seller_settings, save_seller_settings
from core.config import get_settings
from core.db import session_scope
from jobs.registry import WEEKLY_DIGEST

log = logging.getLogger(__name__)

SETTINGS_TTL_SECONDS = 300
DIGEST_KEY = "settings_weekly_digest"
FLASH_KEY = "settings_flash"


@st.cache_data(ttl=SETTINGS_TTL_SECONDS, show_spinner=False)
def seller_settings(seller_id: str) -> SellerSettings:
    with session_scope() as session:
        return get_seller_settings(session, seller_id=seller_id)


def _save(seller_id: str) -> None:
    wanted = bool(st.session_state[DIGEST_KEY])
    try:
        with session_scope() as session:
            save_seller_settings(session, seller_id=seller_id, weekly_digest_opt_in=wanted)
    except (SQLAlchemyError, LookupError):
        log.exception("saving seller settings failed")
        st.session_state[FLASH_KEY] = (
            "error",
            "We couldn't save your settings just now. Nothing was changed; please try again in a minute.",
        )
        return
    finally:
        seller_settings.clear(seller_id)
    st.session_state[FLASH_KEY] = (
        "success",
        "Saved: the weekly coaching e-mail is on."
        if wanted
        else "Saved: we won't send you the weekly coaching e-mail.",
    )


def show_flash() -> None:
    kind, message = st.session_state.pop(FLASH_KEY, (None, None))
    if kind == "success":
        st.success(message, icon=":material/check_circle:")
    elif kind == "error":
        st.error(message, icon=":material/error:")


def digest_setting(seller_id: str, current: SellerSettings) -> None:
    """The weekly coaching e-mail switch in a small form, saved with one click, and where the e-mail goes."""
    when = WEEKLY_DIGEST.describe(get_settings().app_timezone)
    with st.form("seller_settings_form"):
        st.subheader("E-mail", anchor=False)
        st.toggle(
            "Weekly coaching e-mail",
            value=current.weekly_digest_opt_in,
            key=DIGEST_KEY,
            help="Your week's revenue and sales against the week before, your best product, and one thing to try next.",
        )
        st.caption(
            f"Sent {when} to `{current.email}`, the address of your account: your last 7 days in numbers "
            "and one thing to try next. Switch it off and Save, and no more digests are sent."
        )
        st.form_submit_button(
            "Save settings", type="primary", icon=":material/save:", on_click=_save, args=(seller_id,)
        )
