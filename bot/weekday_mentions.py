"""Weekdays typed in event texts that contradict the dates they go with.

A real announcement read "Monday 12 August 2025", yet 12 August 2025 was a Tuesday. The bot never
needs a typed weekday: it computes weekdays from dates (see `bot.dates`), so a weekday that staff
typed into a title, description or venue can only add an error. This module finds such errors;
the knowledge checker calls it and words the warning.

A weekday goes with the date written just after it (or, failing that, just before it) in the same
sentence; a weekday with no date near it goes with the event's own days. Month and weekday names
come from Babel (CLDR), Arabic ones compared without hamza variants, so "أغسطس" and "اغسطس" match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from babel.dates import get_day_names, get_month_names

__all__ = ["WeekdayMismatch", "weekday_mismatches"]

# One character for one character, so positions in the folded text are positions in the text:
# hamza carriers become a bare alif, ta marbuta and alif maqsura their usual look-alikes.
# Arabic-Indic digits need no folding: Python's \d and int() read "١٢" as 12.
_FOLD = str.maketrans("أإآٱةى", "ااااهي")
# How far a date may be from its weekday, in characters between them.
_REACH = 25
# Between a weekday and its date: no sentence end, no other number (the weekday would go with
# that number, as in "lundi 11 et 13 août"), and no other weekday.
_GAP_BREAK = re.compile(r"[.!?؟;؛\n\d]")


def _fold(text: str) -> str:
    return text.translate(_FOLD)


def _key(name: str) -> str:
    """How a month name is looked up: folded, lower case, single spaces, no abbreviation dot."""
    return " ".join(_fold(name).casefold().rstrip(".").split())


def _alternation(names: Iterable[str]) -> str:
    """A regex group matching any of `names`, longest first, spaces matching any run of spaces."""
    ordered = sorted(set(names), key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, name.split())) for name in ordered)


def _month_names() -> tuple[dict[str, int], list[str]]:
    """Month numbers by `_key`, and the spellings to search for.

    Abbreviations may end with a dot ("janv.", "Aug."); a full name may not, so the dot ending
    a sentence ("le 12 mars.") stays outside the date.
    """
    wide = [get_month_names("wide", locale=loc) for loc in ("fr", "en", "ar", "ar_MA", "ar_LB")]
    short = [get_month_names("abbreviated", locale=loc) for loc in ("fr", "en")]
    full = {_fold(name) for table in wide for name in table.values()}
    spellings = set(full)
    numbers: dict[str, int] = {}
    for table in wide + short:
        for number, name in table.items():
            numbers[_key(name)] = number
            spellings.add(_fold(name))
            if _fold(name) not in full:
                spellings.add(_fold(name).rstrip(".") + ".")
    return numbers, sorted(spellings)


def _weekday_numbers() -> tuple[dict[str, int], dict[str, int]]:
    """Latin weekday names and Arabic stems (the name without its article), Monday=0."""
    latin = {
        name.casefold(): number
        for loc in ("fr", "en")
        for number, name in get_day_names("wide", locale=loc).items()
    }
    arabic = {
        _fold(name).removeprefix("ال"): number
        for number, name in get_day_names("wide", locale="ar").items()
    }
    return latin, arabic


_MONTHS, _MONTH_SPELLINGS = _month_names()
_LATIN_WEEKDAYS, _ARABIC_WEEKDAYS = _weekday_numbers()

_MONTH = rf"(?P<month>{_alternation(_MONTH_SPELLINGS)})(?!\w)"
_YEAR = r"(?P<year>\d{4})(?!\d)"
_ORDINAL = r"(?:er|ᵉʳ|st|nd|rd|th)?"
_DATE_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # 2025-08-12
        r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?!\d)",
        # 12 August 2025, 1er septembre, 12 غشت 2025
        rf"(?<!\d)(?P<day>\d{{1,2}}){_ORDINAL}\s+{_MONTH}(?:[,،]?\s+{_YEAR})?",
        # August 12, 2025
        rf"(?<!\w){_MONTH}\s+(?P<day>\d{{1,2}}){_ORDINAL}(?![\d:])(?:[,،]?\s+{_YEAR})?",
    )
)
# Whole words only, so plurals ("Sundays", "les samedis") are not weekdays of the event.
_LATIN_WEEKDAY = re.compile(rf"(?<!\w)(?:{_alternation(_LATIN_WEEKDAYS)})(?!\w)", re.IGNORECASE)
# The article, after a clinging و/ف and ب/ل ("والخميس", "بالسبت"), or contracted after ل ("للأحد").
_ARABIC_WEEKDAY = re.compile(
    rf"(?<!\w)[وف]?(?:[بل]?(?P<article>ال)|(?P<lil>لل))"
    rf"(?P<stem>{_alternation(_ARABIC_WEEKDAYS)})(?!\w)"
)


@dataclass(frozen=True)
class WeekdayMismatch:
    """A weekday named in a text that is not the weekday of the date it goes with."""

    written: str  # the weekday as written in the text, e.g. "Monday", "الاثنين", "lundi"
    named: int  # weekday the text names, Monday=0 .. Sunday=6
    # The date the weekday is attached to in the text; None when the text gives no date next to
    # it and it was compared with the event's days.
    day: date | None

    @property
    def actual(self) -> int | None:
        """The true weekday of `day`, Monday=0; None when compared with the event's days."""
        return None if self.day is None else self.day.weekday()


