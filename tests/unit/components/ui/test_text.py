"""The one text-safety helper: data shown literally inside Markdown (components/ui/text.py)."""

from __future__ import annotations

import pytest

from components.ui.text import MARKDOWN_SPECIALS, md, md_keep_bold


@pytest.mark.parametrize(
    ("typed", "escaped"),
    [
        ("$5 to $9", r"\$5 to \$9"),  # maths otherwise
        (":red[free]", r"\:red\[free\]"),  # a colour directive otherwise
        ("**bold** _it_ ~~gone~~", r"\*\*bold\*\* \_it\_ \~\~gone\~\~"),
        ("# Title", r"\# Title"),
        ("1. first", r"1\. first"),  # an ordered list otherwise
        ("- item + item", r"\- item \+ item"),
        ("<b>x</b> | `code` {x} (y) !", r"\<b\>x\</b\> \| \`code\` \{x\} \(y\) \!"),
        ("C:\\path", r"C\:\\path"),  # the backslash itself is escaped first-class
        ("Budget planner 2026", "Budget planner 2026"),  # plain text is untouched
    ],
)
def test_every_markdown_control_character_is_escaped(typed: str, escaped: str) -> None:
    assert md(typed) == escaped


def test_the_set_is_the_most_complete_of_the_old_escapers() -> None:
    # The four escapers it replaced escaped subsets of these (pricing only "$", listing health 12 characters).
    assert set("\\`*_{}[]()<>#+-.!|$:~") == MARKDOWN_SPECIALS


def test_our_own_bold_survives_md_keep_bold() -> None:
    assert md_keep_bold("You earned $150.50: try **Revenue, $170 by Dec 1**.") == (
        r"You earned \$150\.50\: try **Revenue, \$170 by Dec 1**\."
    )
