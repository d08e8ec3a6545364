"""The Telegram adapter: one factory that knows every handler, registered in one ordered list.

`python -m bot run` and the tests call `build_application`; the services and the conversation
are opened in post_init and closed in post_shutdown, so a test's Application and the production
one start exactly the same way.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.conversation import Conversation
from bot.dates import TIME_ZONE
from bot.i18n import LANGUAGES, Texts
from bot.services import Services
from handlers.telegram import updates
from handlers.telegram.per_user_updates import PerUserUpdates
from handlers.telegram.render import LIMITS
from handlers.telegram.retrying_request import RetryingRequest
from handlers.telegram.tolerant_bot import TolerantBot

__all__ = ["COMMANDS", "build_application", "run", "webhook_options"]

log = logging.getLogger(__name__)

# The command menu (admin commands work without being listed).
COMMANDS = ("start", "menu", "language", "book", "mybookings", "contact", "help", "forget")

_PRIVATE = filters.ChatType.PRIVATE
# Everything a user can send that is not text: answered with what the bot can read.
_MEDIA = (
    filters.PHOTO
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.Sticker.ALL
    | filters.Document.ALL
    | filters.LOCATION
    | filters.VENUE
    | filters.POLL
    | filters.Dice.ALL
)
_DELIVERY = "notification_delivery"
_OWNED = "owns_conversation"


def build_application(
    settings: Settings, clock: Clock = system_clock, conversation: Conversation | None = None
) -> Application:
    """The Telegram application; `clock` is the program's one source of now (tests move it).
    Given a `conversation` (several channels in one process), it serves that one and leaves
    opening and closing it to the caller; else it opens its own at start-up."""
    urls = {}
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url.rstrip("/").removesuffix("/bot")
        urls = {"base_url": f"{base}/bot", "base_file_url": f"{base}/file/bot"}
    bot = TolerantBot(
        settings.telegram_token,
        **urls,
        # The library's default pool sizes; passing server errors are retried.
        request=RetryingRequest(connection_pool_size=256),
        get_updates_request=HTTPXRequest(connection_pool_size=1),
        defaults=Defaults(tzinfo=TIME_ZONE),
        rate_limiter=AIORateLimiter(overall_max_rate=30, group_max_rate=20, max_retries=4),
    )
    application = (
        ApplicationBuilder()
        .bot(bot)
        .concurrent_updates(PerUserUpdates())
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data["settings"] = settings
    application.bot_data["clock"] = clock
    if conversation is not None:
        application.bot_data["conversation"] = conversation
        application.bot_data["services"] = conversation.services
    _register(application)
    return application


def _register(app: Application) -> None:
    """Every handler, in the order they are tried. Edited messages and channel posts match none
    of them: they are ignored on purpose."""
    message = _PRIVATE & filters.UpdateType.MESSAGE
    # 1. A private chat: commands, typed text, a shared contact, anything else.
    app.add_handler(MessageHandler(message & filters.COMMAND, updates.on_command))
    app.add_handler(MessageHandler(message & filters.TEXT, updates.on_text))
    app.add_handler(MessageHandler(message & filters.CONTACT, updates.on_contact))
    app.add_handler(MessageHandler(message & _MEDIA, updates.on_other))
    # 2. Buttons.
    app.add_handler(CallbackQueryHandler(updates.on_button))
    # 3. In groups only commands get a reply (an invitation to a private chat).
    app.add_handler(
        MessageHandler(filters.ChatType.GROUPS & filters.COMMAND, updates.on_group_command)
    )
    app.add_error_handler(updates.on_error)


async def _post_init(app: Application) -> None:
    settings: Settings = app.bot_data["settings"]
    conversation: Conversation | None = app.bot_data.get("conversation")
    if conversation is None:
        conversation = Conversation(await Services.open(settings, app.bot_data["clock"]))
        app.bot_data["services"] = conversation.services
        app.bot_data["conversation"] = conversation
        app.bot_data[_OWNED] = True
        conversation.start()
    services = conversation.services
    conversation.use_channel(updates.CHANNEL, LIMITS)
    await _register_commands(app, services.texts)
    app.bot_data[_DELIVERY] = asyncio.create_task(
        updates.deliver_notifications(app, settings.reminder_check_seconds),
        name="telegram-notifications",
    )
    log.info(
        "ready: @%s answers with %d entries",
        app.bot.username,
        len(services.assistant.knowledge.entries),
    )


async def _register_commands(app: Application, texts: Texts) -> None:
    """The command menu in each language, plus a default (Arabic) for other app languages."""
    for lang in (*LANGUAGES, None):
        text_lang = lang or "ar"
        commands = [BotCommand(name, texts.get(f"cmd.{name}", text_lang)) for name in COMMANDS]
        await app.bot.set_my_commands(commands, language_code=lang)


async def _post_shutdown(app: Application) -> None:
    delivery: asyncio.Task[None] | None = app.bot_data.pop(_DELIVERY, None)
    if delivery is not None:
        delivery.cancel()
        with suppress(asyncio.CancelledError):
            await delivery
    if not app.bot_data.pop(_OWNED, False):
        return  # the caller opened the conversation and closes it
    conversation: Conversation | None = app.bot_data.pop("conversation", None)
    if conversation is not None:
        await conversation.stop()
    services = app.bot_data.pop("services", None)
    if isinstance(services, Services):
        await services.close()


def webhook_options(settings: Settings) -> dict[str, object]:
    """Where the Telegram webhook listens and what Telegram is told: the same for python-
    telegram-bot's own runner and for handlers.serve."""
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": settings.webhook_path,
        "webhook_url": f"{settings.webhook_url.rstrip('/')}/{settings.webhook_path}",
        "secret_token": settings.webhook_secret or None,
        "allowed_updates": Update.ALL_TYPES,
    }


def run(settings: Settings, clock: Clock = system_clock, webhook: bool = False) -> None:
    """Start the bot: long polling, or a webhook behind the settings' public URL."""
    application = build_application(settings, clock)
    if not webhook:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
        return
    application.run_webhook(**webhook_options(settings))
