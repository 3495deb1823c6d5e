"""scripts/serve.py refuses to serve an app that cannot serve (issue 12, item 6): with APP_ENV=production and a weak
cookie key it exits with status 1 and the one-line reason before a server exists, so no `/_stcore/health` answers
"ok" for it. Real subprocesses, a real port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from core.config import DEV_COOKIE_KEY, PROJECT_ROOT

SERVE = PROJECT_ROOT / "scripts" / "serve.py"
HINT = "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def command(port: int) -> list[str]:
    return [sys.executable, str(SERVE), "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.fileWatcherType", "none"]  # fmt: skip


def environment(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("AUTH_COOKIE_KEY", "APP_ENV", "DATABASE_URL")}
    return {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}", "OUTBOX_DIR": str(tmp_path), **values}


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        pytest.param(" " * 32, "AUTH_COOKIE_KEY is only whitespace", id="32-spaces"),
        pytest.param("a" * 32, "AUTH_COOKIE_KEY is one character repeated 32 times", id="a-x-32"),
        pytest.param("changeme" * 4, "AUTH_COOKIE_KEY repeats a short pattern of 8 characters", id="changeme-x-4"),
        pytest.param(DEV_COOKIE_KEY + " ", "AUTH_COOKIE_KEY contains the development key", id="dev-key+space"),
        pytest.param("", "APP_ENV=production needs AUTH_COOKIE_KEY", id="unset"),
    ],
)
def test_a_weak_production_key_exits_1_with_one_line_before_any_server_starts(
    tmp_path: Path, key: str, reason: str
) -> None:
    port = free_port()
    env = environment(tmp_path, APP_ENV="production", AUTH_COOKIE_KEY=key)

    started = time.monotonic()
    done = subprocess.run(command(port), cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60)

    assert done.returncode == 1
    assert done.stdout == ""  # no "You can now view your Streamlit app": Streamlit never started
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"The app cannot start: {reason}") and lines[0].endswith(HINT)
    assert time.monotonic() - started < 30
    assert not listening(port)


def test_a_strong_production_key_serves_and_the_health_check_answers_ok(tmp_path: Path) -> None:
    """The control: the same launcher with a good key starts Streamlit and `/_stcore/health` says ok."""
    port = free_port()
    env = environment(tmp_path, APP_ENV="production", AUTH_COOKIE_KEY="YMMWlu2DGTKlFoa-Z67JJDF_IM3_OEhXVP2vfGq9sVk")
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(command(port), cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline, health = time.monotonic() + 60, None
        while time.monotonic() < deadline and process.poll() is None and health != "ok":
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    health = response.read().decode().strip()
            except OSError:
                time.sleep(0.3)
        assert health == "ok", log.read_text()[-2000:]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
