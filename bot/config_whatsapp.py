"""The WhatsApp settings, read with the others (bot.config) and refused the same way: one line
naming the setting. WhatsApp is on when its four credentials are set; some but not all of
them is a mistake worth stopping for, since the bot would otherwise start without it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.errors import ConfigError

__all__ = ["DEFAULT_API_BASE_URL", "Template", "WhatsAppSettings", "load_whatsapp_settings"]

# The Graph API version pywa speaks (a test keeps them in step).
DEFAULT_API_BASE_URL = "https://graph.facebook.com/v26.0"
_CREDENTIALS = (
    "WHATSAPP_TOKEN",
    "WHATSAPP_PHONE_NUMBER_ID",
    "WHATSAPP_APP_SECRET",
    "WHATSAPP_VERIFY_TOKEN",
)
_TEMPLATE = re.compile(r"^([a-z0-9_]{1,512}):([A-Za-z_]{2,6}(?:,[A-Za-z_]{2,6})*)$")
_PATH = re.compile(r"^[A-Za-z0-9_\-/]{1,100}$")


@dataclass(frozen=True)
class Template:
    """An approved message template: its name and the language codes it is approved in."""

    name: str
    languages: tuple[str, ...]

    def language_for(self, lang: str) -> str | None:
        """The approved code for the bot's language ("fr" for fr, "en_US" for en...)."""
        return next((code for code in self.languages if code.split("_")[0] == lang), None)


@dataclass(frozen=True)
class WhatsAppSettings:
    token: str = field(default="", repr=False)
    phone_number_id: str = ""
    app_secret: str = field(default="", repr=False)
    verify_token: str = field(default="", repr=False)
    api_base_url: str = DEFAULT_API_BASE_URL
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8080
    webhook_path: str = "whatsapp"
    admin_numbers: frozenset[str] = frozenset()
    template_reminder: Template | None = None
    template_offer: Template | None = None
    messages_per_second: int = 80

    @property
    def configured(self) -> bool:
        return bool(self.token)


def load_whatsapp_settings(env: Mapping[str, str]) -> WhatsAppSettings:
    def text(key: str, default: str = "") -> str:
        return env.get(key, default).strip()

    given = [key for key in _CREDENTIALS if text(key)]
    if given and len(given) < len(_CREDENTIALS):
        missing = ", ".join(key for key in _CREDENTIALS if key not in given)
        raise ConfigError(
            f"{missing} must be set too: WhatsApp needs all of {', '.join(_CREDENTIALS)}"
        )
    phone_id = text("WHATSAPP_PHONE_NUMBER_ID")
    if phone_id and not phone_id.isdigit():
        raise ConfigError(
            f"WHATSAPP_PHONE_NUMBER_ID must be the number id from Meta, not {phone_id!r}"
        )
    base = (text("WHATSAPP_API_BASE_URL") or DEFAULT_API_BASE_URL).rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ConfigError("WHATSAPP_API_BASE_URL must start with https:// (or http:// for a test)")
    port = text("WHATSAPP_WEBHOOK_PORT", "8080")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"WHATSAPP_WEBHOOK_PORT must be a port number (1-65535), not {port!r}")
    path = text("WHATSAPP_WEBHOOK_PATH", "whatsapp").strip("/") or "whatsapp"
    if not _PATH.match(path):
        raise ConfigError(
            f"WHATSAPP_WEBHOOK_PATH may use letters, digits, _ - and /, not {path!r}"
        )
    rate = text("WHATSAPP_MESSAGES_PER_SECOND", "80")
    if not rate.isdigit() or not 1 <= int(rate) <= 1000:
        raise ConfigError(f"WHATSAPP_MESSAGES_PER_SECOND must be 1 to 1000, not {rate!r}")
    return WhatsAppSettings(
        token=text("WHATSAPP_TOKEN"),
        phone_number_id=phone_id,
        app_secret=text("WHATSAPP_APP_SECRET"),
        verify_token=text("WHATSAPP_VERIFY_TOKEN"),
        api_base_url=base,
        webhook_listen=text("WHATSAPP_WEBHOOK_LISTEN", "0.0.0.0"),
        webhook_port=int(port),
        webhook_path=path,
        admin_numbers=_numbers(text("ADMIN_WHATSAPP_NUMBERS")),
        template_reminder=_template(
            "WHATSAPP_TEMPLATE_REMINDER", text("WHATSAPP_TEMPLATE_REMINDER")
        ),
        template_offer=_template("WHATSAPP_TEMPLATE_OFFER", text("WHATSAPP_TEMPLATE_OFFER")),
        messages_per_second=int(rate),
    )


def _numbers(raw: str) -> frozenset[str]:
    """Phone numbers as WhatsApp gives them: digits only, with the country code."""
    numbers = set()
    for part in raw.replace(";", ",").split(","):
        digits = re.sub(r"[\s.\-()]", "", part).removeprefix("+").removeprefix("00")
        if not digits:
            continue
        if not digits.isdigit() or len(digits) < 8:
            raise ConfigError(
                "ADMIN_WHATSAPP_NUMBERS must be phone numbers with their country code, "
                f"separated by commas, like +212612345678, not {part.strip()!r}"
            )
        numbers.add(digits)
    return frozenset(numbers)


def _template(key: str, raw: str) -> Template | None:
    if not raw:
        return None
    match = _TEMPLATE.match(raw)
    if match is None:
        raise ConfigError(
            f"{key} must be a template name and its approved language codes, like "
            f"mre_reminder:ar,fr,en, not {raw!r}"
        )
    return Template(match[1], tuple(match[2].split(",")))
