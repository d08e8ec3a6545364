"""Every channel whose settings are present, in one process and one event loop: one database,
one knowledge base (a reload reaches every channel), one conversation.

Telegram alone keeps python-telegram-bot's own runner (bot.cli); with WhatsApp, this module
drives both: the Telegram application polls (or takes its webhook) and the WhatsApp webhook
server listens, until SIGINT or SIGTERM.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from contextlib import suppress

from telegram import Update
from telegram.ext import Application

from bot.clock import Clock
from bot.config import Settings
from bot.conversation import Conversation
from bot.services import Services
from handlers.telegram import build_application, webhook_options
from handlers.whatsapp import WhatsAppChannel

__all__ = ["serve"]

log = logging.getLogger(__name__)


async def serve(
    settings: Settings, clock: Clock, *, telegram: bool, webhook: bool = False
) -> None:
    """Run the channels until the process is asked to stop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):
            loop.add_signal_handler(number, stop.set)
    services = await Services.open(settings, clock)
    conversation = Conversation(services)
    whatsapp = WhatsAppChannel(settings.whatsapp, conversation, settings.reminder_check_seconds)
    application = build_application(settings, clock, conversation) if telegram else None
    conversation.start()
    try:
        await whatsapp.start()
        if application is not None:
            await _start_telegram(application, settings, webhook)
        await stop.wait()
    finally:
        if application is not None:
            await _stop_telegram(application)
        await whatsapp.stop()
        await conversation.stop()
        await services.close()


async def _start_telegram(application: Application, settings: Settings, webhook: bool) -> None:
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.start()
    updater = application.updater
    assert updater is not None
    if webhook:
        await updater.start_webhook(**webhook_options(settings))
    else:
        await updater.start_polling(allowed_updates=Update.ALL_TYPES)


async def _stop_telegram(application: Application) -> None:
    updater = application.updater
    if updater is not None and updater.running:
        await updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()
    if application.post_shutdown:
        await application.post_shutdown(application)
