"""One Settings object for the whole product, read from the environment and an optional `.env`."""

from __future__ import annotations

import math
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'marketplace.db'}"
# Development-only cookie key: the app refuses to start with it in production.
DEV_COOKIE_KEY = "dev-only-cookie-key-change-me-before-production"
ENVIRONMENTS = ("development", "production")


class SettingsError(ValueError):
    """A setting is missing or unsafe; the message is one line a person can act on."""


# Production cookie keys: long, and random in fact, not only in length (issue 12).
MIN_COOKIE_KEY_CHARS = 32
MIN_COOKIE_KEY_BITS = 64  # estimated: length x Shannon entropy of its characters (32 random hex digits: ~94-128)
MIN_DISTINCT_PAIR_SHARE = 0.5  # of its adjacent character pairs (random hex: 0.7 or more; "password" x 4 + "1": 0.28)
_NEW_KEY_HINT = "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"


def _shortest_period(text: str) -> int:
    """The length of the shortest pattern whose repetition spells `text` (the last copy may be cut short)."""
    return next(p for p in range(1, len(text) + 1) if all(text[i] == text[i % p] for i in range(len(text))))


def cookie_key_problem(key: str | None) -> str | None:
    """Why `key` is too weak to sign production cookies (one line naming the rule), or None when it is fine.

    Refused: missing; containing the development key (in any case, with anything around it); only whitespace;
    shorter than 32 characters; one repeated character; a short pattern repeated ("changeme" x 4); fewer than
    half of its adjacent character pairs distinct ("password" x 4 + "1"); under ~64 bits of estimated entropy.
    """
    if not key or key == DEV_COOKIE_KEY:  # unset: the development default
        return (
            "APP_ENV=production needs AUTH_COOKIE_KEY set to a long random secret (the development default is "
            f"refused): {_NEW_KEY_HINT}"
        )
    if DEV_COOKIE_KEY.lower() in key.lower():
        return f"AUTH_COOKIE_KEY contains the development key (the development default is refused): {_NEW_KEY_HINT}"
    if not key.strip():
        return f"AUTH_COOKIE_KEY is only whitespace: {_NEW_KEY_HINT}"
    if len(key) < MIN_COOKIE_KEY_CHARS:
        return (
            f"AUTH_COOKIE_KEY must be at least {MIN_COOKIE_KEY_CHARS} characters in production (it has {len(key)}): "
            f"{_NEW_KEY_HINT}"
        )
    period = _shortest_period(key)
    if period == 1:
        return f"AUTH_COOKIE_KEY is one character repeated {len(key)} times: {_NEW_KEY_HINT}"
    if period <= len(key) // 2:
        return f"AUTH_COOKIE_KEY repeats a short pattern of {period} characters: {_NEW_KEY_HINT}"
    pairs = [key[i : i + 2] for i in range(len(key) - 1)]
    if len(set(pairs)) < MIN_DISTINCT_PAIR_SHARE * len(pairs):
        return (
            f"AUTH_COOKIE_KEY repeats itself too much (only {len(set(pairs))} of its {len(pairs)} character pairs "
            f"differ): {_NEW_KEY_HINT}"
        )
    counts = Counter(key)
    bits = -sum(n * math.log2(n / len(key)) for n in counts.values())
    if bits < MIN_COOKIE_KEY_BITS:
        return (
            f"AUTH_COOKIE_KEY is too predictable (about {bits:.0f} bits of entropy, at least {MIN_COOKIE_KEY_BITS} "
            f"needed): {_NEW_KEY_HINT}"
        )
    return None


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    app_env: str = "development"
    auth_cookie_key: str = DEV_COOKIE_KEY
    auth_cookie_name: str = "sgt_auth"
    auth_cookie_expiry_days: float = 7.0
    anthropic_api_key: str | None = None
    anthropic_model: str = "claude-sonnet-4-6"
    anthropic_timeout_seconds: float = 20.0
    anthropic_max_retries: int = 1
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    mail_from: str = "Seller Growth Toolkit <no-reply@example.com>"
    app_timezone: str = "UTC"
    app_base_url: str = "http://localhost:8501"
    outbox_dir: Path = field(default_factory=lambda: DATA_DIR / "outbox")
    # Learn library: video embeds are allowed from YouTube and Vimeo plus these hosts (https only).
    learn_video_hosts: tuple[str, ...] = ()
    # Weekly digest: pause between two sellers' e-mails (seed 000 asks for 500 ms), and delivery retries.
    digest_pacing_seconds: float = 0.5
    email_max_attempts: int = 5
    # Login sessions live in the database; the cookie `session_cookie_name` holds a signed random session id.
    session_cookie_name: str = "sgt_session"
    session_idle_days: float = 7.0  # a session unused this long ends
    session_absolute_days: float = 30.0  # and every session ends this long after its login
    # Login throttling, per typed username and per client address: after `login_backoff_after` failures within
    # `login_window_minutes` each further try waits `login_backoff_seconds` x 2^(failures - backoff_after);
    # from `login_lock_after` failures it waits `login_lock_minutes` (an admin can unlock on the Sign-ins page).
    login_backoff_after: int = 5
    login_lock_after: int = 10
    login_window_minutes: float = 15.0
    login_lock_minutes: float = 15.0
    login_backoff_seconds: float = 15.0
    # Payment provider's fee per order (issue 14): percent of the amount plus a fixed amount, in the order's currency.
    payment_fee_percent: float = 2.9
    payment_fee_fixed: float = 0.30
    # Event ingestion (issue 19): the collector's shared secret (sent in X-Ingest-Secret; no secret = the collector
    # refuses to start), where it listens, the largest request body, and requests per client address per minute.
    ingest_secret: str | None = None
    collector_host: str = "127.0.0.1"
    collector_port: int = 8600
    collector_max_body_bytes: int = 1_048_576
    collector_rate_per_minute: float = 1200.0
    # Creator pipeline (issue 16): a creator drafting for more than this many days is "stuck".
    pipeline_stuck_days: int = 3

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.app_timezone)

    def validate(self) -> None:
        """Raise `SettingsError` with a one-line explanation when the settings are unsafe."""
        if self.app_env not in ENVIRONMENTS:
            raise SettingsError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {self.app_env!r}.")
        try:
            ZoneInfo(self.app_timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise SettingsError(f"APP_TIMEZONE {self.app_timezone!r} is not a known time zone.") from exc
        if self.is_production and (problem := cookie_key_problem(self.auth_cookie_key)):
            raise SettingsError(problem)


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered not in _TRUE | _FALSE:
        raise SettingsError(f"{name} must be true or false (1/0, yes/no, on/off), not {value!r}.")
    return lowered in _TRUE


def _number(name: str, value: str, kind: type[int] | type[float], *, positive: bool = False) -> float:
    try:
        if not value.isascii():  # int("٥") is 5 to Python: numbers are read from ASCII digits only
            raise ValueError(value)
        number = kind(value)
        if not math.isfinite(number):
            raise ValueError(value)
    except ValueError:
        raise SettingsError(f"{name} must be a {'whole ' if kind is int else ''}number, not {value!r}.") from None
    if positive and number <= 0:
        raise SettingsError(f"{name} must be greater than 0, not {value!r}.")
    return number


def _path(value: str) -> Path:
    """Relative paths are relative to the project, not to wherever the process was started."""
    path = Path(value)
    return path if path.is_absolute() else PROJECT_ROOT / path


def load_settings(env: dict[str, str] | None = None, *, env_file: Path | None = None) -> Settings:
    """Build Settings from `env` (default: `.env` overlaid by the process environment)."""
    if env is None:
        file_values = dotenv_values(env_file or PROJECT_ROOT / ".env")
        merged = {k: v for k, v in file_values.items() if v is not None}
        merged.update(os.environ)
        env = merged

    def get(name: str) -> str | None:
        value = env.get(name)
        return value if value not in (None, "") else None

    def num(name: str, default: float, kind: type[int] | type[float] = float, *, positive: bool = True) -> Any:
        raw = get(name)
        return default if raw is None else _number(name, raw, kind, positive=positive)

    defaults = Settings()
    settings = Settings(
        database_url=_sqlite_relative_to_project(get("DATABASE_URL")) or defaults.database_url,
        app_env=(get("APP_ENV") or defaults.app_env).lower(),
        auth_cookie_key=get("AUTH_COOKIE_KEY") or defaults.auth_cookie_key,
        auth_cookie_name=get("AUTH_COOKIE_NAME") or defaults.auth_cookie_name,
        auth_cookie_expiry_days=num("AUTH_COOKIE_EXPIRY_DAYS", defaults.auth_cookie_expiry_days),
        anthropic_api_key=get("ANTHROPIC_API_KEY"),
        anthropic_model=get("ANTHROPIC_MODEL") or defaults.anthropic_model,
        anthropic_timeout_seconds=num("ANTHROPIC_TIMEOUT_SECONDS", defaults.anthropic_timeout_seconds),
        anthropic_max_retries=num("ANTHROPIC_MAX_RETRIES", defaults.anthropic_max_retries, int, positive=False),
        smtp_host=get("SMTP_HOST"),
        smtp_port=num("SMTP_PORT", defaults.smtp_port, int),
        smtp_username=get("SMTP_USERNAME"),
        smtp_password=get("SMTP_PASSWORD"),
        smtp_starttls=_bool("SMTP_STARTTLS", get("SMTP_STARTTLS") or "true"),
        mail_from=get("MAIL_FROM") or defaults.mail_from,
        app_timezone=get("APP_TIMEZONE") or defaults.app_timezone,
        app_base_url=(get("APP_BASE_URL") or defaults.app_base_url).rstrip("/"),
        outbox_dir=_path(get("OUTBOX_DIR")) if get("OUTBOX_DIR") else defaults.outbox_dir,
        learn_video_hosts=tuple(h.strip().lower() for h in (get("LEARN_VIDEO_HOSTS") or "").split(",") if h.strip()),
        digest_pacing_seconds=num("DIGEST_PACING_SECONDS", defaults.digest_pacing_seconds, positive=False),
        email_max_attempts=num("EMAIL_MAX_ATTEMPTS", defaults.email_max_attempts, int),
        session_cookie_name=get("SESSION_COOKIE_NAME") or defaults.session_cookie_name,
        session_idle_days=num("SESSION_IDLE_DAYS", defaults.session_idle_days),
        session_absolute_days=num("SESSION_ABSOLUTE_DAYS", defaults.session_absolute_days),
        login_backoff_after=num("LOGIN_BACKOFF_AFTER", defaults.login_backoff_after, int),
        login_lock_after=num("LOGIN_LOCK_AFTER", defaults.login_lock_after, int),
        login_window_minutes=num("LOGIN_WINDOW_MINUTES", defaults.login_window_minutes),
        login_lock_minutes=num("LOGIN_LOCK_MINUTES", defaults.login_lock_minutes),
        login_backoff_seconds=num("LOGIN_BACKOFF_SECONDS", defaults.login_backoff_seconds),
        payment_fee_percent=num("PAYMENT_FEE_PERCENT", defaults.payment_fee_percent, positive=False),
        payment_fee_fixed=num("PAYMENT_FEE_FIXED", defaults.payment_fee_fixed, positive=False),
        ingest_secret=get("INGEST_SECRET"),
        collector_host=get("COLLECTOR_HOST") or defaults.collector_host,
        collector_port=num("COLLECTOR_PORT", defaults.collector_port, int),
        collector_max_body_bytes=num("COLLECTOR_MAX_BODY_BYTES", defaults.collector_max_body_bytes, int),
        collector_rate_per_minute=num("COLLECTOR_RATE_PER_MINUTE", defaults.collector_rate_per_minute),
        pipeline_stuck_days=num("PIPELINE_STUCK_DAYS", defaults.pipeline_stuck_days, int),
    )
    settings.validate()
    return settings


def _sqlite_relative_to_project(url: str | None) -> str | None:
    """`sqlite:///data/x.db` (relative) means relative to the project, as the default does."""
    prefix = "sqlite:///"
    if url and url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
        return prefix + str(PROJECT_ROOT / url[len(prefix) :])
    return url


_settings: Settings | None = None


def get_settings() -> Settings:
    """The process-wide settings, loaded once."""
    global _settings
    if _settings is None:
        _settings = load_settings()
    return _settings


def reset_settings() -> None:
    """Forget the loaded settings (tests change the environment)."""
    global _settings
    _settings = None
