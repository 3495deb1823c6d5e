"""The e-mail templates' renderer: an HTML and a plain-text part from one template pair under
`core/notify/templates/` (`<name>.html`, `<name>.txt`), every value escaped in the HTML part.

Every e-mail renders through it: the weekly digest, operator alerts, the first-sale congratulation, the daily digest.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


@cache
def _environments() -> tuple[Environment, Environment]:
    """HTML with autoescaping; plain text without (it holds no markup and must not show `&amp;`)."""
    loader = FileSystemLoader(TEMPLATE_DIR)
    html = Environment(loader=loader, autoescape=select_autoescape(["html"]), undefined=StrictUndefined)
    text = Environment(loader=loader, autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)
    return html, text


def render_email(name: str, context: dict[str, Any]) -> tuple[str, str]:
    """(html, text) of template pair `name` for `context`; a missing value raises (StrictUndefined)."""
    html_env, text_env = _environments()
    return (
        html_env.get_template(f"{name}.html").render(context),
        text_env.get_template(f"{name}.txt").render(context),
    )
