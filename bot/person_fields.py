"""The name and country a citizen types when booking, cleaned before they are checked and kept.

Phones send what their keyboards make: the iPhone's curly apostrophe (M’hamed), Arabic vowel
marks (مُحَمَّد), accents as a letter plus a combining mark, and invisible characters (zero-width
joiners, direction marks and overrides) that copy-paste carries along. A real name must pass
whatever the keyboard, and an invisible character must never reach the admins' lists and the
export, where a right-to-left override would scramble the columns around it.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_country", "clean_name"]

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
_NAME = re.compile(r"^[^\W\d_]+(?:[ '\-.]+[^\W\d_]+)*\.?$")


def clean_name(text: str) -> str | None:
    """The full name as it will be stored, or None when it cannot be a person's name."""
    name = _visible(text)
    if not 3 <= len(name) <= 80 or not _NAME.match(_without_marks(name)):
        return None
    return name


def clean_country(text: str) -> str | None:
    """The country of residence as it will be stored, or None when it cannot be one."""
    country = _visible(text)
    if not 2 <= len(country) <= 60 or any(char.isdigit() for char in country):
        return None
    if not any(char.isalpha() for char in country):
        return None
    return country


def _visible(text: str) -> str:
    """Composed (NFC), invisible and control characters out, one kind of apostrophe, single
    spaces."""
    composed = unicodedata.normalize("NFC", text).translate(_APOSTROPHES)
    kept = "".join(
        " " if char.isspace() else char
        for char in composed
        if char.isspace() or unicodedata.category(char) not in ("Cf", "Cc", "Co", "Cn")
    )
    return " ".join(kept.split())


def _without_marks(text: str) -> str:
    """For the check only: vowel marks and other combining marks are part of a letter."""
    return "".join(char for char in text if unicodedata.category(char) not in ("Mn", "Mc"))
