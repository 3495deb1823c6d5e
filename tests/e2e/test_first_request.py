"""The first visitor of a newly started server who arrives by a deep link gets the login form, then that page.

Streamlit starts an app with a `pages/` folder in its legacy multipage mode; served bare
(`streamlit run app.py`) the first request of a new process, if it is a deep link, showed "Page not found"
over the login form. `scripts/serve.py` starts the server outside that mode, so this test starts its own
fresh server through it and makes `/pricing` the very first page request that process ever serves.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import serve_app
from tests.e2e.test_login_flow import PASSWORDS, screenshot, submit_login, wait_until_idle

pytestmark = pytest.mark.e2e

# The first script run of a new process imports the whole app: allow more than the default 20 s.
FIRST_RUN_TIMEOUT_MS = 60_000


def test_a_deep_link_as_the_first_request_of_a_new_server_opens_after_login(page, e2e_database) -> None:
    with serve_app(e2e_database, name="first-request") as server:
        page.goto(f"{server['base_url']}/pricing")  # no other browser has opened this server yet
        page.get_by_role("textbox", name="Username").wait_for(timeout=FIRST_RUN_TIMEOUT_MS)
        wait_until_idle(page)
        assert page.get_by_text("Page not found").count() == 0

        submit_login(page, "maya", PASSWORDS["maya"])  # the first submit of the process counts
        page.get_by_role("heading", name="Pricing tool").wait_for()
        wait_until_idle(page)
        assert urlparse(page.url).path == "/pricing"
        assert page.get_by_text("Page not found").count() == 0
        assert page.get_by_role("textbox", name="Username").count() == 0
        screenshot(page, "first-request-deep-link-after-login")
