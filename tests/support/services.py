"""The core's services opened on a copy of the shipped knowledge with the test's own events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from bot.config import load_settings
from bot.services import Services
from tests.support.clock import FrozenClock
from tests.support.events import knowledge_with_events

__all__ = ["opened_services"]


@asynccontextmanager
async def opened_services(
    folder: Path, clock: FrozenClock, events_text: str, lang: str = "fr"
) -> AsyncIterator[Services]:
    """Services in French by default, with their database in `folder`, closed afterwards."""
    settings = replace(
        load_settings({}),
        knowledge_dir=knowledge_with_events(folder, events_text),
        database_path=folder / "bot.sqlite3",
        default_language=lang,
        watch_knowledge=False,
        inbound_burst=0,  # many steps at one frozen instant; the limit has its own tests
    )
    services = await Services.open(settings, clock)
    try:
        yield services
    finally:
        await services.close()
