"""When to remind a citizen of their appointment: the day before and two hours before.

A booking made less than two hours before its slot gets no reminder (it was just confirmed);
one made within the last day gets only the two-hour one; when both are due at once (the bot was
down), only the nearest is sent, since the older one would only repeat it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.booking_store import BookingRow

__all__ = ["REMINDERS", "Reminder", "due_reminders"]

REMINDERS = (("24h", timedelta(hours=24)), ("2h", timedelta(hours=2)))


@dataclass(frozen=True)
class Reminder:
    booking: BookingRow
    kind: str  # "24h" or "2h"


def due_reminders(bookings: Iterable[BookingRow], now: datetime) -> list[Reminder]:
    """The reminders of these upcoming bookings whose time has come and that were not sent."""
    due = []
    for booking in bookings:
        lead = booking.slot_start - booking.created_at
        for kind, before in REMINDERS:
            sent = booking.reminded_24h if kind == "24h" else booking.reminded_2h
            if sent or lead <= timedelta(hours=2):
                continue
            if kind == "24h" and lead <= before:
                continue  # booked within the last day: the 2-hour reminder is enough
            if booking.slot_start - before <= now:
                due.append(Reminder(booking, kind))
    nearest: dict[str, Reminder] = {}
    for reminder in due:
        nearest[reminder.booking.code] = reminder
    return list(nearest.values())
