"""Settings, read once from the environment (and an optional .env file) into a frozen object.

Everything configurable lives here and nowhere else: handlers and the core never read os.environ.
A wrong value stops the start with one line naming the setting. The token is never printed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

from bot.config_whatsapp import WhatsAppSettings, load_whatsapp_settings
from bot.errors import ConfigError
from bot.matching import MatchSettings

__all__ = ["Settings", "load_settings", "read_environment"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_LANGUAGES = ("ar", "fr", "en")
_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass(frozen=True)
class Settings:
    telegram_token: str = field(default="", repr=False)
    telegram_api_base_url: str = ""
    admin_ids: frozenset[int] = frozenset()
    database_path: Path = Path("data/bot.sqlite3")
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    default_language: str = "ar"
    match: MatchSettings = field(default_factory=MatchSettings)
    log_level: str = "INFO"
    webhook_url: str = ""
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_path: str = "telegram"
    webhook_secret: str = field(default="", repr=False)
    waitlist_hold_minutes: int = 30
    booking_flow_timeout_minutes: int = 30
    # Days after a booked slot when its name, phone and user id are erased (counts stay).
    personal_data_days_after_event: int = 90
    reminder_check_seconds: float = 60.0
    watch_knowledge: bool = True
    watch_debounce_ms: int = 1000
    # Messages one person may send at once, then one more every refill seconds (0: no limit).
    inbound_burst: int = 10
    inbound_refill_seconds: float = 2.0
    whatsapp: WhatsAppSettings = field(default_factory=WhatsAppSettings)

    def require_webhook(self) -> None:
        """--webhook needs a public URL; say which setting is missing before anything starts."""
        if not self.webhook_url:
            raise ConfigError("WEBHOOK_URL must be set to the bot's public https:// address")


def read_environment(env_file: Path | None = Path(".env")) -> dict[str, str]:
    """The process environment over the .env file: a value exported in the shell wins."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ)
    return values


def _whole(
    text: Callable[[str, str], str], key: str, default: str, low: int, high: int, *, unit: str
) -> int:
    """A whole number setting within [low, high], or one line naming the setting."""
    value = text(key, default)
    if not value.isdigit() or not low <= int(value) <= high:
        raise ConfigError(f"{key} must be {unit} between {low} and {high}, not {value!r}")
    return int(value)


def _seconds(
    text: Callable[[str, str], str], key: str, default: str, low: float, high: float
) -> float:
    """A duration in seconds within [low, high], or one line naming the setting."""
    value = text(key, default)
    try:
        seconds = float(value)
    except ValueError:
        seconds = low - 1
    if not low <= seconds <= high:
        raise ConfigError(f"{key} must be seconds between {low} and {high}, not {value!r}")
    return seconds


