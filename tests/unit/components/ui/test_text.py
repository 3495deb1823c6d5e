"""The one text-safety helper (components/ui/text.py) over the payload corpus of issue #12: every expected output is
written out by hand. What each output renders as was checked in Chromium (Streamlit 1.67): plain text, no link,
no image, no colour, no icon, no maths."""

from __future__ import annotations

import pytest

from components.ui.text import JOINER, MARKDOWN_SPECIALS, code, md, md_keep_bold, shown

J = JOINER  # U+2060 WORD JOINER, invisible

CORPUS = [
    # links and images: the brackets and parentheses lose their meaning; the URL inside is not auto-linked
    ("[x](https://evil.example)", rf"\[x\]\(https\:{J}//evil\.example\)"),
    ("![](https://evil.example/t.png)", rf"\!\[\]\(https\:{J}//evil\.example/t\.png\)"),
    ("[j](javascript:alert(1))", rf"\[j\]\(javascript\:{J}alert\(1\)\)"),
    # Streamlit directives: colour, badges and Material icons (also the `:material_x:` form Streamlit rewrites to)
    (":red[FRAUD]", rf"\:{J}red\[FRAUD\]"),
    (":material/lock: session expired", rf"\:{J}material/lock\: session expired"),
    (":material_lock:", rf"\:{J}material\_lock\:"),
    (":red-badge[x]", rf"\:{J}red\-badge\[x\]"),
    # block syntax
    ("# x", r"\# x"),
    ("|a|b|", r"\|a\|b\|"),
    ("line\n===", "line\n\\=\\=\\="),  # a setext heading otherwise
    ("1. first", r"1\. first"),
    # HTML and character references (`&colon;` would become ":" after escapes are resolved)
    ("<img src=x onerror=alert(1)>", r"\<img src\=x onerror\=alert\(1\)\>"),
    ('<a href="https://evil.example">x</a>', rf'\<a href\="https\:{J}//evil\.example"\>x\</a\>'),
    ("https&colon;//evil.example", r"https\&colon;//evil\.example"),
    # bare URLs, www. and e-mail addresses: GFM links them even in escaped text, the joiner stops it
    ("https://evil.example/login", rf"https\:{J}//evil\.example/login"),
    ("HTTP://EVIL.EXAMPLE", rf"HTTP\:{J}//EVIL\.EXAMPLE"),
    ("www.evil.example", rf"www{J}\.evil\.example"),
    ("WWW.evil.example", rf"WWW{J}\.evil\.example"),
    ("me@evil.example", rf"me@{J}evil\.example"),
    # a spreadsheet formula is only text here (the CSV export neutralises it separately)
    ('=HYPERLINK("https://evil.example")', rf'\=HYPERLINK\("https\:{J}//evil\.example"\)'),
    # maths, emphasis, code
    ("$x^2$", r"\$x^2\$"),
    ("$5 to $9", r"\$5 to \$9"),
    ("**x** _y_ ~~z~~", r"\*\*x\*\* \_y\_ \~\~z\~\~"),
    ("`code`", r"\`code\`"),
    ("C:\\path", r"C\:\\path"),  # the backslash itself is escaped too
    # ordinary text: no joiner where nothing could become a link or an icon
    ("Price: $5 at 09:30", r"Price\: \$5 at 09\:30"),
    ("Budget planner 2026", "Budget planner 2026"),
    ("Café “Déjà vu” – 50 %", "Café “Déjà vu” – 50 %"),
]


@pytest.mark.parametrize(("typed", "escaped"), CORPUS)
def test_the_corpus_is_escaped(typed: str, escaped: str) -> None:
    assert md(typed) == escaped


@pytest.mark.parametrize(("typed", "escaped"), CORPUS)
def test_a_reader_sees_exactly_what_was_typed(typed: str, escaped: str) -> None:
    assert shown(md(typed)) == typed


def test_every_character_with_a_markdown_meaning_is_escaped_and_only_those() -> None:
    meaningful = "\\`*_{}[]()<>#+-.!|$:~&="
    assert frozenset(meaningful) == MARKDOWN_SPECIALS
    assert md(meaningful) == "".join("\\" + ch for ch in meaningful)
    plain = "\",%/'?;^@"
    assert md(plain) == plain


def test_md_takes_any_value() -> None:
    assert md(12.5) == r"12\.5"


def test_our_own_bold_survives_md_keep_bold() -> None:
    assert md_keep_bold("You earned $150.50: try **Revenue, $170 by Dec 1**.") == (
        r"You earned \$150\.50\: try **Revenue, \$170 by Dec 1**\."
    )


@pytest.mark.parametrize(
    ("typed", "span"),
    [
        ("maya@example.com", "`maya@example.com`"),  # nothing inside a code span is Markdown
        ("a`b", "``a`b``"),  # a fence longer than any run of backticks inside
        ("`x``", "``` `x`` ```"),  # padded when the text starts or ends with a backtick
        ("two\nlines", "`two lines`"),
        (":material/lock:", f"`:{J}material/lock:`"),  # Streamlit rewrites icons even inside code
        ("", "` `"),
    ],
)
def test_code_makes_a_code_span_the_text_cannot_close(typed: str, span: str) -> None:
    assert code(typed) == span
