"""Dates as citizens read them: Moroccan month names, weekdays computed, Moroccan wall clock."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from bot.dates import format_day, format_slot, format_time, local

EASTERN_DIGITS = re.compile(r"[\u0660-\u0669\u06f0-\u06f9]")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ar", "الثلاثاء 12 غشت 2025"),
        ("fr", "mardi 12 août 2025"),
        ("en", "Tuesday 12 August 2025"),
    ],
)
def test_weekday_is_computed_from_the_date(lang, expected):
    assert format_day(date(2025, 8, 12), lang) == expected


def test_arabic_uses_the_moroccan_month_names():
    assert format_day(date(2027, 8, 10), "ar") == "الثلاثاء 10 غشت 2027"
    assert format_day(date(2027, 9, 14), "ar") == "الثلاثاء 14 شتنبر 2027"
    assert "أغسطس" not in format_day(date(2027, 8, 10), "ar")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ar", "الثلاثاء 10 غشت 2027 على الساعة 09:30"),
        ("fr", "mardi 10 août 2027 à 09:30"),
        ("en", "Tuesday 10 August 2027 at 09:30"),
    ],
)
def test_slot_is_shown_on_the_moroccan_clock(lang, expected):
    # 08:30 UTC is 09:30 in Morocco in August (UTC+1).
    assert format_slot(utc(2027, 8, 10, 8, 30), lang) == expected


def test_times_use_latin_digits_and_the_24_hour_clock_in_every_language():
    for lang in ("ar", "fr", "en"):
        assert format_time(utc(2027, 8, 10, 14, 5), lang) == "15:05"
        assert not EASTERN_DIGITS.search(format_slot(utc(2027, 8, 10, 14, 5), lang))


def test_utc_is_converted_with_the_offset_of_that_day():
    # Morocco is UTC+1 most of the year, UTC+0 around Ramadan (7 Feb – 14 Mar 2027 in tzdata).
    assert format_time(utc(2027, 2, 5, 10, 0), "fr") == "11:00"
    assert format_time(utc(2027, 2, 8, 10, 0), "fr") == "10:00"
    assert format_time(utc(2027, 3, 15, 10, 0), "fr") == "11:00"
    assert local(utc(2027, 2, 8, 10, 0)).utcoffset().total_seconds() == 0


def test_the_day_is_the_day_in_morocco():
    # 23:30 UTC on Monday 9 August is already 00:30 on Tuesday 10 August in Béni Mellal.
    assert format_day(utc(2027, 8, 9, 23, 30), "fr") == "mardi 10 août 2027"
    assert format_slot(utc(2027, 8, 9, 23, 30), "en") == "Tuesday 10 August 2027 at 00:30"


def test_unknown_language_falls_back_to_french():
    assert format_slot(utc(2027, 8, 10, 8, 30), "es") == "mardi 10 août 2027 à 09:30"


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        local(datetime(2027, 8, 10, 9, 30))
