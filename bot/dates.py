"""Dates and times as citizens read them: Moroccan calendar words on a Moroccan wall clock.

Instants are stored in UTC; a citizen reads them in Béni Mellal time wherever they live, because
the appointment is there. Babel (CLDR) supplies the words: ar_MA has the months Moroccans use
(غشت, شتنبر) rather than the Levantine or Egyptian ones, and the weekday is always computed from
the date, so a day and its weekday can never disagree.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

__all__ = ["LOCALES", "TIME_ZONE", "format_day", "format_slot", "format_time", "local"]

TIME_ZONE = ZoneInfo("Africa/Casablanca")
LOCALES = {"ar": "ar_MA", "fr": "fr_MA", "en": "en_GB"}
# One pattern for every language: weekday, day, month name, year, without the comma that CLDR's
# "full" format puts after the weekday.
_DAY_PATTERN = "EEEE d MMMM y"
# The word between a day and its time is grammar of this one phrase, so it stays beside it.
_AT = {"ar": "على الساعة", "fr": "à", "en": "at"}


def local(moment: datetime) -> datetime:
    """The same instant on the clock in Morocco; a naive datetime is refused, not guessed."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: give it a time zone (stored times are UTC)")
    return moment.astimezone(TIME_ZONE)


def format_day(moment: datetime | date, lang: str) -> str:
    """'الثلاثاء 10 غشت 2027', 'mardi 10 août 2027', 'Tuesday 10 August 2027'.

    A datetime is first moved to Moroccan time: 23:30 UTC can already be the next day there.
    """
    day = local(moment).date() if isinstance(moment, datetime) else moment
    return format_date(day, _DAY_PATTERN, locale=_locale(lang))


def format_time(moment: datetime, lang: str) -> str:
    """'09:30' in every language: 24-hour clock and Latin digits, as on Moroccan forms.

    `lang` is accepted so callers format days and times alike; the result does not depend on it.
    """
    return local(moment).strftime("%H:%M")


def format_slot(slot_start: datetime, lang: str) -> str:
    """'mardi 10 août 2027 à 09:30', 'الثلاثاء 10 غشت 2027 على الساعة 09:30'."""
    at = _AT.get(lang, _AT["fr"])
    return f"{format_day(slot_start, lang)} {at} {format_time(slot_start, lang)}"


def _locale(lang: str) -> str:
    """The CLDR locale for a reply language; an unknown one falls back to French like the texts."""
    return LOCALES.get(lang, LOCALES["fr"])
