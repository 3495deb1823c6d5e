"""The Streamlit internals `components/shell/streamlit_internals.py` relies on are still there and still work.

A Streamlit upgrade that removes or renames one of them must fail here, naming the attribute, instead of
bringing back "Page not found" on the first deep link of a new server or the lost post-login page.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import types
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import ScriptRunContext
from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
from streamlit.testing.v1 import AppTest

from components.shell import streamlit_internals
from core.config import PROJECT_ROOT

FLAG = "streamlit.runtime.pages_manager.PagesManager.uses_pages_directory"
INTENT = "streamlit.runtime.pages_manager.PagesManager.intended_page_name"
APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture(autouse=True)
def _restore_flag() -> Iterator[None]:
    """The flag is process-wide: put back whatever another test left there."""
    saved = PagesManager.uses_pages_directory
    yield
    PagesManager.uses_pages_directory = saved


def test_the_legacy_mode_flag_is_still_a_class_attribute_of_pages_manager() -> None:
    assert "uses_pages_directory" in vars(PagesManager), (
        f"{FLAG} is gone: Streamlit changed how it decides its legacy pages/-folder mode. "
        "Read streamlit/runtime/pages_manager.py and fix components/shell/streamlit_internals.py"
    )


def test_the_script_runner_still_decides_the_legacy_mode_by_that_flag() -> None:
    source = inspect.getsource(ScriptRunner)
    assert "PagesManager.uses_pages_directory" in source and "_mpa_v1" in source, (
        f"ScriptRunner no longer reads {FLAG} before wrapping a run in _mpa_v1: setting the flag may no "
        "longer keep Streamlit out of its legacy pages/-folder mode (check scripts/serve.py in a browser)"
    )


def test_a_new_pages_manager_turns_on_the_legacy_mode_for_our_pages_folder() -> None:
    # The reason for the launcher: left alone, Streamlit derives the mode from the `pages/` folder.
    PagesManager.uses_pages_directory = None
    PagesManager(APP)
    assert PagesManager.uses_pages_directory is True, (
        f"{FLAG} is no longer derived from the pages/ folder beside app.py: the legacy mode may be gone, "
        "and with it the need for scripts/serve.py and leave_legacy_pages_mode()"
    )


def test_disable_legacy_pages_mode_sets_the_flag_and_every_later_pages_manager_keeps_it() -> None:
    PagesManager.uses_pages_directory = None
    streamlit_internals.disable_legacy_pages_mode()
    assert PagesManager.uses_pages_directory is False
    PagesManager(APP)  # what the server does for every new browser session
    PagesManager(APP)
    assert PagesManager.uses_pages_directory is False, (
        f"PagesManager.__init__ now overwrites {FLAG}: the launcher must set it after the server starts"
    )


def test_the_page_a_url_asked_for_is_still_the_pages_managers_intended_page_name() -> None:
    assert isinstance(inspect.getattr_static(PagesManager, "intended_page_name", None), property), (
        f"{INTENT} is gone: the page a deep link asked for is lost after login "
        "(components/shell/streamlit_internals.py::intended_page_name)"
    )
    assert "pages_manager" in {field.name for field in dataclasses.fields(ScriptRunContext)}, (
        "streamlit.runtime.scriptrunner.ScriptRunContext.pages_manager is gone: "
        "components/shell/streamlit_internals.py::intended_page_name cannot reach the PagesManager"
    )
    manager = PagesManager(APP)
    manager.set_script_intent("", "pricing")  # what Streamlit does for a request of /pricing
    with mock.patch.object(
        streamlit_internals, "get_script_run_ctx", return_value=types.SimpleNamespace(pages_manager=manager)
    ):
        assert streamlit_internals.intended_page_name() == "pricing"


def test_no_page_name_without_a_request_by_url_or_outside_a_script_run() -> None:
    manager = PagesManager(APP)  # in-app navigation: no intent by name
    with mock.patch.object(
        streamlit_internals, "get_script_run_ctx", return_value=types.SimpleNamespace(pages_manager=manager)
    ):
        assert streamlit_internals.intended_page_name() == ""
    assert streamlit_internals.intended_page_name() == ""  # plain Python: no script run context


SAFETY_NET_APP = """
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from components.shell.streamlit_internals import leave_legacy_pages_mode

st.session_state["runs"] = st.session_state.get("runs", 0) + 1
st.session_state.setdefault("flags", []).append(PagesManager.uses_pages_directory)
leave_legacy_pages_mode()
st.write("page body")
"""


def test_the_safety_net_reruns_once_out_of_the_legacy_mode(tmp_path: Path) -> None:
    # A bare `streamlit run`: the script has a pages/ folder beside it, so its first run is in legacy mode.
    (tmp_path / "pages").mkdir()
    script = tmp_path / "app.py"
    script.write_text(SAFETY_NET_APP)
    at = AppTest.from_file(str(script), default_timeout=10)
    at.run()
    assert not at.exception
    # AppTest resets the flag to None before its run, so the first pass is in legacy mode, the rerun is not.
    assert at.session_state["flags"] == [True, False]
    assert at.session_state["runs"] == 2
    assert PagesManager.uses_pages_directory is False
    assert [m.value for m in at.markdown] == ["page body"]


def test_the_module_imports_nothing_from_the_app() -> None:
    # scripts/serve.py loads it before the server starts, so it must stand on Streamlit alone.
    tree = ast.parse(Path(streamlit_internals.__file__).read_text())
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names] + [
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ]
    assert [name for name in imported if name.split(".")[0] in {"components", "core", "jobs"}] == []
