"""CSV exports that a spreadsheet opens safely (pure): text a user wrote is never run as a formula (CSV injection)."""

from __future__ import annotations

# What a spreadsheet reads as the start of a formula: = + - @, the full-width forms some spreadsheets read the same,
# and tab / line breaks they skip before reading one.
FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\t", "\r", "\n")


def spreadsheet_text(value: str) -> str:
    """`value` as a spreadsheet shows it, never a formula: prefixed with an apostrophe when it (or the text after
    its leading spaces) starts like one."""
    return "'" + value if value.lstrip(" ").startswith(FORMULA_STARTS) else value
