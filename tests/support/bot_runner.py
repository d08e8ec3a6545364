"""Start the real Application against the fake Bot API server, the way `python -m bot run` does.

`run_polling` would own the event loop, so the tests drive the same steps by hand: initialize,
post_init (services and command menus), start, poll; and the reverse on the way out.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from telegram.ext import Application

from bot.clock import Clock
from bot.config import Settings, load_settings
from handlers.telegram import build_application

TOKEN = "123456789:TEST-token-for-the-fake-bot-api-server"
ROOT = Path(__file__).resolve().parents[2]


def make_settings(base_url: str, database: Path, **overrides: object) -> Settings:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": base_url,
            "DATABASE_PATH": str(database),
            "KNOWLEDGE_DIR": str(ROOT / "knowledge"),
            "ADMIN_IDS": "900",
            # Scripts play many steps at one frozen instant; the limit's tests turn it on.
            "INBOUND_BURST": "0",
        }
    )
    return replace(settings, **overrides)  # type: ignore[arg-type]


@asynccontextmanager
async def running_bot(settings: Settings, clock: Clock) -> AsyncIterator[Application]:
    """The bot, polling the fake server, reading "now" only from the test's `clock`."""
    app = build_application(settings, clock)
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1, drop_pending_updates=False)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
