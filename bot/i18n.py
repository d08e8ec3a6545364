"""User-facing texts, one catalog per language, keyed by stable ids.

Adapters (Telegram, the terminal chat, later WhatsApp) hold no literal Arabic or French: they ask
`Texts.get(key, lang, **values)`. A key missing in one language falls back to French, then Arabic,
so a half-translated catalog degrades instead of crashing; tests check the catalogs are complete.
"""

from __future__ import annotations

from importlib import resources

import yaml

__all__ = ["LANGUAGES", "Texts", "rtl"]

LANGUAGES = ("ar", "fr", "en")
_RLM = "\u200f"


def rtl(text: str) -> str:
    """Mark each line right-to-left, so lines that start with a digit, a bullet or a Latin word
    ("Rokhas", "5 سنوات") still align right in Telegram and terminals."""
    return "\n".join(_RLM + line if line.strip() else line for line in text.split("\n"))


class Texts:
    def __init__(self, catalogs: dict[str, dict[str, str]]) -> None:
        self._catalogs = catalogs

    @classmethod
    def load(cls) -> Texts:
        folder = resources.files("bot") / "locales"
        catalogs = {
            lang: yaml.safe_load((folder / f"{lang}.yml").read_text(encoding="utf-8"))
            for lang in LANGUAGES
        }
        return cls(catalogs)

    def get(self, key: str, lang: str, **values: object) -> str:
        for candidate in (lang, "fr", "ar"):
            text = self._catalogs.get(candidate, {}).get(key)
            if text is not None:
                return text.format(**values) if values else text
        raise KeyError(key)

    def keys(self, lang: str) -> set[str]:
        return set(self._catalogs.get(lang, {}))
