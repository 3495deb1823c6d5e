"""The channel classification table (core.sales.channels): every rule, in order, on recorded visits."""

from __future__ import annotations

import pytest

from core.sales.channels import CHANNEL_LABELS, CHANNELS, classify_channel


@pytest.mark.parametrize(
    ("source", "utm_source", "utm_medium", "referrer", "expected"),
    [
        # 1. a paid medium wins over everything else
        ("google", "google", "cpc", None, "ads"),
        ("instagram", "instagram", "paid_social", None, "ads"),
        ("email", "newsletter", "CPC", None, "ads"),
        # 2. e-mail by medium or by name
        ("instagram", "instagram", "email", None, "email"),
        ("email", None, None, None, "email"),
        (None, "Newsletter", None, None, "email"),
        # 3. the named network: UTM source first, then the tracked source, then the referrer's host
        ("google", "google", "organic", None, "search"),
        ("google", None, None, None, "search"),
        ("other", "bing", None, None, "search"),
        ("instagram", "instagram", "social", None, "instagram"),
        ("tiktok", "tiktok", "social", None, "tiktok"),
        ("fb", None, None, None, "facebook"),
        ("pinterest", None, None, None, "pinterest"),
        ("tiktok", "instagram", "social", None, "instagram"),
        (None, None, None, "https://www.google.co.uk/search?q=planner", "search"),
        (None, None, None, "https://l.instagram.com/?u=x", "instagram"),
        (None, None, None, "https://pin.it/abc", "pinterest"),
        (None, None, None, "m.facebook.com", "facebook"),
        # 4. nothing recorded, or said direct
        (None, None, None, None, "direct"),
        ("", "", "", "", "direct"),
        ("direct", None, None, None, "direct"),
        ("  Direct ", None, None, None, "direct"),
        # 5. everything else
        ("youtube", "youtube", "video", None, "other"),
        ("twitter", "twitter", "social", None, "other"),
        (None, None, None, "https://someblog.example.org/post", "other"),
        ("direct", "partner-site", None, None, "other"),
    ],
)
def test_classify_channel(
    source: str | None, utm_source: str | None, utm_medium: str | None, referrer: str | None, expected: str
) -> None:
    assert classify_channel(source, utm_source, utm_medium, referrer) == expected


def test_every_channel_has_a_label() -> None:
    assert set(CHANNEL_LABELS) == set(CHANNELS)
    assert len(CHANNELS) == 9