@dataclass(frozen=True)
class _Weekday:
    start: int
    end: int
    written: str
    named: int


@dataclass(frozen=True)
class _Date:
    start: int
    end: int
    day: int
    month: int
    year: int | None


def weekday_mismatches(text: str, days: Sequence[date]) -> list[WeekdayMismatch]:
    """The weekdays named in `text` that contradict their dates, in the order they appear.

    `days` are the event's days. A weekday goes with the date written within about 25
    characters after it in the same sentence, else with one just before it ("12 August 2025
    (Monday)"); a date without a year takes the year of the event day with the same month and
    day, else that of the earliest event day. A weekday with no date near it is a mismatch when
    no event day falls on it. Impossible dates, and year-less dates when `days` is empty, are
    skipped. Never raises on any text.
    """
    folded = _fold(text)
    weekdays = _find_weekdays(text, folded)
    dates = _find_dates(folded)
    claimed: set[_Date] = set()
    mismatches: list[WeekdayMismatch] = []
    for weekday in weekdays:
        found = _date_after(folded, weekday, dates, weekdays)
        if found is None:
            found = _date_before(folded, weekday, dates, weekdays, claimed)
        if found is not None:
            claimed.add(found)
            day = _resolve(found, days)
            if day is not None and day.weekday() != weekday.named:
                mismatches.append(WeekdayMismatch(weekday.written, weekday.named, day))
        elif days and weekday.named not in {d.weekday() for d in days}:
            mismatches.append(WeekdayMismatch(weekday.written, weekday.named, None))
    return mismatches


# "سوق" (market) right before a weekday: the name of a town, not a day (Souk Sebt Oulad Nemma).
_MARKET_TOWN = re.compile(r"سوق\s+$")


def _find_weekdays(text: str, folded: str) -> list[_Weekday]:
    found: list[_Weekday] = []
    for m in _LATIN_WEEKDAY.finditer(folded):
        # .get: a case-insensitive match may use odd letters ("ſ" for "s") that no key has.
        named = _LATIN_WEEKDAYS.get(m[0].casefold())
        if named is not None:
            found.append(_Weekday(m.start(), m.end(), text[m.start() : m.end()], named))
    for m in _ARABIC_WEEKDAY.finditer(folded):
        if _MARKET_TOWN.search(folded, 0, m.start()):
            continue  # a town named after its market day: سوق السبت (Souk Sebt), سوق الأحد
        # The written word keeps the article but not a clinging و/ف/ب ("والخميس" -> "الخميس").
        begin = m.start("article") if m["article"] else m.start("lil")
        named = _ARABIC_WEEKDAYS[m["stem"]]
        found.append(_Weekday(m.start(), m.end(), text[begin : m.end()], named))
    return sorted(found, key=lambda weekday: weekday.start)


def _find_dates(folded: str) -> list[_Date]:
    """Every date in the text; where two readings overlap, the one starting first is kept."""
    candidates = sorted(
        (m for pattern in _DATE_PATTERNS for m in pattern.finditer(folded)),
        key=lambda m: (m.start(), -m.end()),
    )
    dates: list[_Date] = []
    for m in candidates:
        if dates and m.start() < dates[-1].end:
            continue
        month = m["month"]
        number = int(month) if month.isdecimal() else _MONTHS.get(_key(month))
        if number is None:
            continue
        year = int(m["year"]) if m["year"] else None
        dates.append(_Date(m.start(), m.end(), int(m["day"]), number, year))
    return dates


def _date_after(
    folded: str, weekday: _Weekday, dates: list[_Date], weekdays: list[_Weekday]
) -> _Date | None:
    following = next((d for d in dates if d.start >= weekday.end), None)
    if following is None or not _close(folded, weekday.end, following.start, weekdays):
        return None
    return following


def _date_before(
    folded: str,
    weekday: _Weekday,
    dates: list[_Date],
    weekdays: list[_Weekday],
    claimed: set[_Date],
) -> _Date | None:
    preceding = next((d for d in reversed(dates) if d.end <= weekday.start), None)
    if preceding is None or preceding in claimed:
        return None
    if not _close(folded, preceding.end, weekday.start, weekdays):
        return None
    return preceding


def _close(folded: str, start: int, end: int, weekdays: list[_Weekday]) -> bool:
    """Whether the stretch between a weekday and a date lets them go together."""
    gap = folded[start:end]
    if len(gap) > _REACH or _GAP_BREAK.search(gap):
        return False
    return not any(start <= other.start < end for other in weekdays)


def _resolve(found: _Date, days: Sequence[date]) -> date | None:
    """The calendar date meant, or None when it has no year to take or does not exist."""
    year = found.year
    if year is None:
        same = [d.year for d in days if (d.month, d.day) == (found.month, found.day)]
        if same:
            year = same[0]
        elif days:
            year = min(d.year for d in days)
        else:
            return None
    try:
        return date(year, found.month, found.day)
    except ValueError:
        return None
