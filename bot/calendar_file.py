"""A booking as an iCalendar file, so the appointment lands in the citizen's own calendar.

The times are written in UTC: every calendar app shows them in the phone's zone, right even while
the citizen is still in Lyon or Milan before travelling. The UID is the booking code, so sending
the file again (after a change of slot) updates the same appointment instead of adding a second
one. A reminder rings the day before, when there is still time to travel or to cancel.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar
from icalendar import Event as CalendarEvent

from bot.events import Event, Slot

__all__ = ["PRODID", "booking_ics"]

PRODID = "-//AUBM//MRE bot//"
UID_DOMAIN = "aubm-mre-bot"
REMINDER_BEFORE = timedelta(days=1)
# The words of the file itself, in the citizen's language (the file is read outside the chat).
_CODE_LABEL = {"ar": "رمز الحجز", "fr": "Code de réservation", "en": "Booking code"}


def booking_ics(event: Event, slot: Slot, code: str, lang: str, *, stamp: datetime) -> bytes:
    """The .ics bytes of one booking; `stamp` (DTSTAMP) is the program clock's now."""
    title = event.title_in(lang)
    label = _CODE_LABEL.get(lang, _CODE_LABEL["fr"])
    appointment = CalendarEvent()
    appointment.add("uid", f"{code}@{UID_DOMAIN}")
    appointment.add("dtstamp", stamp.astimezone(UTC))
    appointment.add("dtstart", slot.start.astimezone(UTC))
    appointment.add("dtend", slot.end.astimezone(UTC))
    appointment.add("summary", f"{title} ({code})")
    appointment.add("location", event.venue.label_in(lang))
    if event.venue.latitude is not None and event.venue.longitude is not None:
        appointment.add("geo", (event.venue.latitude, event.venue.longitude))
    appointment.add("description", f"{label}: {code}\n\n{event.description_in(lang)}")

    reminder = Alarm()
    reminder.add("action", "DISPLAY")
    reminder.add("description", f"{title} ({code})")
    reminder.add("trigger", -REMINDER_BEFORE)
    appointment.add_component(reminder)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(appointment)
    return calendar.to_ical()
