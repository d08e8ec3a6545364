"""Bookings, waitlist and booking-flow progress in SQLite, with capacity enforced by the database.

A place is taken by one INSERT ... SELECT whose WHERE counts the slot's active bookings and held
offers: SQLite runs a statement atomically, so two citizens can never both take the last place,
however many requests arrive at once. One active booking per user per event is a unique index.
Changes of several statements are made by the caller inside `Database.transaction()`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.database import Database, User

__all__ = ["BookingRow", "BookingStore", "WaitlistRow"]

_HELD = (
    "(SELECT COUNT(*) FROM bookings WHERE event_id = :event AND slot_key = :slot "
    "AND status = 'active') + (SELECT COUNT(*) FROM waitlist WHERE event_id = :event "
    "AND offered_slot = :slot AND status = 'offered' AND offer_expires_at > :now)"
)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


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


@dataclass(frozen=True)
class WaitlistRow:
    id: int
    event_id: str
    user: User
    language: str
    status: str
    offered_slot: str | None
    offer_expires_at: datetime | None


_BOOKING_COLUMNS = (
    "code, event_id, slot_key, slot_start, channel, user_id, language, topic, name, phone, "
    "country, status, created_at, cancelled_at, checked_in_at, reminded_24h, reminded_2h"
)
_WAITLIST_COLUMNS = (
    "id, event_id, channel, user_id, language, status, offered_slot, offer_expires_at"
)


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


def _waiting(row: Any) -> WaitlistRow:
    return WaitlistRow(
        row[0], row[1], User(row[2], str(row[3])), row[4], row[5], row[6], parse(row[7])
    )


class BookingStore:
    def __init__(self, database: Database) -> None:
        self.db = database

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

    async def delete_user(self, user: User) -> None:
        async with self.db.transaction():
            for table in ("bookings", "waitlist", "flows"):
                await self.db.execute(
                    f"DELETE FROM {table} WHERE channel = ? AND user_id = ?",
                    (user.channel, user.id),
                )

    # ------------------------------------------------------------------ waitlist

    async def join_waitlist(self, event_id: str, user: User, lang: str, now: datetime) -> int:
        """Add the user (once: joining again changes nothing) and return their position among
        those waiting."""
        async with self.db.transaction():
            await self.db.execute(
                "INSERT INTO waitlist (event_id, channel, user_id, language, created_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (event_id, user.channel, user.id, lang, iso(now)),
            )
            row = await self.db.fetchone(
                "SELECT COUNT(*) FROM waitlist w WHERE w.event_id = ? AND w.status = 'waiting' "
                "AND w.id <= (SELECT id FROM waitlist WHERE event_id = ? AND channel = ? AND "
                "user_id = ? AND status IN ('waiting', 'offered'))",
                (event_id, event_id, user.channel, user.id),
            )
        return int(row[0]) if row else 0

    async def waiting(self, event_id: str) -> list[WaitlistRow]:
        """Everyone still waiting on a list, first come first."""
        rows = await self.db.fetchall(
            f"SELECT {_WAITLIST_COLUMNS} FROM waitlist WHERE event_id = ? AND status = 'waiting' "
            "ORDER BY id",
            (event_id,),
        )
        return [_waiting(row) for row in rows]

    async def next_waiting(self, event_id: str) -> WaitlistRow | None:
        waiting = await self.waiting(event_id)
        return waiting[0] if waiting else None

    async def offer(self, waiting_id: int, slot_key: str, expires: datetime) -> None:
        await self.db.execute(
            "UPDATE waitlist SET status = 'offered', offered_slot = ?, offer_expires_at = ?, "
            "notified = 0 WHERE id = ?",
            (slot_key, iso(expires), waiting_id),
        )

    async def offer_of(self, event_id: str, user: User) -> WaitlistRow | None:
        row = await self.db.fetchone(
            f"SELECT {_WAITLIST_COLUMNS} FROM waitlist WHERE event_id = ? AND channel = ? AND "
            "user_id = ? AND status = 'offered'",
            (event_id, user.channel, user.id),
        )
        return _waiting(row) if row else None

    async def expired_offers(self, now: datetime) -> list[WaitlistRow]:
        rows = await self.db.fetchall(
            f"SELECT {_WAITLIST_COLUMNS} FROM waitlist WHERE status = 'offered' AND "
            "offer_expires_at <= ?",
            (iso(now),),
        )
        return [_waiting(row) for row in rows]

    async def unnotified_offers(self, now: datetime) -> list[WaitlistRow]:
        rows = await self.db.fetchall(
            f"SELECT {_WAITLIST_COLUMNS} FROM waitlist WHERE status = 'offered' AND "
            "notified = 0 AND offer_expires_at > ?",
            (iso(now),),
        )
        return [_waiting(row) for row in rows]

    async def mark_notified(self, waiting_id: int) -> None:
        await self.db.execute("UPDATE waitlist SET notified = 1 WHERE id = ?", (waiting_id,))

    async def close_wait(self, waiting_id: int, status: str) -> None:
        await self.db.execute("UPDATE waitlist SET status = ? WHERE id = ?", (status, waiting_id))

    # ------------------------------------------------------------------ flow progress

    async def flow(self, user: User) -> tuple[dict[str, Any], datetime] | None:
        """The saved progress of the user's booking flow and when it last moved."""
        row = await self.db.fetchone(
            "SELECT state, updated_at FROM flows WHERE channel = ? AND user_id = ?",
            (user.channel, user.id),
        )
        return (json.loads(row[0]), datetime.fromisoformat(row[1])) if row else None

    async def save_flow(self, user: User, state: dict[str, Any], now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO flows (channel, user_id, state, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(channel, user_id) DO UPDATE SET state = excluded.state, "
            "updated_at = excluded.updated_at",
            (user.channel, user.id, json.dumps(state, ensure_ascii=False), iso(now)),
        )

    async def purge_flows(self, idle_since: datetime) -> int:
        """Delete the flows that have not moved since `idle_since`; how many."""
        return await self.db.execute("DELETE FROM flows WHERE updated_at <= ?", (iso(idle_since),))

    async def clear_flow(self, user: User) -> None:
        await self.db.execute(
            "DELETE FROM flows WHERE channel = ? AND user_id = ?", (user.channel, user.id)
        )
