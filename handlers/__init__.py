"""The Telegram adapter: one factory that knows every handler, registered in one ordered list.

`python -m bot run` and the tests call `build_application`; the services (knowledge, matcher,
storage) are opened in post_init and closed in post_shutdown, so a test's Application and the
production one start exactly the same way.
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)

from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.i18n import LANGUAGES, Texts
from bot.services import Services
from handlers import admin, booking, common, faq, reload

__all__ = ["COMMANDS", "build_application"]

log = logging.getLogger(__name__)

COMMANDS = ("start", "menu", "language", "book", "mybookings", "contact", "help", "forget")
TIME_ZONE = ZoneInfo("Africa/Casablanca")

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
    | filters.CONTACT
    | filters.POLL
    | filters.Dice.ALL
)


def build_application(settings: Settings, clock: Clock = system_clock) -> Application:
    """The Telegram application; `clock` is the program's one source of now (tests move it)."""
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .defaults(Defaults(tzinfo=TIME_ZONE))
        .rate_limiter(AIORateLimiter(overall_max_rate=30, group_max_rate=20, max_retries=2))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url.rstrip("/").removesuffix("/bot")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    application = builder.build()
    application.bot_data["settings"] = settings
    application.bot_data["clock"] = clock
    _register(application)
    return application


def _register(app: Application) -> None:
    """Every handler, in the order they are tried."""
    private_command = _PRIVATE & filters.UpdateType.MESSAGE
    # 1. Commands of a private chat.
    app.add_handler(
        CommandHandler(
            "start", booking.on_book, filters=private_command & filters.Regex(r"\sbook$")
        )
    )
    app.add_handler(CommandHandler("start", common.on_start, filters=private_command))
    app.add_handler(CommandHandler("menu", faq.on_menu, filters=private_command))
    app.add_handler(CommandHandler("language", common.on_language, filters=private_command))
    app.add_handler(CommandHandler("help", common.on_help, filters=private_command))
    app.add_handler(CommandHandler("contact", common.on_contact, filters=private_command))
    app.add_handler(CommandHandler("forget", common.on_forget, filters=private_command))
    app.add_handler(CommandHandler("book", booking.on_book, filters=private_command))
    app.add_handler(CommandHandler("mybookings", booking.on_my_bookings, filters=private_command))
    app.add_handler(CommandHandler("cancel", booking.on_cancel, filters=private_command))
    # Admin commands (they check ADMIN_IDS themselves and answer others in one line).
    app.add_handler(CommandHandler("bookings", admin.on_bookings, filters=private_command))
    app.add_handler(CommandHandler("export", admin.on_export, filters=private_command))
    app.add_handler(CommandHandler("checkin", admin.on_checkin, filters=private_command))
    app.add_handler(CommandHandler("stats", admin.on_stats, filters=private_command))
    app.add_handler(CommandHandler("reload", reload.on_reload, filters=private_command))
    app.add_handler(CommandHandler("unanswered", admin.on_unanswered, filters=private_command))
    # 2. Buttons: language, forget confirmation, then everything of the FAQ.
    app.add_handler(CallbackQueryHandler(common.on_language_chosen, pattern=r"^lang:"))
    app.add_handler(CallbackQueryHandler(common.on_forget_answer, pattern=r"^forget:"))
    app.add_handler(CallbackQueryHandler(booking.on_booking_button, pattern=r"^bk:"))
    app.add_handler(CallbackQueryHandler(admin.on_bookings_page, pattern=r"^adm:"))
    app.add_handler(CallbackQueryHandler(faq.on_button))
    # 3. Free text of a private chat: the question-answering engine.
    app.add_handler(
        MessageHandler(
            _PRIVATE & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, faq.on_text
        )
    )
    # 4. A shared phone number belongs to the booking flow; an unknown command gets the help;
    #    media get a word on what the bot reads.
    app.add_handler(MessageHandler(_PRIVATE & filters.CONTACT, common.on_contact_shared))
    app.add_handler(MessageHandler(private_command & filters.COMMAND, common.on_help))
    app.add_handler(
        MessageHandler(_PRIVATE & filters.UpdateType.MESSAGE & _MEDIA, common.on_unsupported)
    )
    # 5. In groups only commands get a reply (an invitation to a private chat); other group
    #    messages, edited messages and channel posts are ignored on purpose.
    app.add_handler(
        MessageHandler(filters.ChatType.GROUPS & filters.COMMAND, common.on_group_command)
    )
    app.add_error_handler(common.on_error)


async def _post_init(app: Application) -> None:
    settings: Settings = app.bot_data["settings"]
    services = await Services.open(settings, app.bot_data["clock"])
    app.bot_data["services"] = services
    await _register_commands(app, services.texts)
    if app.job_queue is not None:
        interval = settings.reminder_check_seconds
        app.job_queue.run_repeating(booking.sweep, interval=interval, first=interval, name="sweep")
    if settings.watch_knowledge:
        reload.start_watching(app)
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
    await reload.stop_watching(app)
    services = app.bot_data.pop("services", None)
    if isinstance(services, Services):
        await services.close()


def run(settings: Settings, clock: Clock = system_clock, webhook: bool = False) -> None:
    """Start the bot: long polling, or a webhook behind the settings' public URL."""
    application = build_application(settings, clock)
    if not webhook:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
        return
    application.run_webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=settings.webhook_path,
        webhook_url=f"{settings.webhook_url.rstrip('/')}/{settings.webhook_path}",
        secret_token=settings.webhook_secret or None,
        allowed_updates=Update.ALL_TYPES,
    )
