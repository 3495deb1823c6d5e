"""Print the database URL the app will use (DATABASE_URL, then `.env`, then the SQLite default in data/).

`--masked` hides the password, for printing. Settings the app would refuse (e.g. production with the
development cookie key) end the command with their one-line reason instead of a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.engine import make_url

from core.config import SettingsError, load_settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--masked", action="store_true", help="hide the password")
    args = parser.parse_args()
    try:
        url = load_settings().database_url
    except SettingsError as exc:
        print(f"Settings refused: {exc}", file=sys.stderr)
        return 2
    print(make_url(url).render_as_string(hide_password=True) if args.masked else url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
