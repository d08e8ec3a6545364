"""What can go wrong when booking, as exceptions the booking flow turns into words.

BookingError
├── SlotFullError        the slot has no place left (offer another one)
├── AlreadyBookedError   the user already has an active booking for this event
├── BookingClosedError   the event does not take bookings now
├── UnknownBookingError  no such booking (or not this user's)
└── WaitlistNotNeededError  a place is free, or the user already holds one (a stale button)
"""

from __future__ import annotations

from bot.booking_store import BookingRow
from bot.errors import BotError

__all__ = [
    "AlreadyBookedError",
    "BookingClosedError",
    "BookingError",
    "SlotFullError",
    "UnknownBookingError",
    "WaitlistNotNeededError",
]


class BookingError(BotError):
    pass


class SlotFullError(BookingError):
    pass


class AlreadyBookedError(BookingError):
    def __init__(self, booking: BookingRow) -> None:
        super().__init__(booking.code)
        self.booking = booking


class BookingClosedError(BookingError):
    pass


class UnknownBookingError(BookingError):
    pass


class WaitlistNotNeededError(BookingError):
    pass
