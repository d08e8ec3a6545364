"""Dates as a Moroccan reader expects them, written by hand here so that tests check the bot's
Babel-made dates against an independent answer (weekday from the date, Moroccan month names)."""

from __future__ import annotations

from datetime import date

__all__ = ["ar_day", "en_day", "fr_day"]

_FR_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_FR_MONTHS = (
    *("janvier", "février", "mars", "avril", "mai", "juin"),
    *("juillet", "août", "septembre", "octobre", "novembre", "décembre"),
)
_AR_WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
# The months as Moroccans name them (not أغسطس or آب): غشت, شتنبر...
_AR_MA_MONTHS = (
    *("يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو"),
    *("يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر"),
)
_EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


def fr_day(day: date) -> str:
    """'vendredi 2 mai 2031'."""
    return f"{_FR_WEEKDAYS[day.weekday()]} {day.day} {_FR_MONTHS[day.month - 1]} {day.year}"


def ar_day(day: date) -> str:
    """'الجمعة 2 ماي 2031'."""
    return f"{_AR_WEEKDAYS[day.weekday()]} {day.day} {_AR_MA_MONTHS[day.month - 1]} {day.year}"


def en_day(day: date) -> str:
    """'Friday 2 May 2031'."""
    return f"{_EN_WEEKDAYS[day.weekday()]} {day.day} {_EN_MONTHS[day.month - 1]} {day.year}"
