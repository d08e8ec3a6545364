"""The one SQLite connection of the program: its schema, its migrations, and transactions.

Every coroutine shares one aiosqlite connection, and SQLite has one transaction per connection:
a write made outside a transaction would join whatever another coroutine has open, and a
rollback would discard that coroutine's work too. So every change goes through `transaction()`
(an asyncio lock, then BEGIN IMMEDIATE ... COMMIT, or ROLLBACK if anything raised), reads take
the same lock, and nothing else ever commits or rolls back. A transaction may call code that
opens one again: inside the same task it simply continues the outer one, so "book, then close
the waiting entry" is written as two calls and still happens at once or not at all.

Rows name a user by channel and the channel's own id (`User`): a Telegram id and a WhatsApp
number never collide. A database of an older release is migrated on open, in one transaction
(version 1 added users by channel, version 2 the messages received and those not delivered).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

__all__ = ["SCHEMA_VERSION", "Database", "User"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
# The databases whose transaction the current task is inside (by id), for re-entry.
_INSIDE: ContextVar[frozenset[int]] = ContextVar("inside_transaction", default=frozenset())


@dataclass(frozen=True, order=True)
class User:
    """Someone talking to the bot: the channel ("telegram", "whatsapp", "terminal") and the id
    the channel gives them, as text (a WhatsApp id is a phone number)."""

    channel: str
    id: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.id}"


_TABLES = """
CREATE TABLE IF NOT EXISTS users (
    channel     TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    language    TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (channel, user_id)
);
CREATE TABLE IF NOT EXISTS feedback (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id    TEXT NOT NULL,
    helpful     INTEGER NOT NULL,
    language    TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS unanswered (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    text        TEXT NOT NULL,
    language    TEXT NOT NULL,
    decision    TEXT NOT NULL,
    candidates  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS bookings (
    code          TEXT PRIMARY KEY,
    event_id      TEXT NOT NULL,
    slot_key      TEXT NOT NULL,
    slot_start    TEXT NOT NULL,
    channel       TEXT NOT NULL,
    user_id       TEXT NOT NULL,
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
    ON bookings (event_id, channel, user_id) WHERE status = 'active';
CREATE INDEX IF NOT EXISTS bookings_by_slot ON bookings (event_id, slot_key, status);
CREATE INDEX IF NOT EXISTS bookings_by_user ON bookings (channel, user_id);
CREATE TABLE IF NOT EXISTS waitlist (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id         TEXT NOT NULL,
    channel          TEXT NOT NULL,
    user_id          TEXT NOT NULL,
    language         TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'waiting',
    offered_slot     TEXT,
    offer_expires_at TEXT,
    notified         INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS one_wait_per_event
    ON waitlist (event_id, channel, user_id) WHERE status IN ('waiting', 'offered');
CREATE TABLE IF NOT EXISTS flows (
    channel    TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    state      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, user_id)
);
CREATE TABLE IF NOT EXISTS inbound (
    channel     TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (channel, message_id)
);
CREATE INDEX IF NOT EXISTS inbound_by_user ON inbound (channel, user_id, received_at);
CREATE TABLE IF NOT EXISTS undelivered (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    channel     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    code        TEXT PRIMARY KEY,
    created_at  TEXT NOT NULL,
    pushed_at   TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0
);
"""

# Release 0.1 (schema version 0) named users by their bare Telegram id; the terminal chat used 0.
_OWNER = "CASE WHEN user_id = 0 THEN 'terminal' ELSE 'telegram' END, CAST(user_id AS TEXT)"
_FROM_VERSION_0 = f"""
ALTER TABLE users RENAME TO users_v0;
ALTER TABLE bookings RENAME TO bookings_v0;
ALTER TABLE waitlist RENAME TO waitlist_v0;
ALTER TABLE flows RENAME TO flows_v0;
DROP INDEX IF EXISTS one_active_booking_per_event;
DROP INDEX IF EXISTS bookings_by_slot;
DROP INDEX IF EXISTS one_wait_per_event;
{_TABLES}
INSERT INTO users SELECT {_OWNER}, language, created_at, updated_at FROM users_v0;
INSERT INTO bookings SELECT code, event_id, slot_key, slot_start, {_OWNER}, language, topic, name,
    phone, country, status, created_at, cancelled_at, checked_in_at, reminded_24h, reminded_2h
    FROM bookings_v0;
INSERT INTO waitlist SELECT id, event_id, {_OWNER}, language, status, offered_slot,
    offer_expires_at, notified, created_at FROM waitlist_v0;
INSERT INTO flows SELECT {_OWNER}, state, updated_at FROM flows_v0;
DROP TABLE users_v0;
DROP TABLE bookings_v0;
DROP TABLE waitlist_v0;
DROP TABLE flows_v0;
"""


class Database:
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        """Open (or create) the database file and bring its schema up to date."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: no implicit transactions; this class opens them explicitly.
        connection = await aiosqlite.connect(str(path), isolation_level=None)
        await connection.execute("PRAGMA journal_mode=WAL")
        await connection.execute("PRAGMA foreign_keys=ON")
        # Deleted personal data is overwritten with zeros, not left in free pages.
        await connection.execute("PRAGMA secure_delete=ON")
        database = cls(connection)
        try:
            await database._migrate()
        except BaseException:
            await connection.close()
            raise
        return database

    async def close(self) -> None:
        await self._db.close()

    async def _migrate(self) -> None:
        async with self.transaction():
            version = (await self.fetchone("PRAGMA user_version"))[0]
            tables = {row[0] for row in await self.fetchall("SELECT name FROM sqlite_master")}
            if version == 0 and "bookings" in tables:
                log.info("database: migrating release 0.1 rows to users by channel")
                await self._script(_FROM_VERSION_0)
            elif version > SCHEMA_VERSION:
                raise RuntimeError(
                    f"the database has schema {version}, newer than this release's "
                    f"{SCHEMA_VERSION}: run the newer release, or restore a backup"
                )
            else:
                await self._script(_TABLES)
            await self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    async def _script(self, script: str) -> None:
        """Run statements one by one (executescript would COMMIT the open transaction)."""
        for statement in script.split(";"):
            if statement.strip():
                await self._db.execute(statement)

    # ------------------------------------------------------------------ transactions

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """All statements inside happen together or not at all; re-entering continues it."""
        if id(self) in _INSIDE.get():
            yield
            return
        async with self._lock:
            token = _INSIDE.set(_INSIDE.get() | {id(self)})
            try:
                await self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    await self._db.execute("ROLLBACK")
                    raise
                await self._db.execute("COMMIT")
            finally:
                _INSIDE.reset(token)

    async def checkpoint(self) -> None:
        """Copy the write-ahead log into the file and empty it: after personal data is erased,
        its old versions must not stay readable in the log until SQLite checkpoints by itself."""
        async with self._lock:
            await self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> int:
        """One change, inside the current transaction or a transaction of its own; how many
        rows it touched."""
        async with self.transaction():
            cursor = await self._db.execute(sql, parameters)
            count = cursor.rowcount
            await cursor.close()
            return count

    async def fetchall(
        self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()
    ) -> list[Any]:
        """Rows as committed (or as the current transaction sees them): never another task's
        half-done change."""
        if id(self) in _INSIDE.get():
            return await self._rows(sql, parameters)
        async with self._lock:
            return await self._rows(sql, parameters)

    async def fetchone(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> Any:
        rows = await self.fetchall(sql, parameters)
        return rows[0] if rows else None

    async def _rows(self, sql: str, parameters: Sequence[Any] | dict[str, Any]) -> list[Any]:
        async with self._db.execute(sql, parameters) as cursor:
            return list(await cursor.fetchall())
