"""The collector's rate limiter on a controlled clock, its settings, and its refusal to start without a secret."""

from __future__ import annotations

import pytest

from core.config import SettingsError, load_settings, reset_settings
from jobs.collector import RateLimiter, command_collect


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_client_gets_ten_seconds_of_burst_then_one_request_per_refill() -> None:
    clock = Clock()
    limiter = RateLimiter(60, clock=clock)  # one a second, bursts of 10
    assert [limiter.take("a") for _ in range(10)] == [0.0] * 10
    assert limiter.take("a") == pytest.approx(1.0)  # empty: the next token in a second
    assert limiter.take("b") == 0.0  # another client has its own bucket
    clock.now += 0.5
    assert limiter.take("a") == pytest.approx(0.5)
    clock.now += 0.5
    assert limiter.take("a") == 0.0
    clock.now += 3600  # a long pause refills to the burst, not beyond
    assert [limiter.take("a") for _ in range(11)][-2:] == [0.0, pytest.approx(1.0)]


def test_a_slow_limit_still_allows_one_request() -> None:
    clock = Clock()
    limiter = RateLimiter(3, clock=clock)  # one every 20 s: the burst would be half a request
    assert limiter.take("a") == 0.0
    assert limiter.take("a") == pytest.approx(20.0)


def test_collector_settings_are_read_and_checked() -> None:
    defaults = load_settings(env={})
    assert (defaults.ingest_secret, defaults.collector_host, defaults.collector_port) == (None, "127.0.0.1", 8600)
    assert (defaults.collector_max_body_bytes, defaults.collector_rate_per_minute) == (1_048_576, 1200.0)
    custom = load_settings(
        env={
            "INGEST_SECRET": "s3cret",
            "COLLECTOR_HOST": "0.0.0.0",
            "COLLECTOR_PORT": "9000",
            "COLLECTOR_MAX_BODY_BYTES": "5000",
            "COLLECTOR_RATE_PER_MINUTE": "30",
        }
    )
    assert (custom.ingest_secret, custom.collector_host, custom.collector_port) == ("s3cret", "0.0.0.0", 9000)
    assert (custom.collector_max_body_bytes, custom.collector_rate_per_minute) == (5000, 30.0)
    for name, value in (
        ("COLLECTOR_PORT", "0"),
        ("COLLECTOR_MAX_BODY_BYTES", "1.5"),
        ("COLLECTOR_RATE_PER_MINUTE", "-1"),
    ):
        with pytest.raises(SettingsError, match=name):
            load_settings(env={name: value})


def test_the_collector_does_not_start_without_a_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INGEST_SECRET", "")
    reset_settings()
    assert command_collect(host=None, port=None) == 2
    assert "INGEST_SECRET" in capsys.readouterr().err
