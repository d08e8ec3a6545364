"""Bookings, waitlist and booking-flow progress in SQLite, with capacity enforced by the database.

A place is taken by one INSERT ... SELECT whose WHERE counts the slot's active bookings and held
offers: SQLite runs a statement atomically, so two citizens can never both take the last place,
however many requests arrive at once. One active booking per user per event is a unique index.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiosqlite

__all__ = ["SCHEMA", "BookingRow", "BookingStore", "WaitlistRow"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS bookings (
    code          TEXT PRIMARY KEY,
    event_id      TEXT NOT NULL,
    slot_key      TEXT NOT NULL,
    slot_start    TEXT NOT NULL,
    user_id       INTEGER NOT NULL,
    language      TEXT NOT NULL,
    topic         TEXT NOT NULL,
    name          TEXT NOT NULL,
    phone         TEXT NOT NULL,
    country       TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'active',
    created_at    TEXT NOT NULL,
    cancelled_at  TEXT,
    checked_in_at TEXT,
    reminded_24h  INTEGER NOT NULL DEFAULT 0,
    reminded_2h   INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS one_active_booking_per_event
    ON bookings (event_id, user_id) WHERE status = 'active';
CREATE INDEX IF NOT EXISTS bookings_by_slot ON bookings (event_id, slot_key, status);
CREATE TABLE IF NOT EXISTS waitlist (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id         TEXT NOT NULL,
    user_id          INTEGER NOT NULL,
    language         TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'waiting',
    offered_slot     TEXT,
    offer_expires_at TEXT,
    notified         INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS one_wait_per_event
    ON waitlist (event_id, user_id) WHERE status IN ('waiting', 'offered');
CREATE TABLE IF NOT EXISTS flows (
    user_id    INTEGER PRIMARY KEY,
    state      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""

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
    user_id: int
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
    user_id: int
    language: str
    status: str
    offered_slot: str | None
    offer_expires_at: datetime | None


_BOOKING_COLUMNS = (
    "code, event_id, slot_key, slot_start, user_id, language, topic, name, phone, country, "
    "status, created_at, cancelled_at, checked_in_at, reminded_24h, reminded_2h"
)


def _booking(row: Any) -> BookingRow:
    return BookingRow(
        code=row[0],
        event_id=row[1],
        slot_key=row[2],
        slot_start=datetime.fromisoformat(row[3]),
        user_id=row[4],
        language=row[5],
        topic=row[6],
        name=row[7],
        phone=row[8],
        country=row[9],
        status=row[10],
        created_at=datetime.fromisoformat(row[11]),
        cancelled_at=parse(row[12]),
        checked_in_at=parse(row[13]),
        reminded_24h=bool(row[14]),
        reminded_2h=bool(row[15]),
    )


def _waiting(row: Any) -> WaitlistRow:
    return WaitlistRow(row[0], row[1], row[2], row[3], row[4], row[5], parse(row[6]))


class BookingStore:
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection

    # ------------------------------------------------------------------ bookings

    async def taken(self, event_id: str, now: datetime) -> dict[str, int]:
        """Per slot key: places taken by active bookings and by offers still held."""
        counts: dict[str, int] = {}
        async with self._db.execute(
            "SELECT slot_key, COUNT(*) FROM bookings WHERE event_id = ? AND status = 'active' "
            "GROUP BY slot_key",
            (event_id,),
        ) as cursor:
            for slot, count in await cursor.fetchall():
                counts[slot] = count
        async with self._db.execute(
            "SELECT offered_slot, COUNT(*) FROM waitlist WHERE event_id = ? AND status = "
            "'offered' AND offer_expires_at > ? GROUP BY offered_slot",
            (event_id, iso(now)),
        ) as cursor:
            for slot, count in await cursor.fetchall():
                counts[slot] = counts.get(slot, 0) + count
        return counts

    async def insert_if_free(
        self, booking: BookingRow, capacity: int, now: datetime, holder: int | None = None
    ) -> bool:
        """Take a place in one atomic statement; False when the slot is full.

        `holder` is a waitlist id whose held offer this booking uses: that hold is not counted.
        Raises sqlite3.IntegrityError when the user already has an active booking for the event
        (or, rarely, the code exists).
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
            "user": booking.user_id,
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
        cursor = await self._db.execute(
            "INSERT INTO bookings (code, event_id, slot_key, slot_start, user_id, language, "
            "topic, name, phone, country, created_at) SELECT :code, :event, :slot, :start, "
            f":user, :lang, :topic, :name, :phone, :country, :created WHERE {held} < :capacity",
            values,
        )
        await self._db.commit()
        return cursor.rowcount == 1

    async def move_if_free(
        self, code: str, slot_key: str, slot_start: datetime, capacity: int, now: datetime
    ) -> bool:
        """Move an active booking to another slot of its event in one atomic statement."""
        cursor = await self._db.execute(
            "UPDATE bookings SET slot_key = :slot, slot_start = :start, reminded_24h = 0, "
            f"reminded_2h = 0 WHERE code = :code AND status = 'active' AND {_HELD} < :capacity",
            {
                "slot": slot_key,
                "start": iso(slot_start),
                "code": code,
                "event": await self._event_of(code),
                "now": iso(now),
                "capacity": capacity,
            },
        )
        await self._db.commit()
        return cursor.rowcount == 1

    async def _event_of(self, code: str) -> str:
        async with self._db.execute("SELECT event_id FROM bookings WHERE code = ?", (code,)) as c:
            row = await c.fetchone()
        return row[0] if row else ""

    async def get(self, code: str) -> BookingRow | None:
        async with self._db.execute(
            f"SELECT {_BOOKING_COLUMNS} FROM bookings WHERE code = ?", (code,)
        ) as cursor:
            row = await cursor.fetchone()
        return _booking(row) if row else None

    async def of_user(self, user_id: int) -> list[BookingRow]:
        async with self._db.execute(
            f"SELECT {_BOOKING_COLUMNS} FROM bookings WHERE user_id = ? ORDER BY slot_start",
            (user_id,),
        ) as cursor:
            return [_booking(row) for row in await cursor.fetchall()]

    async def of_event(self, event_id: str) -> list[BookingRow]:
        async with self._db.execute(
            f"SELECT {_BOOKING_COLUMNS} FROM bookings WHERE event_id = ? "
            "ORDER BY slot_start, created_at",
            (event_id,),
        ) as cursor:
            return [_booking(row) for row in await cursor.fetchall()]

    async def cancel(self, code: str, now: datetime) -> bool:
        cursor = await self._db.execute(
            "UPDATE bookings SET status = 'cancelled', cancelled_at = ? "
            "WHERE code = ? AND status = 'active'",
            (iso(now), code),
        )
        await self._db.commit()
        return cursor.rowcount == 1

    async def check_in(self, code: str, now: datetime) -> bool:
        cursor = await self._db.execute(
            "UPDATE bookings SET checked_in_at = ? "
            "WHERE code = ? AND status = 'active' AND checked_in_at IS NULL",
            (iso(now), code),
        )
        await self._db.commit()
        return cursor.rowcount == 1

    async def upcoming_active(self, now: datetime) -> list[BookingRow]:
        async with self._db.execute(
            f"SELECT {_BOOKING_COLUMNS} FROM bookings WHERE status = 'active' AND slot_start > ? "
            "ORDER BY slot_start",
            (iso(now),),
        ) as cursor:
            return [_booking(row) for row in await cursor.fetchall()]

    async def mark_reminded(self, code: str, kind: str) -> None:
        column = {"24h": "reminded_24h", "2h": "reminded_2h"}[kind]
        await self._db.execute(f"UPDATE bookings SET {column} = 1 WHERE code = ?", (code,))
        await self._db.commit()

    async def delete_user(self, user_id: int) -> None:
        await self._db.execute("DELETE FROM bookings WHERE user_id = ?", (user_id,))
        await self._db.execute("DELETE FROM waitlist WHERE user_id = ?", (user_id,))
        await self._db.execute("DELETE FROM flows WHERE user_id = ?", (user_id,))
        await self._db.commit()

    # ------------------------------------------------------------------ waitlist

    async def join_waitlist(self, event_id: str, user_id: int, lang: str, now: datetime) -> int:
        """Add the user (once) and return their position among those waiting."""
        try:
            await self._db.execute(
                "INSERT INTO waitlist (event_id, user_id, language, created_at) "
                "VALUES (?, ?, ?, ?)",
                (event_id, user_id, lang, iso(now)),
            )
            await self._db.commit()
        except sqlite3.IntegrityError:
            await self._db.rollback()
        async with self._db.execute(
            "SELECT COUNT(*) FROM waitlist w WHERE w.event_id = ? AND w.status = 'waiting' AND "
            "w.id <= (SELECT id FROM waitlist WHERE event_id = ? AND user_id = ? AND status IN "
            "('waiting', 'offered'))",
            (event_id, event_id, user_id),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def next_waiting(self, event_id: str) -> WaitlistRow | None:
        async with self._db.execute(
            "SELECT id, event_id, user_id, language, status, offered_slot, offer_expires_at "
            "FROM waitlist WHERE event_id = ? AND status = 'waiting' ORDER BY id LIMIT 1",
            (event_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return _waiting(row) if row else None

    async def waiting(self, event_id: str) -> list[WaitlistRow]:
        """Everyone still waiting on a list, first come first."""
        async with self._db.execute(
            "SELECT id, event_id, user_id, language, status, offered_slot, offer_expires_at "
            "FROM waitlist WHERE event_id = ? AND status = 'waiting' ORDER BY id",
            (event_id,),
        ) as cursor:
            return [_waiting(row) for row in await cursor.fetchall()]

    async def offer(self, waiting_id: int, slot_key: str, expires: datetime) -> None:
        await self._db.execute(
            "UPDATE waitlist SET status = 'offered', offered_slot = ?, offer_expires_at = ?, "
            "notified = 0 WHERE id = ?",
            (slot_key, iso(expires), waiting_id),
        )
        await self._db.commit()

    async def offer_of(self, event_id: str, user_id: int) -> WaitlistRow | None:
        async with self._db.execute(
            "SELECT id, event_id, user_id, language, status, offered_slot, offer_expires_at "
            "FROM waitlist WHERE event_id = ? AND user_id = ? AND status = 'offered'",
            (event_id, user_id),
        ) as cursor:
            row = await cursor.fetchone()
        return _waiting(row) if row else None

    async def expired_offers(self, now: datetime) -> list[WaitlistRow]:
        async with self._db.execute(
            "SELECT id, event_id, user_id, language, status, offered_slot, offer_expires_at "
            "FROM waitlist WHERE status = 'offered' AND offer_expires_at <= ?",
            (iso(now),),
        ) as cursor:
            return [_waiting(row) for row in await cursor.fetchall()]

    async def unnotified_offers(self, now: datetime) -> list[WaitlistRow]:
        async with self._db.execute(
            "SELECT id, event_id, user_id, language, status, offered_slot, offer_expires_at "
            "FROM waitlist WHERE status = 'offered' AND notified = 0 AND offer_expires_at > ?",
            (iso(now),),
        ) as cursor:
            return [_waiting(row) for row in await cursor.fetchall()]

    async def mark_notified(self, waiting_id: int) -> None:
        await self._db.execute("UPDATE waitlist SET notified = 1 WHERE id = ?", (waiting_id,))
        await self._db.commit()

    async def close_wait(self, waiting_id: int, status: str) -> None:
        await self._db.execute("UPDATE waitlist SET status = ? WHERE id = ?", (status, waiting_id))
        await self._db.commit()

    # ------------------------------------------------------------------ flow progress

    async def flow(self, user_id: int) -> dict[str, Any] | None:
        async with self._db.execute("SELECT state FROM flows WHERE user_id = ?", (user_id,)) as c:
            row = await c.fetchone()
        return json.loads(row[0]) if row else None

    async def save_flow(self, user_id: int, state: dict[str, Any], now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO flows (user_id, state, updated_at) VALUES (?, ?, ?) ON CONFLICT(user_id) "
            "DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
            (user_id, json.dumps(state, ensure_ascii=False), iso(now)),
        )
        await self._db.commit()

    async def clear_flow(self, user_id: int) -> None:
        await self._db.execute("DELETE FROM flows WHERE user_id = ?", (user_id,))
        await self._db.commit()