def load_settings(env: Mapping[str, str]) -> Settings:
    def text(key: str, default: str = "") -> str:
        return env.get(key, default).strip()

    def number(key: str, default: float) -> float:
        raw = text(key)
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise ConfigError(f"{key} must be a number between 0 and 1, not {raw!r}") from None
        if not 0 <= value <= 1:
            raise ConfigError(
                f"{key} must be between 0 and 1 (scores are on a 0-1 scale), not {raw}"
            )
        return value

    second_opinion = text("MATCH_SECOND_OPINION", "true").lower()
    if second_opinion not in ("true", "false", "1", "0", "yes", "no"):
        raise ConfigError(f"MATCH_SECOND_OPINION must be true or false, not {second_opinion!r}")

    defaults = MatchSettings()
    match = MatchSettings(
        min_score=number("MATCH_MIN_SCORE", defaults.min_score),
        min_margin=number("MATCH_MIN_MARGIN", defaults.min_margin),
        suggest_min=number("MATCH_SUGGEST_MIN", defaults.suggest_min),
        second_opinion=second_opinion in ("true", "1", "yes"),
    )
    if match.suggest_min > match.min_score:
        raise ConfigError("MATCH_SUGGEST_MIN must not be above MATCH_MIN_SCORE")

    language = text("DEFAULT_LANGUAGE", "ar").lower()
    if language not in _LANGUAGES:
        raise ConfigError(f"DEFAULT_LANGUAGE must be one of ar, fr, en, not {language!r}")

    admin_ids: set[int] = set()
    for part in text("ADMIN_IDS").replace(";", ",").split(","):
        if part.strip():
            try:
                admin_ids.add(int(part))
            except ValueError:
                raise ConfigError(
                    "ADMIN_IDS must be Telegram user ids separated by commas, "
                    f"not {part.strip()!r}"
                ) from None

    base_url = text("TELEGRAM_API_BASE_URL")
    if base_url and not base_url.startswith(("http://", "https://")):
        raise ConfigError("TELEGRAM_API_BASE_URL must start with http:// or https://")

    knowledge_dir = Path(text("KNOWLEDGE_DIR") or PROJECT_ROOT / "knowledge")
    log_level = text("LOG_LEVEL", "INFO").upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {log_level!r}")

    token = text("TELEGRAM_BOT_TOKEN")
    if token and not _TOKEN.match(token):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN does not look like a token from @BotFather (digits:letters)"
        )
    webhook_url = text("WEBHOOK_URL")
    if webhook_url and not webhook_url.startswith("https://"):
        raise ConfigError("WEBHOOK_URL must start with https:// (Telegram only calls https)")
    port_text = text("WEBHOOK_PORT", "8443")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ConfigError(f"WEBHOOK_PORT must be a port number (1-65535), not {port_text!r}")
    secret = text("WEBHOOK_SECRET")
    if secret and not _SECRET.match(secret):
        raise ConfigError("WEBHOOK_SECRET may only use A-Z, a-z, 0-9, _ and - (1-256 characters)")

    hold = _whole(text, "WAITLIST_HOLD_MINUTES", "30", 1, 1440, unit="minutes")
    idle = _whole(text, "BOOKING_FLOW_TIMEOUT_MINUTES", "30", 1, 1440, unit="minutes")
    kept = _whole(text, "PERSONAL_DATA_DAYS_AFTER_EVENT", "90", 1, 3650, unit="days")
    check_seconds = _seconds(text, "REMINDER_CHECK_SECONDS", "60", 0.1, 3600)
    burst = _whole(
        text, "INBOUND_BURST", "10", 0, 100_000, unit="a number of messages (0: no limit)"
    )
    refill_seconds = _seconds(text, "INBOUND_REFILL_SECONDS", "2", 0.01, 3600)

    watch = text("WATCH_KNOWLEDGE", "true").lower()
    if watch not in ("true", "false", "1", "0", "yes", "no"):
        raise ConfigError(f"WATCH_KNOWLEDGE must be true or false, not {watch!r}")

    return Settings(
        telegram_token=token,
        telegram_api_base_url=base_url,
        admin_ids=frozenset(admin_ids),
        database_path=Path(text("DATABASE_PATH") or "data/bot.sqlite3"),
        knowledge_dir=knowledge_dir,
        default_language=language,
        match=match,
        log_level=log_level,
        webhook_url=webhook_url,
        webhook_listen=text("WEBHOOK_LISTEN", "0.0.0.0"),
        webhook_port=int(port_text),
        webhook_path=text("WEBHOOK_PATH", "telegram").strip("/") or "telegram",
        webhook_secret=secret,
        waitlist_hold_minutes=hold,
        booking_flow_timeout_minutes=idle,
        personal_data_days_after_event=kept,
        reminder_check_seconds=check_seconds,
        watch_knowledge=watch in ("true", "1", "yes"),
        inbound_burst=burst,
        inbound_refill_seconds=refill_seconds,
        whatsapp=load_whatsapp_settings(env),
    )
