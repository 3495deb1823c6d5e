"""E-mail masking: first character + four asterisks + the domain, for ordinary and odd inputs."""

from __future__ import annotations

import pytest

from core.privacy import mask_email


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("jane@example.com", "j****@example.com"),
        # The mask has the same length whatever the local part's length: "j" and "jonathan" look alike.
        ("j@example.com", "j****@example.com"),
        ("jonathan.smith+shop@example.co.uk", "j****@example.co.uk"),
        ("  Jane@Example.com \n", "J****@Example.com"),
        ('"odd@local"@example.com', '"****@example.com'),  # the domain follows the last "@"
        ("@example.com", "****@example.com"),
        ("jane@", "j****@"),
        ("jane", "j****"),  # no "@": a bare local part, still masked
        ("", ""),
        ("   ", ""),
        (None, ""),
    ],
)
def test_mask_email(email: str | None, masked: str) -> None:
    assert mask_email(email) == masked


def test_masked_value_never_contains_the_rest_of_the_local_part() -> None:
    masked = mask_email("secretname@example.com")
    assert "ecretname" not in masked
    assert masked.count("*") == 4
