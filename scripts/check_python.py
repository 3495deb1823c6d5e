"""Refuse to build the venv with a Python older than the project needs, with a message saying what to do.

Runs under whatever `python3` the machine has, so it uses only syntax every Python 3 understands.
"""

import sys

REQUIRED = (3, 11)


def _version(parts: tuple) -> str:
    return ".".join(str(part) for part in parts[:2])


if sys.version_info < REQUIRED:
    sys.stderr.write(
        "Python " + _version(REQUIRED) + " or newer is needed, but `python3` is " + _version(sys.version_info) + ". "
        "Install a newer Python or run `make PYTHON_BOOTSTRAP=python3.11 ...`.\n"
    )
    sys.exit(1)

try:
    import ensurepip  # noqa: F401  (`python -m venv` needs it to install pip)
except ImportError:
    sys.stderr.write(
        "This Python cannot create virtual environments (no ensurepip). "
        "On Debian/Ubuntu: apt-get install -y python3-venv\n"
    )
    sys.exit(1)
