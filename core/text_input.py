"""Text a person typed, one set of rules for every validator: control characters, direction overrides and
invisible characters refused in names and titles, stripped from search boxes, and "not found" in a URL key.
(Numbers are read from ASCII digits only by the one amount parser, `core.money.parse_amount`.)

Why: PostgreSQL's text type refuses NUL (`DataError`: the page used to say "the database did not answer"); a
right-to-left override (U+202E) makes "gnp.exe" display as "exe.png"; zero-width characters make two titles that
look equal differ (and hide words from search); "٥" and "５" are digits to Python's `int()`/`Decimal()` but
not to the person reading the figure back.

Two kinds of field:

* **names** (titles, names, categories, tags, slugs — one line): no control character at all (U+0000–U+001F,
  U+007F–U+009F), no bidirectional control (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069), no
  zero-width or invisible character (U+200B–U+200D, U+2060, U+FEFF, U+00AD). One exception: a zero-width joiner
  between two pictographs, which is how emoji such as 👩‍💻 are spelled.
* **prose** (an excerpt, an article, a note — may span lines): tab, line feed and carriage return are fine; the
  other control characters are refused; direction and joining characters are allowed (Arabic, Persian and Hebrew
  text needs them).

Both refuse lone surrogates (U+D800–U+DFFF), which cannot be encoded for the database at all.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

LINE_BREAKS = frozenset("\t\n\r")  # the control characters prose may hold
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
ZWJ = "\u200d"
_EMOJI_TRAILERS = frozenset("\ufe0f\ufe0e") | frozenset(chr(c) for c in range(0x1F3FB, 0x1F400))  # VS, skin tones

NAME = "name"
PROSE = "prose"


class TextInputError(ValueError):
    """A typed value that breaks a text rule; `field` names the form field, `message` is shown next to it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    @property
    def errors(self) -> dict[str, str]:
        return {self.field: self.message}


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc"


def _is_surrogate(char: str) -> bool:
    return 0xD800 <= ord(char) <= 0xDFFF


def _emoji_joiner(text: str, index: int) -> bool:
    """A ZWJ at `index` between two pictographs (variation selectors and skin tones after the first allowed)."""
    before = index - 1
    while before >= 0 and text[before] in _EMOJI_TRAILERS:
        before -= 1
    after = index + 1
    return (
        before >= 0
        and after < len(text)
        and unicodedata.category(text[before]) == "So"
        and unicodedata.category(text[after]) == "So"
    )


def text_problem(value: str | None, *, label: str, kind: str = NAME) -> str | None:
    """The message for the first character of `value` that `kind` refuses, naming the field by `label`; else None.

    `label` starts the sentence: "Title contains a control character (U+0000) …".
    """
    if kind not in (NAME, PROSE):
        raise ValueError(f"kind must be {NAME!r} or {PROSE!r}, not {kind!r}")
    for index, char in enumerate(value or ""):
        if _is_surrogate(char):
            return f"{label} contains an invalid character ({_code(char)}): retype it without that character."
        if _is_control(char) and not (kind == PROSE and char in LINE_BREAKS):
            what = "a line break or tab" if char in LINE_BREAKS else "a control character"
            return f"{label} contains {what} ({_code(char)}), which can't be saved: remove it."
        if kind == NAME and char in BIDI_CONTROLS:
            return (
                f"{label} contains an invisible text-direction character ({_code(char)}), which can make it read "
                "differently than it looks: remove it."
            )
        if kind == NAME and char in INVISIBLE and not (char == ZWJ and _emoji_joiner(value or "", index)):
            return (
                f"{label} contains an invisible character ({_code(char)}), which makes it differ from what you "
                "see: remove it."
            )
    return None


def check_text(value: str | None, *, field: str, label: str, kind: str = NAME) -> str | None:
    """`value` unchanged when it follows the rules of `kind`; `TextInputError(field, message)` otherwise."""
    problem = text_problem(value, label=label, kind=kind)
    if problem:
        raise TextInputError(field, problem)
    return value


def text_errors(values: Mapping[str, tuple[str | None, str, str]]) -> dict[str, str]:
    """{field: message} for each field of `values` ({field: (value, label, kind)}) that breaks its rule."""
    errors: dict[str, str] = {}
    for field, (value, label, kind) in values.items():
        problem = text_problem(value, label=label, kind=kind)
        if problem:
            errors[field] = problem
    return errors


def clean_search(value: str | None) -> str:
    """A search box's entry made harmless instead of refused: control characters other than line breaks,
    direction controls, invisible characters and lone surrogates dropped; line breaks and tabs become spaces;
    whitespace collapsed. "pri\\x00cing" searches for "pricing"."""
    kept: list[str] = []
    for char in value or "":
        if char in LINE_BREAKS:
            kept.append(" ")
        elif not (_is_control(char) or _is_surrogate(char) or char in BIDI_CONTROLS or char in INVISIBLE):
            kept.append(char)
    return " ".join("".join(kept).split())


def url_key(value: str | None, *, max_chars: int = 255) -> str | None:
    """An id or slug taken from a URL, trimmed; None ("not found") when it is blank, longer than `max_chars`, or
    holds a character no stored key can have (a control, direction or invisible character, a lone surrogate)."""
    key = (value or "").strip()
    if not key or len(key) > max_chars:
        return None
    if any(_is_control(c) or _is_surrogate(c) or c in BIDI_CONTROLS or c in INVISIBLE for c in key):
        return None
    return key
