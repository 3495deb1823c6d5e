"""Serves the app: `streamlit run app.py` without Streamlit's legacy `pages/`-folder mode.

    python scripts/serve.py [streamlit run options]     e.g. --server.port 8502 --server.address 127.0.0.1

Streamlit decides once per process, before app.py first runs, that an app with a `pages/` folder beside it
uses its legacy multipage mode; `st.navigation()` switches that off only after the first run was already
wrapped in it, so the first request of a new server that is a deep link (`/pricing`) showed "Page not
found" over the login form and lost the first login submit. This launcher sets the flag `st.navigation()`
sets, before the server starts, then hands over to Streamlit's own CLI (the same process, so the flag
stays set). `make run` and the browser tests serve the app through it.

Before any of that it checks the settings (`core.config.load_settings`): a configuration the app refuses (e.g.
APP_ENV=production with a weak AUTH_COOKIE_KEY) exits with status 1 and the one-line reason, before a server
exists. Otherwise the server would start, `/_stcore/health` would answer "ok" to the load balancer, and every
page would show only "The app cannot start".
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

PROJECT_ROOT = Path(__file__).resolve().parent.parent
APP = PROJECT_ROOT / "app.py"
INTERNALS = PROJECT_ROOT / "components" / "shell" / "streamlit_internals.py"

# What `make run` always passed; an option given on the command line wins.
DEFAULT_OPTIONS = {"--server.headless": "true", "--browser.gatherUsageStats": "false"}


def run_arguments(options: Sequence[str]) -> list[str]:
    """`streamlit` CLI arguments: `run <app.py> <options>`, plus each default option not given."""
    given = {option.split("=", 1)[0] for option in options if option.startswith("--")}
    defaults = [part for name, value in DEFAULT_OPTIONS.items() if name not in given for part in (name, value)]
    return ["run", str(APP), *defaults, *options]  # defaults first: whatever follows `--` is the script's


def _load_streamlit_internals() -> ModuleType:
    """Load components/shell/streamlit_internals.py on its own, by file.

    Importing it as `components.shell.streamlit_internals` would first run the package `__init__` files,
    which may import the app (settings, database, login) before Streamlit's CLI has configured itself.
    """
    spec = importlib.util.spec_from_file_location("_sgt_streamlit_internals", INTERNALS)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {INTERNALS}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def settings_problem() -> str | None:
    """The one-line reason the app would refuse its settings (environment and `.env`), or None when it can serve."""
    from core.config import SettingsError, load_settings  # only settings: no Streamlit, no database

    try:
        load_settings()
    except SettingsError as exc:
        return str(exc)
    return None


def main(options: Sequence[str]) -> None:
    # Python put scripts/ first on sys.path; `streamlit run app.py` has app.py's folder there instead
    # (bootstrap adds it again, harmlessly), so `components` and `core` import the same way.
    script_dir = str(Path(__file__).resolve().parent)
    sys.path[:] = [str(PROJECT_ROOT)] + [entry for entry in sys.path if entry != script_dir]

    problem = settings_problem()
    if problem is not None:
        print(f"The app cannot start: {problem}", file=sys.stderr)
        raise SystemExit(1)

    _load_streamlit_internals().disable_legacy_pages_mode()

    from streamlit.web import cli

    cli.main(args=run_arguments(options), prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
