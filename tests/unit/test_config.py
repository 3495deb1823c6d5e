"""Settings: defaults, parsing of each kind of value, and the refusals that keep production safe."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest
from dotenv import dotenv_values

from core.config import (
    DATA_DIR,
    DEV_COOKIE_KEY,
    PROJECT_ROOT,
    Settings,
    SettingsError,
    load_settings,
)

# 32 characters (the minimum length), random: what `secrets.token_hex(16)` printed once.
STRONG_KEY = "e50a5625fec4896c7cffadb261cd2fb0"


def test_defaults_use_sqlite_under_data_and_development() -> None:
    settings = load_settings(env={})

    assert settings.database_url == f"sqlite:///{DATA_DIR / 'marketplace.db'}"
    assert DATA_DIR == PROJECT_ROOT / "data"
    assert settings.is_sqlite
    assert settings.app_env == "development"
    assert not settings.is_production
    assert settings.auth_cookie_key == DEV_COOKIE_KEY
    assert settings.anthropic_api_key is None  # offline engine
    assert settings.smtp_host is None
    assert settings.smtp_port == 587
    assert settings.smtp_starttls is True
    assert settings.app_timezone == "UTC"
    assert settings.app_base_url == "http://localhost:8501"
    assert settings.outbox_dir == DATA_DIR / "outbox"


def test_empty_values_count_as_unset() -> None:
    settings = load_settings(env={"DATABASE_URL": "", "APP_ENV": "", "AUTH_COOKIE_KEY": "", "SMTP_PORT": ""})

    assert settings == Settings()


def test_postgresql_url_is_kept_as_given() -> None:
    url = "postgresql+psycopg://user:pass@db.internal:5432/market"

    settings = load_settings(env={"DATABASE_URL": url})

    assert settings.database_url == url
    assert not settings.is_sqlite


def test_development_accepts_the_dev_cookie_key() -> None:
    settings = load_settings(env={"APP_ENV": "development", "AUTH_COOKIE_KEY": DEV_COOKIE_KEY})

    assert settings.auth_cookie_key == DEV_COOKIE_KEY


@pytest.mark.parametrize(
    ("cookie_key", "message"),
    [
        pytest.param(None, "APP_ENV=production needs AUTH_COOKIE_KEY", id="missing"),
        pytest.param("", "APP_ENV=production needs AUTH_COOKIE_KEY", id="empty"),
        pytest.param(DEV_COOKIE_KEY, "development default is refused", id="dev-default"),
        pytest.param("e50a5625fec4896c7cffadb261cd2fb", "at least 32 characters in production (it has 31)", id="31"),
    ],
)
def test_production_refuses_an_unsafe_cookie_key(cookie_key: str | None, message: str) -> None:
    env = {"APP_ENV": "production"}
    if cookie_key is not None:
        env["AUTH_COOKIE_KEY"] = cookie_key

    with pytest.raises(SettingsError, match=re.escape(message)) as caught:
        load_settings(env=env)

    assert "\n" not in str(caught.value)  # one line a person can act on


NEW_KEY_HINT = "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
# The production key table (issue 12): every weak key is refused with the rule it breaks, every strong one accepted.
KEY_TABLE = [
    # (key, None = accepted, or the start of the one-line refusal)
    pytest.param(" " * 32, "AUTH_COOKIE_KEY is only whitespace", id="32-spaces"),
    pytest.param("\t \n " * 8, "AUTH_COOKIE_KEY is only whitespace", id="32-mixed-whitespace"),
    pytest.param("a" * 32, "AUTH_COOKIE_KEY is one character repeated 32 times", id="a-x-32"),
    pytest.param("k" * 64, "AUTH_COOKIE_KEY is one character repeated 64 times", id="k-x-64"),
    pytest.param("changeme" * 4, "AUTH_COOKIE_KEY repeats a short pattern of 8 characters", id="changeme-x-4"),
    pytest.param("ab" * 16, "AUTH_COOKIE_KEY repeats a short pattern of 2 characters", id="ab-x-16"),
    pytest.param("Tr0ub4dor&3" * 3, "AUTH_COOKIE_KEY repeats a short pattern of 11 characters", id="pattern-x-3"),
    pytest.param("e50a5625fec4896c" * 2, "AUTH_COOKIE_KEY repeats a short pattern of 16 characters", id="half-x-2"),
    pytest.param(
        "password" * 4 + "1", "AUTH_COOKIE_KEY repeats itself too much (only 9 of its 32 character pairs", id="pw-x-4+1"
    ),
    pytest.param(
        "0123456789" * 3 + "ab", "AUTH_COOKIE_KEY repeats itself too much (only 12 of its 31", id="digits-x-3+ab"
    ),
    pytest.param(DEV_COOKIE_KEY + " ", "AUTH_COOKIE_KEY contains the development key", id="dev-key+space"),
    pytest.param(" " + DEV_COOKIE_KEY.upper(), "AUTH_COOKIE_KEY contains the development key", id="space+DEV-KEY"),
    pytest.param("x" + DEV_COOKIE_KEY + "-2", "AUTH_COOKIE_KEY contains the development key", id="dev-key-inside"),
    pytest.param(
        "e50a5625fec4896c7cffadb261cd2fb", "AUTH_COOKIE_KEY must be at least 32 characters in production", id="31-hex"
    ),
    # Accepted: what the usual generators print, and a long passphrase.
    pytest.param(STRONG_KEY, None, id="token_hex(16)"),
    pytest.param("YMMWlu2DGTKlFoa-Z67JJDF_IM3_OEhXVP2vfGq9sVk", None, id="token_urlsafe(32)"),
    pytest.param("3f9c1f0e-5a4b-4c1d-9e8f-2b7a6d5c4e3f", None, id="uuid4"),
    pytest.param("correct horse battery staple xyz", None, id="passphrase"),
    pytest.param("Zm9vYmFyYmF6cXV4cXV1eHF1dXo0NTY3ODkwMTIzNDU2Nzg5", None, id="base64-48"),
]


@pytest.mark.parametrize(("cookie_key", "refusal"), KEY_TABLE)
def test_the_production_key_table(cookie_key: str, refusal: str | None) -> None:
    env = {"APP_ENV": "production", "AUTH_COOKIE_KEY": cookie_key}

    if refusal is None:
        assert load_settings(env=env).auth_cookie_key == cookie_key
        return
    with pytest.raises(SettingsError) as caught:
        load_settings(env=env)

    message = str(caught.value)
    assert message.startswith(refusal)
    assert message.endswith(NEW_KEY_HINT)  # says how to make a good one
    assert "\n" not in message  # one line
    assert not cookie_key.strip() or cookie_key.strip() not in message  # never the secret itself


def test_weak_keys_are_fine_in_development() -> None:
    """The rules guard production only: a developer's machine keeps working with any key."""
    for key in (" " * 32, "a" * 32, "changeme" * 4, DEV_COOKIE_KEY + " "):
        assert load_settings(env={"APP_ENV": "development", "AUTH_COOKIE_KEY": key}).auth_cookie_key == key


