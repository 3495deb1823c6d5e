"""The seller Settings page's widgets: the weekly coaching e-mail switch with its save, and the save's outcome."""

from __future__ import annotations

import logging

import streamlit as st

from components.data import DatabaseError, describe_database_error
from components.data import settings as settings_data
from components.ui.flash import flash, show_flash
from components.ui.text import code
from core.accounts import SellerSettings
from core.config import get_settings
from jobs.registry import WEEKLY_DIGEST

log = logging.getLogger(__name__)

DIGEST_KEY = "settings_weekly_digest"
FLASH = "settings"


def _save(seller_id: str) -> None:
    wanted = bool(st.session_state[DIGEST_KEY])
    try:
        settings_data.save_digest_choice(seller_id, weekly_digest_opt_in=wanted)
    except LookupError:
        log.exception("saving seller settings failed: no such seller")
        flash(FLASH, "We couldn't find your seller profile, so nothing was changed.", kind="error")
        return
    except DatabaseError as exc:
        log.exception("saving seller settings failed")
        message, icon = describe_database_error(exc, doing="save your settings")
        flash(FLASH, f"{message} Nothing was changed.", kind="error", icon=icon)
        return
    flash(
        FLASH,
        "Saved: the weekly coaching e-mail is on."
        if wanted
        else "Saved: we won't send you the weekly coaching e-mail.",
    )


def show_settings_flash() -> None:
    show_flash(FLASH)


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
            f"Sent {when} to {code(current.email)}, the address of your account: your last 7 days in numbers "
            "and one thing to try next. Switch it off and Save, and no more digests are sent."
        )
        st.form_submit_button(
            "Save settings", type="primary", icon=":material/save:", on_click=_save, args=(seller_id,)
        )
