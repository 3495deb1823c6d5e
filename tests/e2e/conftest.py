"""Browser-test fixtures: a prepared database, the app served by scripts/serve.py on a free port, and Chromium.

The database is the demo marketplace (`python -m core.demo`) with its benchmarks computed, as `make run`
prepares it; the tests log in with the demo logins. `serve_app` starts a further, fresh server over the same
database for a test that needs to be the first visitor of a new process (tests/e2e/test_first_request.py).
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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
SERVE = PROJECT_ROOT / "scripts" / "serve.py"
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
        [sys.executable, "-m", "jobs", "run", "benchmarks", "goal-deadlines", "opportunity-alerts"],
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


@dataclass(frozen=True)
class E2EDatabase:
    """The prepared database every server of this test session serves, and the session's work folder."""

    url: str
    source: str
    workdir: Path


@pytest.fixture(scope="session")
def e2e_database() -> Iterator[E2EDatabase]:
    """The demo marketplace, built once per test session (E2E_DATABASE_URL: reuse that database instead)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (make test does this)")
    workdir = Path(tempfile.mkdtemp(prefix="sgt-e2e-"))
    given_url = os.environ.get("E2E_DATABASE_URL")
    url = given_url or f"sqlite:///{workdir / 'e2e.db'}"
    try:
        source = _prepare_database(url, workdir / "demo.log", reuse=bool(given_url))
        yield E2EDatabase(url=url, source=source, workdir=workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def launcher_command(port: int) -> list[str]:
    """The app served the way `make run` serves it: through scripts/serve.py, on 127.0.0.1:`port`."""
    return [
        sys.executable,
        str(SERVE),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.fileWatcherType",
        "none",
    ]


@contextmanager
def serve_app(
    database: E2EDatabase, *, name: str = "streamlit", command: Callable[[int], list[str]] = launcher_command
) -> Iterator[dict[str, str]]:
    """A new server process over `database` on a free port, until the block ends; its log is `<name>.log`."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "APP_ENV": "development",
        "OUTBOX_DIR": str(database.workdir / "outbox"),
    }
    env.pop("AUTH_COOKIE_KEY", None)
    log = database.workdir / f"{name}.log"
    with log.open("w") as out:
        process = subprocess.Popen(command(port), cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base_url, process, log)
        yield {"base_url": base_url, "database": database.source, "log": str(log)}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def app_server(e2e_database: E2EDatabase) -> Iterator[dict[str, str]]:
    """The app most tests share, on 127.0.0.1:<free port>; stopped at the end of the session."""
    with serve_app(e2e_database) as server:
        yield server


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


@pytest.fixture
def page(browser, request: pytest.FixtureRequest) -> Iterator[object]:
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