def test_production_accepts_a_long_random_key_and_ignores_case_of_app_env() -> None:
    settings = load_settings(env={"APP_ENV": "Production", "AUTH_COOKIE_KEY": STRONG_KEY})

    assert settings.app_env == "production"
    assert settings.is_production
    assert settings.auth_cookie_key == STRONG_KEY


def test_unknown_app_env_is_refused() -> None:
    with pytest.raises(SettingsError, match=r"APP_ENV must be one of development, production, not 'staging'"):
        load_settings(env={"APP_ENV": "staging"})


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "../etc/passwd"])
def test_unknown_timezone_is_refused(zone: str) -> None:
    with pytest.raises(SettingsError, match="is not a known time zone"):
        load_settings(env={"APP_TIMEZONE": zone})


def test_known_timezone_is_available_as_zoneinfo() -> None:
    settings = load_settings(env={"APP_TIMEZONE": "America/New_York"})

    assert settings.timezone.key == "America/New_York"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("YES", True), (" on ", True), ("0", False), ("false", False), ("no", False)],
)
def test_booleans_are_parsed(raw: str, expected: bool) -> None:
    assert load_settings(env={"SMTP_STARTTLS": raw}).smtp_starttls is expected


def test_numbers_are_parsed() -> None:
    settings = load_settings(
        env={
            "SMTP_PORT": "2525",
            "ANTHROPIC_MAX_RETRIES": "3",
            "ANTHROPIC_TIMEOUT_SECONDS": "7.5",
            "AUTH_COOKIE_EXPIRY_DAYS": "0.5",
        }
    )

    assert settings.smtp_port == 2525
    assert settings.anthropic_max_retries == 3
    assert settings.anthropic_timeout_seconds == 7.5
    assert settings.auth_cookie_expiry_days == 0.5


