"""Masking of personal data shown to operators (seed 004, "Sensitive Data Masking"): e-mail addresses.

Rule of `mask_email`: keep the first character of the local part, replace the rest of it by exactly four
asterisks whatever its length (so the mask does not leak how long the name is), keep the domain:
"jane@example.com" -> "j****@example.com", "j@example.com" -> "j****@example.com".
"""

from __future__ import annotations

MASK = "****"


def mask_email(email: str | None) -> str:
    """The address with its local part masked; odd inputs never come back readable.

    - Surrounding whitespace is ignored; None or a blank string gives "".
    - The domain is whatever follows the *last* "@" (a quoted local part may itself hold an "@"), kept as is.
    - No "@" at all: the value is treated as a bare local part -> "j****".
    - An empty local part ("@example.com") -> "****@example.com"; an empty domain ("jane@") -> "j****@".
    """
    if email is None:
        return ""
    text = email.strip()
    if not text:
        return ""
    local, at, domain = text.rpartition("@")
    if not at:  # rpartition puts the whole string last when there is no "@"
        local, domain = text, ""
    first = local[:1]
    return f"{first}{MASK}{at}{domain}"
