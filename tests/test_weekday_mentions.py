"""Typed weekdays checked against their dates: 12 August 2025 was a Tuesday, not a Monday.

Calendar facts used: 12 August 2025 is a Tuesday, 1 September 2025 a Monday, 9 August 2027 a
Monday and 10 August 2027 a Tuesday.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.weekday_mentions import WeekdayMismatch, weekday_mismatches

TUE_2025 = date(2025, 8, 12)
MON_2027 = date(2027, 8, 9)
TUE_2027 = date(2027, 8, 10)
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, SUNDAY = 0, 1, 2, 3, 6


def found(text: str, days: tuple[date, ...]) -> list[tuple[str, int, date | None]]:
    return [(m.written, m.named, m.day) for m in weekday_mismatches(text, days)]


# The event falls on a Monday (9 August 2027), so a "Monday" compared with the event's days
# instead of with its written date would go unreported and these cases would fail.
@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("Monday 12 August 2025", "Monday"),
        ("MONDAY 12 AUGUST 2025", "MONDAY"),
        ("Monday 12 Aug 2025", "Monday"),
        ("Monday, August 12, 2025", "Monday"),
        ("Monday 2025-08-12", "Monday"),
        ("12 August 2025 (Monday)", "Monday"),
        ("lundi 12 août 2025", "lundi"),
        ("Lundi 12 Août 2025", "Lundi"),
        ("يوم الاثنين 12 غشت 2025", "الاثنين"),
        ("الإثنين 12 أغسطس 2025", "الإثنين"),
        ("الأثنين 12 اغسطس 2025", "الأثنين"),
        ("الاثنين 12 آب 2025", "الاثنين"),
        ("الاثنين ١٢ غشت ٢٠٢٥", "الاثنين"),
        ("افتتاح والاثنين 12 غشت 2025", "الاثنين"),
    ],
)
def test_a_wrong_weekday_next_to_a_date_is_reported(text, written):
    assert found(text, (MON_2027,)) == [(written, MONDAY, TUE_2025)]


# Each event day has another weekday than the one written, so a date that is not read (and
# the weekday compared with the event's days instead) would report a mismatch.
@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Tuesday 12 August 2025", (MON_2027,)),
        ("Tuesday, August 12, 2025", (MON_2027,)),
        ("mardi 2025-08-12", (MON_2027,)),
        ("الثلاثاء 12 غشت 2025", (MON_2027,)),
        ("الثلاثاء ١٢ أغسطس ٢٠٢٥", (MON_2027,)),
        ("lundi 1er septembre 2025", (TUE_2027,)),
        ("Monday 9 August", (TUE_2027, MON_2027)),
        ("الاثنين 9 غشت", (TUE_2027, MON_2027)),
    ],
)
def test_the_right_weekday_next_to_a_date_gives_nothing(text, days):
    assert found(text, days) == []


@pytest.mark.parametrize(
    ("text", "days", "expected"),
    [
        # The event day with the same month and day gives the year, not the earliest day.
        ("jeudi 10 août", (TUE_2025, TUE_2027), [("jeudi", THURSDAY, TUE_2027)]),
        ("lundi 12 août", (MON_2027, TUE_2025), [("lundi", MONDAY, TUE_2025)]),
        ("Monday 12 August", (TUE_2025,), [("Monday", MONDAY, TUE_2025)]),
        # No event day on 9 August: the first event day's year, 2027, makes it a Monday.
        ("Tuesday 9 August", (TUE_2027,), [("Tuesday", TUESDAY, MON_2027)]),
        ("الثلاثاء 9 غشت", (TUE_2027,), [("الثلاثاء", TUESDAY, MON_2027)]),
    ],
)
def test_a_date_without_a_year_takes_it_from_the_event_days(text, days, expected):
    assert found(text, days) == expected


@pytest.mark.parametrize(
    ("text", "days", "expected"),
    [
        ("Journée de communication le mardi", (TUE_2025,), []),
        ("Open on Monday", (TUE_2025,), [("Monday", MONDAY, None)]),
        ("lundi et mardi au siège de l'agence", (MON_2027, TUE_2027), []),
        ("Monday to Wednesday", (MON_2027, TUE_2027), [("Wednesday", WEDNESDAY, None)]),
        ("الاثنين والخميس", (MON_2027, TUE_2027), [("الخميس", THURSDAY, None)]),
        # The date ends the previous sentence, so "Lundi" goes with the event's days.
        ("Réunion le 12 août 2025. Lundi : accueil.", (TUE_2025,), [("Lundi", MONDAY, None)]),
    ],
)
def test_a_weekday_without_a_date_is_compared_with_the_event_days(text, days, expected):
    assert found(text, days) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Open on Saturdays and Sundays",
        "fermé les samedis et les dimanches",
        "Sundays 12 August 2025",
    ],
)
def test_plural_weekdays_are_recurring_days_not_the_event_date(text):
    assert found(text, (TUE_2025,)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("سوق السبت أولاد النمة", []),
        ("جماعة سوق الأحد، ثم يوم السبت", ["السبت"]),
        ("سوق  الخميس", []),
    ],
)
def test_a_town_named_after_its_market_day_is_not_a_weekday(text, expected):
    """Souk Sebt, Souk El Had: a venue or a commune, not the day of the event."""
    assert [written for written, _, _ in found(text, (TUE_2025,))] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Monday 31 February 2025",
        "lundi 30 février",
        "Monday 2025-02-30",
        "Monday 2025-13-12",
    ],
)
def test_an_impossible_date_is_skipped(text):
    # Compared with the event's Tuesday instead, "Monday" would be reported.
    assert found(text, (TUE_2025,)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Monday", []),
        ("Monday 12 August", []),
        ("Monday 12 August 2025", [("Monday", MONDAY, TUE_2025)]),
    ],
)
def test_with_no_event_days_only_fully_dated_weekdays_are_checked(text, expected):
    assert found(text, ()) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Journée de communication au siège de l'agence, 12 août 2025",
        "أيام تواصلية لفائدة مغاربة العالم ١٢ غشت ٢٠٢٥",
        "Monthly meeting, Sundance hall, 2025-08-12",
    ],
)
def test_a_text_without_a_weekday_gives_nothing(text):
    assert found(text, (MON_2027,)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Monday 12 August 2025 and Monday 10 August 2027",
            [("Monday", MONDAY, TUE_2025), ("Monday", MONDAY, TUE_2027)],
        ),
        (
            "Sunday: welcome. Monday 12 August 2025: workshops.",
            [("Sunday", SUNDAY, None), ("Monday", MONDAY, TUE_2025)],
        ),
        (
            "الخميس 10 غشت 2027 ثم الاثنين 12 غشت 2025",
            [("الخميس", THURSDAY, TUE_2027), ("الاثنين", MONDAY, TUE_2025)],
        ),
    ],
)
def test_several_mentions_are_reported_in_text_order(text, expected):
    assert found(text, (TUE_2025,)) == expected


@pytest.mark.parametrize(
    ("mismatch", "actual"),
    [
        (WeekdayMismatch("Monday", MONDAY, TUE_2025), TUESDAY),
        (WeekdayMismatch("Monday", MONDAY, None), None),
    ],
)
def test_actual_is_the_weekday_of_the_attached_date(mismatch, actual):
    assert mismatch.actual == actual


@pytest.mark.parametrize(
    "text",
    [
        "Monday 99 August 2025",
        "Monday 0000-08-12",
        "Monday 12 August 0000",
        "ſunday 12 Auguſt 2025 İ",
        "الاثنين\n\n١٢\u0640 غشت",
        "lundi " * 500,
    ],
)
def test_odd_text_never_raises(text):
    assert isinstance(weekday_mismatches(text, (TUE_2025,)), list)
