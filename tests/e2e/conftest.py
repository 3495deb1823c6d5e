"""Browser-test fixtures: a prepared database, `streamlit run app.py` on a free port, and Debian's Chromium.

The database is the demo marketplace (`python -m core.demo`) with its benchmarks computed, as `make run`
prepares it; the tests log in with the demo logins.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOT_DIR = PROJECT_ROOT / "test-output" / "e2e"
STARTUP_TIMEOUT_SECONDS = 60
DEMO_TIMEOUT_SECONDS = 300


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare_database(url: str, log: Path, *, reuse: bool) -> str:
    """Load the demo marketplace and compute the benchmarks, the same two steps as `make run`.

    With `reuse` (E2E_DATABASE_URL given) a database that already holds data is kept as it is.
    """
    steps = [
        [sys.executable, "-m", "core.demo", "--database-url", url, "--seed", "42"] + (["--if-empty"] if reuse else []),
        [sys.executable, "-m", "jobs", "run", "benchmarks"],
    ]
    with log.open("w") as out:
        for step in steps:
            subprocess.run(
                step,
                cwd=PROJECT_ROOT,
                env={**os.environ, "DATABASE_URL": url},
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=DEMO_TIMEOUT_SECONDS,
                check=True,
            )
    return "demo"


def _wait_healthy(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"streamlit did not become healthy in {STARTUP_TIMEOUT_SECONDS}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def app_server() -> Iterator[dict[str, str]]:
    """A running app on 127.0.0.1:<free port> over a fresh database; stopped at the end of the session."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (make test does this)")
    workdir = Path(tempfile.mkdtemp(prefix="sgt-e2e-"))
    given_url = os.environ.get("E2E_DATABASE_URL")
    url = given_url or f"sqlite:///{workdir / 'e2e.db'}"
    source = _prepare_database(url, workdir / "demo.log", reuse=bool(given_url))
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "APP_ENV": "development",
        "OUTBOX_DIR": str(workdir / "outbox"),
    }
    env.pop("AUTH_COOKIE_KEY", None)
    log = workdir / "streamlit.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base_url, process, log)
        yield {"base_url": base_url, "database": source, "log": str(log)}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def warm_app(browser, app_server: dict[str, str]) -> dict[str, str]:
    """Open the app once before the tests, as its first visitor.

    Streamlit runs the first session of a new server process in its legacy `pages/`-folder mode
    (our page scripts live in `pages/`); `leave_legacy_pages_mode()` recovers from that, but a deep
    link (`/learn?slug=…`) as the very first request of the process shows "page not found" first.
    The tests are about every later visitor, so one throw-away visit takes that first session.
    """
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(app_server["base_url"])
    tab.get_by_role("textbox", name="Username").wait_for(timeout=60_000)
    context.close()
    return app_server


@pytest.fixture
def page(browser, warm_app: dict[str, str], request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh browser context (own cookie jar) per test, sized like a laptop screen.

    A failing test leaves `test-output/e2e/FAILED-<test>.png` behind to look at.
    """
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(20_000)
    tab = context.new_page()
    yield tab
    if request.node.stash.get(_FAILED, False):
        tab.screenshot(path=str(SCREENSHOT_DIR / f"FAILED-{request.node.name}.png"), full_page=True)
    context.close()
