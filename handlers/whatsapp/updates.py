"""WhatsApp updates in, the conversation's replies out: parsing and drawing only.

Each message names its sender as a core user (channel "whatsapp" and the WhatsApp number),
is noted so that a second delivery of the same message is answered once, is marked as read,
and goes to the one matching entry point of bot.conversation. Status callbacks (sent,
delivered, read, failed) never reach the conversation; a failure is logged with its code
only.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from contextlib import suppress

from pywa_async import WhatsApp
from pywa_async.errors import WhatsAppError
from pywa_async.types import CallbackButton, CallbackSelection, Message, MessageStatus
from pywa_async.types.message_status import MessageStatusType

from bot.conversation import Conversation
from bot.database import User
from bot.errors import without_message
from bot.replies import Reply
from handlers.whatsapp.render import OWN_NUMBER, Renderer

__all__ = ["CHANNEL", "Updates"]

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"


class Updates:
    """The callbacks pywa calls for each kind of update."""

    def __init__(self, conversation: Conversation, renderer: Renderer) -> None:
        self.conversation = conversation
        self.renderer = renderer
        # Messages sent as a template outside the 24-hour window, whose full version (with its
        # buttons) follows when the person writes again (memory only: an offer is held briefly).
        self.after_template: dict[User, tuple[Reply, ...]] = {}

    async def on_message(self, _: WhatsApp, message: Message) -> None:
        user = await self._arrived(message.from_user.wa_id or message.from_user.bsuid, message)
        if user is not None:
            await self._safely(user, self._message(user, message))

    async def on_choice(self, _: WhatsApp, choice: CallbackButton | CallbackSelection) -> None:
        """A reply button pressed or a list row picked: its id is the option's target."""
        user = await self._arrived(choice.from_user.wa_id or choice.from_user.bsuid, choice)
        if user is not None:
            await self._safely(user, self._choice(user, choice))

    async def _safely(self, user: User, handling: Awaitable[list[Reply]]) -> None:
        """Answer; if handling fails, log it without the person and tell them; if WhatsApp
        refuses what is sent, the Sender has logged it and nothing more can be sent."""
        try:
            replies = await handling
        except Exception as error:
            log.error("a whatsapp message could not be handled: %s", without_message(error))
            replies = await self.conversation.after_error(user)
        with suppress(WhatsAppError):
            await self._send(user, replies)

    async def _message(self, user: User, message: Message) -> list[Reply]:
        conversation = self.conversation
        if message.text is not None:
            replies = await conversation.on_text(user, message.text)
        elif message.contacts:
            shared = message.contacts[0]
            phones = [phone.phone for phone in shared.phones if phone.phone]
            own = any(phone.wa_id == user.id for phone in shared.phones)
            replies = await conversation.on_contact(user, phones[0] if phones else "", own)
        else:  # an image, a voice note, a sticker, a location, a reaction...
            replies = await conversation.on_other(user)
        return replies

    async def _choice(self, user: User, choice: CallbackButton | CallbackSelection) -> list[Reply]:
        if choice.data == OWN_NUMBER:
            return await self.conversation.on_contact(user, f"+{user.id}", own=True)
        return await self.conversation.on_choice(user, str(choice.data))

    async def on_status(self, _: WhatsApp, status: MessageStatus) -> None:
        if status.status == MessageStatusType.FAILED:
            code = status.error.code if status.error is not None else None
            log.warning("whatsapp could not deliver a message: code %s", code)

    async def _arrived(
        self, sender: str, update: Message | CallbackButton | CallbackSelection
    ) -> User | None:
        """The sender, once per message id; the message is marked as read."""
        user = User(CHANNEL, str(sender))
        storage = self.conversation.services.storage
        if not await storage.new_message(user, update.id):
            log.info("a message delivered twice was answered once")
            return None
        try:
            await self.renderer.sender.call("a read mark", update.mark_as_read)
        except Exception:
            log.warning("a message could not be marked as read")
        return user

    async def _send(self, user: User, replies: list[Reply]) -> None:
        sending = [*replies, *self.after_template.pop(user, ())]
        for reply in sending:
            await self.renderer.send(user.id, reply)
        await self.conversation.sent(sending)
