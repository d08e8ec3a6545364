"""Bookings, waitlist and booking-flow progress in SQLite, with capacity enforced by the database.

A place is taken by one INSERT ... SELECT whose WHERE counts the slot's active bookings and held
offers: SQLite runs a statement atomically, so two citizens can never both take the last place,
however many requests arrive at once. One active booking per user per event is a unique index.
Changes of several statements are made by the caller inside `Database.transaction()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.database import User
from bot.waitlist_store import WaitlistRow, WaitlistStore, iso, parse

__all__ = ["BookingRow", "BookingStore", "WaitlistRow", "iso", "parse"]

_HELD = (
    "(SELECT COUNT(*) FROM bookings WHERE event_id = :event AND slot_key = :slot "
    "AND status = 'active') + (SELECT COUNT(*) FROM waitlist WHERE event_id = :event "
    "AND offered_slot = :slot AND status = 'offered' AND offer_expires_at > :now)"
)


@dataclass(frozen=True)
class BookingRow:
    code: str
    event_id: str
    slot_key: str
    slot_start: datetime
    user: User
    language: str
    topic: str
    name: str
    phone: str
    country: str
    status: str
    created_at: datetime
    cancelled_at: datetime | None
    checked_in_at: datetime | None
    reminded_24h: bool
    reminded_2h: bool

    @property
    def active(self) -> bool:
        return self.status == "active"


_BOOKING_COLUMNS = (
    "code, event_id, slot_key, slot_start, channel, user_id, language, topic, name, phone, "
    "country, status, created_at, cancelled_at, checked_in_at, reminded_24h, reminded_2h"
)

_PREFIXED = ", ".join(f"bookings.{column.strip()}" for column in _BOOKING_COLUMNS.split(","))


def _booking(row: Any) -> BookingRow:
    return BookingRow(
        code=row[0],
        event_id=row[1],
        slot_key=row[2],
        slot_start=datetime.fromisoformat(row[3]),
        user=User(row[4], str(row[5])),
        language=row[6],
        topic=row[7],
        name=row[8],
        phone=row[9],
        country=row[10],
        status=row[11],
        created_at=datetime.fromisoformat(row[12]),
        cancelled_at=parse(row[13]),
        checked_in_at=parse(row[14]),
        reminded_24h=bool(row[15]),
        reminded_2h=bool(row[16]),
    )


class BookingStore(WaitlistStore):
    """Bookings here; the waiting lists and the flows' progress in bot.waitlist_store."""

    # ------------------------------------------------------------------ bookings

    async def taken(self, event_id: str, now: datetime) -> dict[str, int]:
        """Per slot key: places taken by active bookings and by offers still held."""
        counts: dict[str, int] = {}
        async with self.db.transaction():
            for slot, count in await self.db.fetchall(
                "SELECT slot_key, COUNT(*) FROM bookings WHERE event_id = ? AND status = 'active' "
                "GROUP BY slot_key",
                (event_id,),
            ):
                counts[slot] = count
            for slot, count in await self.db.fetchall(
                "SELECT offered_slot, COUNT(*) FROM waitlist WHERE event_id = ? AND status = "
                "'offered' AND offer_expires_at > ? GROUP BY offered_slot",
                (event_id, iso(now)),
            ):
                counts[slot] = counts.get(slot, 0) + count
        return counts

    async def insert_if_free(
        self, booking: BookingRow, capacity: int, now: datetime, holder: int | None = None
    ) -> bool:
        """Take a place in one atomic statement; False when nothing was inserted: the slot is
        full, the user already holds an active booking for the event, or the code exists.

        `holder` is a waitlist id whose held offer this booking uses: that hold is not counted.
        """
        held = (
            _HELD
            if holder is None
            else _HELD.replace(
                "status = 'offered' AND", "status = 'offered' AND id != :holder AND"
            )
        )
        values = {
            "code": booking.code,
            "event": booking.event_id,
            "slot": booking.slot_key,
            "start": iso(booking.slot_start),
            "channel": booking.user.channel,
            "user": booking.user.id,
            "lang": booking.language,
            "topic": booking.topic,
            "name": booking.name,
            "phone": booking.phone,
            "country": booking.country,
            "created": iso(booking.created_at),
            "now": iso(now),
            "capacity": capacity,
            "holder": holder,
        }
        inserted = await self.db.execute(
            "INSERT INTO bookings (code, event_id, slot_key, slot_start, channel, user_id, "
            "language, topic, name, phone, country, created_at) SELECT :code, :event, :slot, "
            ":start, :channel, :user, :lang, :topic, :name, :phone, :country, :created "
            f"WHERE {held} < :capacity ON CONFLICT DO NOTHING",
            values,
        )
        return inserted == 1

    async def move_if_free(
        self, code: str, slot_key: str, slot_start: datetime, capacity: int, now: datetime
    ) -> bool:
        """Move an active booking to another slot of its event in one atomic statement."""
        async with self.db.transaction():
            row = await self.db.fetchone("SELECT event_id FROM bookings WHERE code = ?", (code,))
            moved = await self.db.execute(
                "UPDATE bookings SET slot_key = :slot, slot_start = :start, reminded_24h = 0, "
                f"reminded_2h = 0 WHERE code = :code AND status = 'active' AND {_HELD} < "
                ":capacity",
                {
                    "slot": slot_key,
                    "start": iso(slot_start),
                    "code": code,
                    "event": row[0] if row else "",
                    "now": iso(now),
                    "capacity": capacity,
                },
            )
        return moved == 1

    async def get(self, code: str) -> BookingRow | None:
        row = await self.db.fetchone(
            f"SELECT {_BOOKING_COLUMNS} FROM bookings WHERE code = ?", (code,)
        )
        return _booking(row) if row else None

    async def of_user(self, user: User) -> list[BookingRow]:
        rows = await self.db.fetchall(
            f"SELECT {_BOOKING_COLUMNS} FROM bookings WHERE channel = ? AND user_id = ? "
            "ORDER BY slot_start",
            (user.channel, user.id),
        )
        return [_booking(row) for row in rows]

    async def of_event(self, event_id: str) -> list[BookingRow]:
        rows = await self.db.fetchall(
            f"SELECT {_BOOKING_COLUMNS} FROM bookings WHERE event_id = ? "
            "ORDER BY slot_start, created_at",
            (event_id,),
        )
        return [_booking(row) for row in rows]

    async def cancel(self, code: str, now: datetime) -> bool:
        cancelled = await self.db.execute(
            "UPDATE bookings SET status = 'cancelled', cancelled_at = ? "
            "WHERE code = ? AND status = 'active'",
            (iso(now), code),
        )
        return cancelled == 1

    async def check_in(self, code: str, now: datetime) -> bool:
        marked = await self.db.execute(
            "UPDATE bookings SET checked_in_at = ? "
            "WHERE code = ? AND status = 'active' AND checked_in_at IS NULL",
            (iso(now), code),
        )
        return marked == 1

    async def upcoming_active(self, now: datetime) -> list[BookingRow]:
        rows = await self.db.fetchall(
            f"SELECT {_BOOKING_COLUMNS} FROM bookings WHERE status = 'active' AND slot_start > ? "
            "ORDER BY slot_start",
            (iso(now),),
        )
        return [_booking(row) for row in rows]

    async def mark_reminded(self, code: str, kind: str) -> None:
        column = {"24h": "reminded_24h", "2h": "reminded_2h"}[kind]
        await self.db.execute(f"UPDATE bookings SET {column} = 1 WHERE code = ?", (code,))

    # ------------------------------------------------------------------ confirmations

    async def pend_confirmation(self, code: str, now: datetime) -> None:
        """A booking's confirmation is owed until a channel says it was sent (same transaction
        as the booking)."""
        await self.db.execute(
            "INSERT OR IGNORE INTO outbox (code, created_at) VALUES (?, ?)", (code, iso(now))
        )

    async def confirmation_sent(self, code: str) -> None:
        await self.db.execute("DELETE FROM outbox WHERE code = ?", (code,))

    async def owed_confirmations(
        self, created_before: datetime, pushed_before: datetime, attempts: int
    ) -> list[BookingRow]:
        """Active bookings whose confirmation was not sent: written before `created_before`,
        not pushed since `pushed_before`, fewer than `attempts` pushes."""
        rows = await self.db.fetchall(
            f"SELECT {_PREFIXED} FROM bookings JOIN outbox ON outbox.code = bookings.code "
            "WHERE bookings.status = 'active' AND outbox.created_at <= ? "
            "AND (pushed_at IS NULL OR pushed_at <= ?) AND attempts < ? "
            "ORDER BY outbox.created_at",
            (iso(created_before), iso(pushed_before), attempts),
        )
        return [_booking(row) for row in rows]

    async def mark_confirmation_pushed(self, code: str, now: datetime) -> None:
        await self.db.execute(
            "UPDATE outbox SET pushed_at = ?, attempts = attempts + 1 WHERE code = ?",
            (iso(now), code),
        )

    async def erase_personal_data(self, before: datetime) -> int:
        """Bookings of slots before `before` lose the name, the phone and the user's id (on
        WhatsApp, a phone number too); the slot, topic, country and status stay for the
        statistics. How many bookings were erased."""
        return await self.db.execute(
            "UPDATE bookings SET name = '', phone = '', user_id = 'erased:' || code "
            "WHERE slot_start < ? AND user_id NOT LIKE 'erased:%'",
            (iso(before),),
        )

    async def delete_user(self, user: User) -> None:
        async with self.db.transaction():
            await self.db.execute(
                "DELETE FROM outbox WHERE code IN (SELECT code FROM bookings "
                "WHERE channel = ? AND user_id = ?)",
                (user.channel, user.id),
            )
            for table in ("bookings", "waitlist", "flows"):
                await self.db.execute(
                    f"DELETE FROM {table} WHERE channel = ? AND user_id = ?",
                    (user.channel, user.id),
                )
