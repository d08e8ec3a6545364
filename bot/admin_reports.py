"""What admins read: bookings per slot, exports, check-in answers, statistics.

Plain functions over rows, so Telegram's /bookings, /export, /checkin and /stats (and a future
web page) share one source. Names and phones appear only here, for admins, never in logs.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from bot.booking import CheckIn
from bot.booking_store import BookingRow
from bot.dates import format_day, format_slot, format_time, local
from bot.events import Event
from bot.exports import ExportRow
from bot.i18n import Texts
from bot.storage import UnansweredQuestion

__all__ = ["booking_pages", "check_in_text", "export_rows", "stats_text"]

PAGE_LINES = 25


def booking_pages(
    event: Event, bookings: list[BookingRow], now: datetime, texts: Texts, lang: str
) -> list[str]:
    """Per day and slot: how many booked out of capacity, then the list; cut into pages."""
    active = [b for b in bookings if b.active]
    lines = [
        texts.get(
            "admin.bookings_title",
            lang,
            title=event.title_in(lang),
            booked=len(active),
            total=event.capacity * len(event.slots()),
        )
    ]
    day = ""
    for slot in event.slots():
        if slot.key[:8] != day:
            day = slot.key[:8]
            lines.append(f"\n{format_day(slot.start, lang)}")
        here = [b for b in active if b.slot_key == slot.key]
        lines.append(f"{format_time(slot.start, lang)}  {len(here)}/{event.capacity}")
        for booking in here:
            mark = "✓" if booking.checked_in_at else ("✗" if slot.end < now else "·")
            topic = texts.get(f"topic.{booking.topic}", lang)
            lines.append(f"  {mark} {booking.code} · {booking.name} · {topic} · {booking.country}")
    pages: list[str] = []
    for start in range(0, len(lines), PAGE_LINES):
        pages.append("\n".join(lines[start : start + PAGE_LINES]).strip("\n"))
    return pages


def export_rows(event: Event, bookings: list[BookingRow], texts: Texts) -> list[ExportRow]:
    rows = []
    for booking in bookings:
        moment = local(booking.slot_start)
        rows.append(
            ExportRow(
                code=booking.code,
                event_id=event.id,
                day=moment.strftime("%Y-%m-%d"),
                time=moment.strftime("%H:%M"),
                name=booking.name,
                phone=booking.phone,
                country=booking.country,
                topic=texts.get(f"topic.{booking.topic}", "fr"),
                status=booking.status,
                checked_in_at=_stamp(booking.checked_in_at),
                created_at=_stamp(booking.created_at),
            )
        )
    return rows


def _stamp(moment: datetime | None) -> str:
    return local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def check_in_text(result: CheckIn, texts: Texts, lang: str, code: str) -> str:
    booking = result.booking
    if result.outcome == "unknown" or booking is None:
        return texts.get("admin.checkin_unknown", lang, code=code)
    values = {
        "code": booking.code,
        "name": booking.name,
        "when": format_slot(booking.slot_start, lang),
    }
    if result.outcome == "cancelled":
        return texts.get("admin.checkin_cancelled", lang, **values)
    at = format_slot(booking.checked_in_at, lang) if booking.checked_in_at else ""
    if result.outcome == "already":
        return texts.get("admin.checkin_already", lang, at=at, **values)
    return texts.get("admin.checkin_ok", lang, **values)


def stats_text(
    event: Event,
    bookings: list[BookingRow],
    *,
    unanswered: list[UnansweredQuestion],
    now: datetime,
    texts: Texts,
    lang: str,
    undelivered: dict[tuple[str, str, str], int] | None = None,
) -> str:
    active = [b for b in bookings if b.active]
    per_slot = Counter(b.slot_key for b in active)
    per_topic = Counter(b.topic for b in active)
    per_country = Counter(b.country.strip().title() for b in active)
    over = [b for b in active if b.slot_start + _slot_length(event) < now]
    no_shows = sum(1 for b in over if b.checked_in_at is None)
    lines = [
        texts.get(
            "admin.stats_title",
            lang,
            title=event.title_in(lang),
            booked=len(active),
            cancelled=sum(not b.active for b in bookings),
            arrived=sum(b.checked_in_at is not None for b in active),
            no_shows=no_shows,
        )
    ]
    lines.append(texts.get("admin.stats_slots", lang))
    for slot in event.slots():
        if per_slot[slot.key]:
            lines.append(
                f"  {format_slot(slot.start, lang)}: {per_slot[slot.key]}/{event.capacity}"
            )
    lines.append(texts.get("admin.stats_topics", lang))
    lines += [f"  {texts.get(f'topic.{t}', lang)}: {n}" for t, n in per_topic.most_common()]
    lines.append(texts.get("admin.stats_countries", lang))
    lines += [f"  {country}: {n}" for country, n in per_country.most_common()]
    lines.append(texts.get("admin.stats_unanswered", lang))
    asked = Counter(question.text for question in unanswered)
    lines += [f"  {n} × {text}" for text, n in asked.most_common(15)]
    if undelivered:
        # Reminders and offers a channel could not send (WhatsApp outside its 24-hour window).
        lines.append(texts.get("admin.stats_undelivered", lang))
        for (channel, kind, reason), count in sorted(undelivered.items()):
            what = texts.get(f"admin.undelivered_{kind}", lang)
            why = texts.get(f"admin.undelivered_{reason}", lang)
            lines.append(f"  {channel} · {what}: {count} ({why})")
    return "\n".join(lines)


def _slot_length(event: Event) -> timedelta:
    return timedelta(minutes=event.slot_minutes)
