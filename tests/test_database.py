"""The database: transactions that cannot lose another task's write, and the migration of a
release 0.1 database file (users as bare Telegram ids) to users by channel."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.booking import BookingService
from bot.database import SCHEMA_VERSION, Database, User
from bot.storage import Storage

RELEASE_0_1 = Path(__file__).resolve().parent / "data" / "release-0.1.sqlite3"


def telegram(number: int) -> User:
    return User("telegram", str(number))


@pytest.fixture
async def storage(tmp_path, clock):
    store = await Storage.open(tmp_path / "bot.sqlite3", clock)
    yield store
    await store.close()


async def test_a_duplicate_join_cannot_discard_another_tasks_pending_write(storage, clock):
    """Release 0.1 rolled back the shared connection on a duplicate waiting-list join, which
    also threw away a write another coroutine had not committed yet."""
    service = BookingService(storage.bookings, [], clock=clock)
    service.next_edition_planned = True
    written, release = asyncio.Event(), asyncio.Event()

    async def pending_write() -> None:
        async with storage.transaction():
            await storage.set_language(telegram(1), "fr")
            written.set()
            await release.wait()  # the write is made but not committed yet

    async def duplicate_joins() -> list[int]:
        await written.wait()
        joins = [
            asyncio.create_task(service.join_waitlist("_next", telegram(2), "ar"))
            for _ in range(2)
        ]
        await asyncio.sleep(0.05)  # the joins are queued behind the open transaction
        release.set()
        return list(await asyncio.gather(*joins))

    _, positions = await asyncio.gather(pending_write(), duplicate_joins())
    assert positions == [1, 1]
    assert await storage.get_language(telegram(1)) == "fr"
    assert len(await storage.bookings.waiting("_next")) == 1


async def test_a_failed_change_leaves_nothing_half_done(storage):
    with pytest.raises(RuntimeError):
        async with storage.transaction():
            await storage.set_language(telegram(1), "fr")
            await storage.record_feedback("permit.fees", True, "fr")
            raise RuntimeError("the second half failed")
    assert await storage.get_language(telegram(1)) is None
    assert await storage.feedback_counts() == {}
    # The connection is usable afterwards, and a change on its own commits.
    await storage.set_language(telegram(1), "ar")
    assert await storage.get_language(telegram(1)) == "ar"


async def test_the_same_id_on_two_channels_is_two_people(storage):
    await storage.set_language(User("telegram", "212612345678"), "fr")
    await storage.set_language(User("whatsapp", "212612345678"), "ar")
    assert await storage.get_language(User("telegram", "212612345678")) == "fr"
    assert await storage.get_language(User("whatsapp", "212612345678")) == "ar"
    await storage.forget_user(User("whatsapp", "212612345678"))
    assert await storage.get_language(User("telegram", "212612345678")) == "fr"


# ----------------------------------------------------------------------------- migration


@pytest.fixture
def old_file(tmp_path) -> Path:
    """A copy of a database made by release 0.1 (see its rows in the assertions below)."""
    path = tmp_path / "bot.sqlite3"
    shutil.copyfile(RELEASE_0_1, path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM bookings").fetchone() == (2,)
    return path


async def test_a_release_0_1_database_is_migrated_without_losing_a_row(old_file, clock):
    storage = await Storage.open(old_file, clock)
    try:
        assert await storage.get_language(telegram(111111111)) == "fr"
        assert await storage.get_language(telegram(222222222)) == "ar"
        cancelled, kept = (
            await storage.bookings.of_user(telegram(111111111)),
            await storage.bookings.of_user(telegram(222222222)),
        )
        assert [(b.status, b.name) for b in cancelled] == [("cancelled", "Amina El Idrissi")]
        [booking] = kept
        assert booking.active and booking.name == "يوسف بنعلي" and booking.checked_in_at
        assert (await storage.bookings.get(booking.code)) == booking
        offer = await storage.bookings.offer_of("mre-day", telegram(333333333))
        assert offer is not None and offer.offered_slot == "203105020900"
        [waiting] = await storage.bookings.waiting("mre-day")
        assert waiting.user == telegram(444444444) and waiting.language == "en"
        saved = await storage.bookings.flow(telegram(555555555))
        assert saved is not None and saved[0]["step"] == "name"
        assert await storage.feedback_counts() == {"permit.documents": (1, 0)}
        [question] = await storage.unanswered()
        assert question.text == "prix du billet de bateau"
    finally:
        await storage.close()
    with sqlite3.connect(old_file) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        tables = {
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        assert not {name for name in tables if name.endswith("_v0")}


async def test_a_migrated_database_opens_again_unchanged(old_file, clock):
    for _ in range(2):
        storage = await Storage.open(old_file, clock)
        await storage.close()
    with sqlite3.connect(old_file) as db:
        assert db.execute("SELECT channel, user_id FROM users ORDER BY user_id").fetchall() == [
            ("telegram", "111111111"),
            ("telegram", "222222222"),
        ]


async def test_a_database_from_a_newer_release_is_refused(tmp_path):
    path = tmp_path / "bot.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(RuntimeError, match="newer than this release"):
        await Database.open(path)
