"""Live reload on Telegram: the knowledge folder is watched, and admins can force a reload.

The checking and swapping is bot.reload's; this module watches files (watchfiles), runs the check
off the event loop (building the index takes a moment), and tells every admin the outcome.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

from telegram import Update
from telegram.ext import Application
from watchfiles import Change, awatch

from bot.database import User
from bot.reload import ReloadOutcome, describe, reload_folder
from bot.services import Services
from handlers.admin import Admin, admins_only
from handlers.context import CHANNEL, Context, say

__all__ = ["on_reload", "reload_now", "start_watching", "stop_watching"]

log = logging.getLogger(__name__)

_LOCK = "reload_lock"
_TASK = "reload_watch_task"
_STOP = "reload_watch_stop"


async def reload_now(app: Application) -> ReloadOutcome:
    """Check the whole folder; swap it in if valid; tell the admins either way."""
    services: Services = app.bot_data["services"]
    lock: asyncio.Lock = app.bot_data.setdefault(_LOCK, asyncio.Lock())
    async with lock:
        settings = services.settings
        outcome = await asyncio.to_thread(
            reload_folder,
            settings.knowledge_dir,
            services.assistant.knowledge,
            settings.match,
            services.texts,
            services.clock(),
        )
        if outcome.accepted:
            services.swap(outcome)
            log.info(
                "knowledge reloaded: %d added, %d changed, %d removed",
                len(outcome.added),
                len(outcome.changed),
                len(outcome.removed),
            )
        else:
            log.warning("knowledge change refused: %d errors", len(outcome.errors))
        await _tell_admins(app, services, outcome)
    return outcome


async def _tell_admins(app: Application, services: Services, outcome: ReloadOutcome) -> None:
    for admin_id in sorted(services.settings.admin_ids):
        lang = await services.language_of(User(CHANNEL, str(admin_id)), None)
        try:
            await say(app.bot, admin_id, describe(outcome, services.texts, lang), lang)
        except Exception:
            log.warning("an admin could not be told about the reload")


async def on_reload(update: Update, context: Context) -> None:
    """/reload: check and load the knowledge now (the outcome goes to every admin)."""

    @admins_only
    async def reload_for(_: Update, __: Admin) -> None:
        await reload_now(context.application)

    await reload_for(update, context)


def start_watching(app: Application) -> None:
    stop = asyncio.Event()
    app.bot_data[_STOP] = stop
    app.bot_data[_TASK] = asyncio.create_task(_watch(app, stop), name="knowledge-watch")


async def stop_watching(app: Application) -> None:
    stop: asyncio.Event | None = app.bot_data.pop(_STOP, None)
    task: asyncio.Task[None] | None = app.bot_data.pop(_TASK, None)
    if stop is not None:
        stop.set()
    if task is not None:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task


async def _watch(app: Application, stop: asyncio.Event) -> None:
    services: Services = app.bot_data["services"]
    folder = services.settings.knowledge_dir
    try:
        async for changes in awatch(
            folder,
            stop_event=stop,
            debounce=services.settings.watch_debounce_ms,
            step=50,
            watch_filter=_yaml_files,
        ):
            log.info("knowledge folder changed (%d files)", len(changes))
            try:
                await reload_now(app)
            except Exception:
                log.exception("reload failed")
    except FileNotFoundError:
        log.warning("the knowledge folder cannot be watched: it does not exist")


def _yaml_files(change: Change, path: str) -> bool:
    return path.endswith((".yml", ".yaml"))
