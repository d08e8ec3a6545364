"""Phone numbers typed by users, checked against Google's rules and stored in E.164.

Moroccans living abroad give numbers from many countries, written in many ways ("+33 6 12 34 56
78", "0033 6…", "+33 (0)6…"), and many type their Moroccan number the national way ("06 12 34 56
78"). Guessing with regular expressions accepts numbers that cannot exist and refuses real ones, so
the digits go through `phonenumbers`, with Morocco as the region for a number written without a
country code.

The accepted forms are deliberately few: a leading "+", a leading "00", or a single leading "0"
(a Moroccan national number). A bare "612345678" or "33612345678" is refused rather than guessed,
because a wrong guess books a slot under a number nobody answers; the user is simply asked again.
"""

from __future__ import annotations

import unicodedata

import phonenumbers

__all__ = ["mask_phone", "parse_phone", "shared_contact_phone"]

DEFAULT_REGION = "MA"
"""Region of a number written without a country code: the agency is in Béni Mellal."""

_SEPARATORS = frozenset(".-()")
_MASK = "•"
_KEPT_TAIL = 4


def parse_phone(text: str) -> str | None:
    """Return `text` as an E.164 number ("+212612345678"), or None when it is not a valid one.

    Spaces, dots, dashes and parentheses are ignored, as are the invisible direction marks an
    Arabic keyboard slips around digits; Arabic-Indic digits count as digits. Letters (vanity
    numbers, "ext. 12") make the text invalid instead of being silently read or dropped.
    """
    digits = _digits_with_plus(text)
    if digits is None or not digits.startswith(("+", "0")):
        return None
    try:
        number = phonenumbers.parse(digits, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def shared_contact_phone(text: str) -> str | None:
    """Return the number of a contact card shared by its owner in E.164, or None.

    Unlike a typed number, a shared contact is the number the platform knows for the account,
    always with its country code; some Telegram clients (and WhatsApp) send it without the "+"
    ("33612345678"). So here bare digits are read as international, never as Moroccan national.
    """
    digits = _digits_with_plus(text)
    if digits is None:
        return None
    if not digits.startswith("+"):
        digits = "+" + (digits[2:] if digits.startswith("00") else digits)
    return parse_phone(digits)


def mask_phone(e164: str) -> str:
    """Hide the middle of an E.164 number ("+2126••••5678") for logs and admin lists.

    The country code, the first digit after it and the last four digits stay: enough to tell two
    bookings apart or to recognise one's own number, not enough to call anyone. Something that is
    not an E.164 number is masked completely rather than echoed, since it may still be personal.
    """
    if not (e164.startswith("+") and e164[1:].isdigit() and e164.isascii()):
        return _MASK * 4
    country_code = _country_code(e164)
    if country_code is None:
        return _MASK * 4
    national = e164[1 + len(country_code) :]
    if len(national) <= _KEPT_TAIL + 1:
        return f"+{country_code}{_MASK * len(national)}"
    hidden = len(national) - 1 - _KEPT_TAIL
    return f"+{country_code}{national[0]}{_MASK * hidden}{national[-_KEPT_TAIL:]}"


def _digits_with_plus(text: str) -> str | None:
    """Return the ASCII digits of `text`, with its leading "+" if any; None if anything else."""
    kept: list[str] = []
    for char in text.strip():
        if char.isspace() or char in _SEPARATORS or unicodedata.category(char) == "Cf":
            continue
        if char == "+" and not kept:
            kept.append(char)
        elif char.isdecimal():
            kept.append(str(unicodedata.digit(char)))
        else:
            return None
    digits = "".join(kept)
    return digits if digits.lstrip("+") else None


def _country_code(e164: str) -> str | None:
    """Return the country calling code an E.164 number starts with (one to three digits)."""
    for length in (1, 2, 3):
        prefix = e164[1 : 1 + length]
        if phonenumbers.region_code_for_country_code(int(prefix)) != phonenumbers.UNKNOWN_REGION:
            return prefix
    return None