def test_strings_and_paths_are_read() -> None:
    settings = load_settings(
        env={
            "ANTHROPIC_API_KEY": "sk-test",
            "ANTHROPIC_MODEL": "claude-haiku-4-5",
            "SMTP_HOST": "smtp.example.com",
            "SMTP_USERNAME": "mailer",
            "SMTP_PASSWORD": "secret",
            "MAIL_FROM": "Team <team@example.com>",
            "AUTH_COOKIE_NAME": "other_cookie",
            "OUTBOX_DIR": "/var/spool/sgt",
        }
    )

    assert settings.anthropic_api_key == "sk-test"
    assert settings.anthropic_model == "claude-haiku-4-5"
    assert (settings.smtp_host, settings.smtp_username, settings.smtp_password) == (
        "smtp.example.com",
        "mailer",
        "secret",
    )
    assert settings.mail_from == "Team <team@example.com>"
    assert settings.auth_cookie_name == "other_cookie"
    assert settings.outbox_dir == Path("/var/spool/sgt")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://growth.example.com/", "https://growth.example.com"),
        ("https://growth.example.com///", "https://growth.example.com"),
        ("https://example.com/app/", "https://example.com/app"),
    ],
)
def test_app_base_url_loses_trailing_slashes(raw: str, expected: str) -> None:
    assert load_settings(env={"APP_BASE_URL": raw}).app_base_url == expected


def test_env_file_is_read_and_the_environment_overrides_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("APP_TIMEZONE=Europe/Berlin\nANTHROPIC_MODEL=from-file\n")
    monkeypatch.setenv("ANTHROPIC_MODEL", "from-environment")
    monkeypatch.delenv("APP_TIMEZONE", raising=False)

    settings = load_settings(env_file=env_file)

    assert settings.app_timezone == "Europe/Berlin"
    assert settings.anthropic_model == "from-environment"


def test_env_example_documents_every_setting_and_loads_as_the_defaults() -> None:
    example = dotenv_values(PROJECT_ROOT / ".env.example")
    documented = {name.lower() for name in example}

    assert documented == {f.name for f in fields(Settings)}
    assert load_settings(env={k: v for k, v in example.items() if v is not None}) == Settings()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SMTP_PORT": "abc"}, "SMTP_PORT must be a whole number, not 'abc'."),
        ({"SMTP_STARTTLS": "maybe"}, "SMTP_STARTTLS must be true or false (1/0, yes/no, on/off), not 'maybe'."),
        ({"AUTH_COOKIE_EXPIRY_DAYS": "-3"}, "AUTH_COOKIE_EXPIRY_DAYS must be greater than 0, not '-3'."),
        ({"ANTHROPIC_TIMEOUT_SECONDS": "soon"}, "ANTHROPIC_TIMEOUT_SECONDS must be a number, not 'soon'."),
        ({"SMTP_PORT": "٥٨٧"}, "SMTP_PORT must be a whole number, not '٥٨٧'."),  # Arabic-Indic digits: int() reads 587
        ({"SMTP_PORT": "５８７"}, "SMTP_PORT must be a whole number, not '５８７'."),  # full-width digits
        ({"ANTHROPIC_TIMEOUT_SECONDS": "nan"}, "ANTHROPIC_TIMEOUT_SECONDS must be a number, not 'nan'."),
        ({"DIGEST_PACING_SECONDS": "inf"}, "DIGEST_PACING_SECONDS must be a number, not 'inf'."),
    ],
)
def test_malformed_values_are_refused_with_one_line_naming_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(env)
    assert str(info.value) == message


def test_relative_paths_are_relative_to_the_project_not_the_working_directory() -> None:
    settings = load_settings({"OUTBOX_DIR": "tmp/out", "DATABASE_URL": "sqlite:///data/other.db"})
    assert settings.outbox_dir == PROJECT_ROOT / "tmp" / "out"
    assert settings.database_url == f"sqlite:///{PROJECT_ROOT / 'data' / 'other.db'}"
