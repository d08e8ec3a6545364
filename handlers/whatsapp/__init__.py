"""The WhatsApp adapter: a webhook server for the Cloud API, and the delivery of notifications.

pywa (async) validates each webhook's signature and parses the updates; this module runs the
HTTP server (aiohttp) that WhatsApp calls: GET for the verification challenge, POST for
updates, answered 200 at once and handled after (WhatsApp retries what is slow to answer).
Notifications nobody asked for just now are sent only within 24 hours of the user's last
message (WhatsApp refuses free-form messages outside that window); outside it, a reminder or an
offer goes as an approved template if one is set, or is counted as not delivered for the admins.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from datetime import timedelta

import httpx
from aiohttp import web
from pywa_async import WhatsApp
from pywa_async.handlers import (
    CallbackButtonHandler,
    CallbackSelectionHandler,
    MessageHandler,
    MessageStatusHandler,
)
from pywa_async.types.templates import TemplateLanguage

from bot.config_whatsapp import Template, WhatsAppSettings
from bot.conversation import Conversation
from bot.errors import without_message
from bot.notifications import Notification
from handlers.whatsapp.render import LIMITS, Renderer
from handlers.whatsapp.sender import Sender
from handlers.whatsapp.updates import CHANNEL, Updates

__all__ = ["WhatsAppChannel"]

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=24)
_TEMPLATE_LANGUAGES = frozenset(language.value for language in TemplateLanguage)


class WhatsAppChannel:
    def __init__(
        self, settings: WhatsAppSettings, conversation: Conversation, check_seconds: float
    ) -> None:
        self.settings = settings
        self.conversation = conversation
        self.check_seconds = check_seconds
        self._session = httpx.AsyncClient(timeout=httpx.Timeout(20.0))
        self.wa = WhatsApp(
            phone_id=settings.phone_number_id,
            token=settings.token,
            session=self._session,
            verify_token=settings.verify_token,
            app_secret=settings.app_secret,
            validate_updates=True,
            skip_duplicate_updates=False,  # duplicates are known by message id, in the database
        )
        # pywa speaks to graph.facebook.com; WHATSAPP_API_BASE_URL may name another server.
        self._session.base_url = httpx.URL(settings.api_base_url)
        self.sender = Sender(settings.messages_per_second)
        self.renderer = Renderer(self.wa, self.sender, conversation.services.texts)
        self.updates = updates = Updates(conversation, self.renderer)
        self.wa.add_handlers(
            MessageHandler(updates.on_message),
            CallbackButtonHandler(updates.on_choice),
            CallbackSelectionHandler(updates.on_choice),
            MessageStatusHandler(updates.on_status),
        )
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[object]] = set()

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Serve the webhook and deliver notifications until stop()."""
        self.conversation.use_channel(CHANNEL, LIMITS)
        app = web.Application(client_max_size=2 * 1024 * 1024)
        path = f"/{self.settings.webhook_path}"
        app.router.add_get(path, self._verify)
        app.router.add_post(path, self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.webhook_listen, self.settings.webhook_port)
        await site.start()
        self._spawn(self._deliver_forever())
        log.info(
            "ready: WhatsApp number %s answers on :%d%s",
            self.settings.phone_number_id,
            self.settings.webhook_port,
            path,
        )

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with suppress(asyncio.CancelledError):
                await task
        if self._runner is not None:
            await self._runner.cleanup()
        await self._session.aclose()

    def _spawn(self, work: object) -> None:
        task = asyncio.ensure_future(work)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------------ the webhook

    async def _verify(self, request: web.Request) -> web.Response:
        """Meta's verification: echo the challenge only for the right mode and token."""
        query = request.query
        if query.get("hub.mode") != "subscribe":
            return web.Response(status=403, text="Forbidden")
        body, status = await self.wa.webhook_challenge_handler(
            vt=query.get("hub.verify_token"), ch=query.get("hub.challenge")
        )
        return web.Response(status=status, text=body or "")

    async def _receive(self, request: web.Request) -> web.Response:
        """A signed update: answered at once, handled after; anything unsigned is refused."""
        body = await request.read()
        refused = await self.wa.webhook_update_validator(
            body, request.headers.get("X-Hub-Signature-256")
        )
        if refused is not None:
            text, status = refused
            return web.Response(status=status, text=text)
        self._spawn(self._handle(body))
        return web.Response(text="ok")

    async def _handle(self, body: bytes) -> None:
        try:
            await self.wa.webhook_update_handler(body)
        except Exception as error:
            log.error("a whatsapp update could not be handled: %s", without_message(error))

    # ------------------------------------------------------------------ notifications

    async def _deliver_forever(self) -> None:
        async for note in self.conversation.notifier.due(CHANNEL, self.check_seconds):
            try:
                await self.deliver(note)
            except Exception:
                log.warning("a %s notification could not be sent", note.kind)

    async def deliver(self, note: Notification) -> None:
        """Free-form within the 24-hour window; else the approved template, if any."""
        storage = self.conversation.services.storage
        last = await storage.last_message_at(note.user)
        now = self.conversation.services.clock()
        if last is not None and now - last < WINDOW:
            for reply in note.replies:
                await self.renderer.send(note.user.id, reply)
            await self.conversation.sent(note.replies)
            return
        template = self._template(note.kind)
        code = template.language_for(note.lang) if template is not None else None
        language = TemplateLanguage(code) if code in _TEMPLATE_LANGUAGES else None
        if template is None or language is None:
            await storage.record_undelivered(CHANNEL, note.kind, "outside_window")
            log.info("a %s notification was not sent: outside the 24-hour window", note.kind)
            return
        parameters = [{"type": "text", "text": value} for value in note.params]
        component = {"type": "body", "parameters": parameters}
        await self.sender.call(
            "a template",
            lambda: self.wa.send_template(
                note.user.id, name=template.name, language=language, params=[component]
            ),
        )
        self.updates.after_template[note.user] = note.replies

    def _template(self, kind: str) -> Template | None:
        if kind == "reminder":
            return self.settings.template_reminder
        if kind == "offer":
            return self.settings.template_offer
        return None
