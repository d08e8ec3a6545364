"""The conversation, whatever the channel: what the bot answers to each thing a user does.

An adapter (Telegram, the terminal, WhatsApp) turns what arrives into one of five calls for a
user named by channel and id, and draws the replies within its platform's limits:

    on_command  /start, /menu, /book... (typed words too, where a channel has no command menu)
    on_text     a typed message: the booking flow's answer, or a question for the FAQ
    on_choice   a pressed button or a picked list row (the option's target)
    on_contact  a shared phone number (the booking flow's phone step)
    on_other    a photo, a voice note, a sticker: a note that the bot reads text

Every decision lives here (language, flow-or-FAQ routing, what is recorded for staff review,
feedback, forgetting, admin commands, paging long lists), so the same inputs give the same
replies on every channel. Messages nobody asked for just now come from `notifier`.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace

from bot.admin_desk import ADMIN_COMMANDS, PAGE_PREFIX, AdminDesk
from bot.assistant import Answer
from bot.booking_flow import PREFIX as BOOKING_PREFIX
from bot.booking_flow import FlowInput
from bot.booking_state import TYPED
from bot.choices import FEEDBACK_PREFIX, MENU, MORE_PREFIX, ChannelLimits, Pager
from bot.database import User
from bot.i18n import LANGUAGES
from bot.inbound_limit import Admission, DailyQuota, InboundLimit
from bot.knowledge_watch import KnowledgeWatch
from bot.language import Language, clear_language
from bot.matching import Decision
from bot.normalize import normalize
from bot.notifications import Notifier
from bot.phones import shared_contact_phone
from bot.replies import CATEGORY_PREFIX, CONTACT_ID, NONE_OF_THESE, Option, Reply
from bot.services import Services
from bot.typed_input import reads_as_question, typed_command

__all__ = ["Conversation"]

log = logging.getLogger(__name__)

LANGUAGE_PREFIX = "lang:"
FORGET_PREFIX = "forget:"
ENTRY_PREFIX = "e:"
# Answers remembered per user so that a 👎 can be reviewed with its question (memory only).
_REMEMBERED_QUESTIONS = 5000


class Conversation:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.notifier = Notifier(services.booking, services.flow, services.texts, services.storage)
        self.admin = AdminDesk(services, self.notifier)
        self.limits: dict[str, ChannelLimits] = {}
        self._pager = Pager()
        self._last_question: OrderedDict[User, str] = OrderedDict()
        self._watch: KnowledgeWatch | None = None
        settings = services.settings
        self._stored_questions = DailyQuota(clock=services.clock)
        self._inbound = InboundLimit(
            settings.inbound_burst, settings.inbound_refill_seconds, services.clock
        )

    # ------------------------------------------------------------------ lifecycle

    def use_channel(self, channel: str, limits: ChannelLimits) -> None:
        """An adapter declares what its messages can carry; its notifications are collected."""
        self.limits[channel] = limits
        self.notifier.serve(channel)

    def start(self) -> None:
        """Start watching the knowledge folder, if the settings ask for it."""
        settings = self.services.settings
        if settings.watch_knowledge and self._watch is None:
            self._watch = KnowledgeWatch(
                settings.knowledge_dir, settings.watch_debounce_ms, self.admin.reload
            )
            self._watch.start()

    async def stop(self) -> None:
        if self._watch is not None:
            await self._watch.stop()
            self._watch = None

    async def language_of(self, user: User, platform_language: str | None = None) -> str:
        return await self.services.language_of(user, platform_language)

    # ------------------------------------------------------------------ what users do

    async def on_command(
        self,
        user: User,
        name: str,
        args: Sequence[str] = (),
        platform_language: str | None = None,
    ) -> list[Reply]:
        if (over := await self._over_limit(user, platform_language)) is not None:
            return over
        return await self._command(user, name, args, platform_language)

    async def _command(
        self, user: User, name: str, args: Sequence[str], platform_language: str | None
    ) -> list[Reply]:
        lang = await self.language_of(user, platform_language)
        flow, texts = self.services.flow, self.services.texts
        if (name == "start" and list(args) == ["book"]) or name == "book":
            replies = await flow.start(user, lang)
        elif name == "start":
            welcome = replace(self._menu(lang), text=texts.get("start.welcome", lang))
            replies = [welcome, self._language_choice()]
        elif name == "menu":
            replies = [self._menu(lang)]
        elif name == "language":
            replies = [self._language_choice()]
        elif name == "contact":
            assistant = self.services.assistant
            replies = [assistant.entry_reply(CONTACT_ID, lang) or assistant.replies.unknown(lang)]
        elif name == "forget":
            options = (
                Option(texts.get("forget.yes", lang), f"{FORGET_PREFIX}yes"),
                Option(texts.get("forget.no", lang), f"{FORGET_PREFIX}no"),
            )
            replies = [Reply(texts.get("forget.confirm", lang), lang, options=options)]
        elif name == "mybookings":
            replies = await flow.my_bookings(user, lang)
        elif name == "cancel":
            replies = await flow.cancel(user, lang)
        elif name in ADMIN_COMMANDS:
            replies = await self.admin.command(user, name, args, lang)
        else:
            replies = [self._say("help.text", lang)]
        return self._fit(user, replies)

    async def on_text(
        self, user: User, text: str, platform_language: str | None = None
    ) -> list[Reply]:
        """The booking flow's answer if one is in progress and this is not a question; else
        the FAQ (and, during a booking, one line on how to go on or stop)."""
        if (over := await self._over_limit(user, platform_language)) is not None:
            return over
        command = typed_command(text)
        if command is not None:
            name, args = command
            return await self._command(user, name, args, platform_language)
        if await self._newcomer(user, text):
            lang = await self.language_of(user, platform_language)
            return [self._say("start.welcome", lang), self._language_choice()]
        flow = self.services.flow
        chosen = await self.services.chosen_language(user)
        answer = self.services.assistant.ask(text, chosen)
        state = await flow.current(user)
        if state is not None:
            if not reads_as_question(text, answer.result.decision, state.step in TYPED):
                lang = await self.language_of(user, platform_language)
                return self._fit(user, await flow.handle(user, lang, FlowInput("text", text)))
            if answer.reply.action == "book":
                return self._fit(user, await flow.repeat(user, state))
            resume = self._say("book.resume", state.lang)
            return self._fit(user, [*await self._answer(user, text, answer), resume])
        return self._fit(user, await self._answer(user, text, answer))

    async def _newcomer(self, user: User, text: str) -> bool:
        """On a channel without a start command, the first message of someone new gets a
        welcome and the choice of language, unless its own language is plain."""
        limits = self.limits.get(user.channel, ChannelLimits())
        if limits.start_command or not await self.services.storage.first_contact(user):
            return False
        return clear_language(text) not in (Language.ARABIC, Language.FRENCH, Language.ENGLISH)

    async def _answer(self, user: User, text: str, answer: Answer) -> list[Reply]:
        """The FAQ's reply; what it could not answer is kept (without identity) for staff."""
        result, reply = answer.result, answer.reply
        log.info("%s %s score=%.2f", result.decision, result.entry_id or "-", result.score)
        if result.decision is Decision.ANSWER and reply.action == "book":
            return await self.services.flow.start(user, reply.lang)
        if result.decision is Decision.ANSWER:
            self._remember(user, normalize(text))
            return [self._with_schedule(replace(reply, feedback=True))]
        if not self._stored_questions.take(user):
            return [reply]
        await self.services.storage.record_unanswered(
            normalize(text),
            reply.lang,
            str(result.decision),
            [candidate.entry_id for candidate in result.candidates[:3]],
        )
        return [reply]

    async def on_choice(
        self, user: User, target: str, platform_language: str | None = None
    ) -> list[Reply]:
        if (over := await self._over_limit(user, platform_language)) is not None:
            return over
        lang = await self.language_of(user, platform_language)
        value = target.partition(":")[2]
        if target.startswith(BOOKING_PREFIX):
            replies = await self.services.flow.handle(user, lang, FlowInput("pick", target))
        elif target.startswith(LANGUAGE_PREFIX):
            replies = await self._language_chosen(user, value)
        elif target.startswith(FORGET_PREFIX):
            replies = await self._forget(user, value == "yes", lang)
        elif target.startswith(FEEDBACK_PREFIX):
            replies = await self._feedback(user, value, lang)
        elif target.startswith(PAGE_PREFIX):
            replies = await self.admin.page(user, value, lang)
        elif target.startswith(MORE_PREFIX):
            return self._more(user, value, lang)
        else:
            replies = await self._topic(user, target, lang)
        return self._fit(user, replies)

    async def on_contact(
        self, user: User, phone: str, own: bool = True, platform_language: str | None = None
    ) -> list[Reply]:
        """A shared phone number: the flow's phone step (someone else's card is asked again),
        or, outside a booking, like any other attachment."""
        if (over := await self._over_limit(user, platform_language)) is not None:
            return over
        flow = self.services.flow
        if not await flow.in_progress(user):
            return [
                self._say("media.unsupported", await self.language_of(user, platform_language))
            ]
        lang = await self.language_of(user, platform_language)
        shared = shared_contact_phone(phone) if own else None
        given = FlowInput("phone", shared or phone) if own else FlowInput("text", "")
        return self._fit(user, await flow.handle(user, lang, given))

    async def on_other(self, user: User, platform_language: str | None = None) -> list[Reply]:
        """A photo, a voice note, a sticker, a location: say what the bot reads."""
        if (over := await self._over_limit(user, platform_language)) is not None:
            return over
        lang = await self.language_of(user, platform_language)
        return [self._say("media.unsupported", lang)]

    async def sent(self, replies: Sequence[Reply]) -> None:
        """A channel sent these replies: a booking confirmation among them is no longer owed."""
        for reply in replies:
            if reply.confirms is not None:
                await self.services.booking.confirmation_sent(reply.confirms)

    async def _over_limit(self, user: User, platform_language: str | None) -> list[Reply] | None:
        """None when the message may be worked on; else what to answer (once "slow down", then
        nothing). Admins are not limited (an export or a check-in queue must not stall), nor is a
        channel with one local person (the terminal)."""
        if not self.limits.get(user.channel, ChannelLimits()).shared:
            return None
        admission = self._inbound.admit(user)
        if admission is Admission.ADMIT or self.admin.is_admin(user):
            return None
        if admission is Admission.DROP:
            return []
        log.info("a user is over the message limit")
        return [self._say("chat.slow_down", await self.language_of(user, platform_language))]

    async def in_group(self, user: User, platform_language: str | None = None) -> list[Reply]:
        """A command in a group chat: invite to a private conversation."""
        lang = await self.language_of(user, platform_language)
        return [self._say("group.private_only", lang)]

    async def after_error(self, user: User, platform_language: str | None = None) -> list[Reply]:
        """What a user reads when handling their message failed (the error is logged)."""
        lang = await self.language_of(user, platform_language)
        return [self._say("error.generic", lang)]

    # ------------------------------------------------------------------ choices

    async def _topic(self, user: User, target: str, lang: str) -> list[Reply]:
        """The menu, a topic of it, "none of these", or an answer picked from a list."""
        replies, assistant = self.services.assistant.replies, self.services.assistant
        if target == MENU:
            return [replies.menu(lang)]
        if target.startswith(CATEGORY_PREFIX):
            shown = replies.category(target.removeprefix(CATEGORY_PREFIX), lang)
        elif target == NONE_OF_THESE:
            shown = replies.none_of_these(lang)
        else:
            entry = assistant.knowledge.get(target.removeprefix(ENTRY_PREFIX))
            if entry is not None and entry.action == "book":
                return await self.services.flow.start(user, lang)
            shown = assistant.entry_reply(entry.id, lang) if entry is not None else None
            if shown is not None:
                shown = replace(shown, feedback=True)
        if shown is None:
            return [self._say("button.stale", lang), replies.menu(lang)]
        return [self._with_schedule(replace(shown, menu_button=True))]

    def _with_schedule(self, reply: Reply) -> Reply:
        """The answer about the communication day carries the next one's date and place, read
        from the events file when asked, so the answer never goes stale."""
        if reply.action != "schedule":
            return reply
        schedule = self.services.flow.say.schedule(reply.lang)
        return replace(reply, text=f"{reply.text}\n\n{schedule}")

    async def _language_chosen(self, user: User, lang: str) -> list[Reply]:
        if lang not in LANGUAGES:
            return []
        await self.services.storage.set_language(user, lang)
        done = replace(self._say("chat.language_set", lang), toast=True)
        return [done, self._menu(lang)]

    async def _forget(self, user: User, confirmed: bool, lang: str) -> list[Reply]:
        if confirmed:
            await self.services.booking.forget(user, self.services.storage.forget_user)
            self._last_question.pop(user, None)
            log.info("a user's data was deleted on request")
        key = "forget.done" if confirmed else "forget.cancelled"
        return [replace(self._say(key, lang), replaces_choice=True)]

    async def _feedback(self, user: User, value: str, lang: str) -> list[Reply]:
        helpful, _, entry_id = value.partition(":")
        storage = self.services.storage
        if self.services.assistant.knowledge.get(entry_id) is not None:
            await storage.record_feedback(entry_id, helpful == "1", lang)
            question = self._last_question.get(user)
            if helpful != "1" and question and self._stored_questions.take(user):
                await storage.record_unanswered(question, lang, "disliked", [entry_id])
        return [replace(self._say("feedback.thanks", lang), toast=True)]

    def _more(self, user: User, value: str, lang: str) -> list[Reply]:
        limits = self.limits.get(user.channel, ChannelLimits())
        more = self.services.texts.get("choices.more", lang)
        page = self._pager.page(user, int(value) if value.isdigit() else -1, limits, more)
        if page is None:
            return [self._say("button.stale", lang), self._menu(lang)]
        return [Reply(self.services.texts.get("choices.next_page", lang), lang, options=page)]

    # ------------------------------------------------------------------ helpers

    def _fit(self, user: User, replies: list[Reply]) -> list[Reply]:
        limits = self.limits.get(user.channel, ChannelLimits())
        return [
            self._pager.fit(
                user, reply, limits, self.services.texts.get("choices.more", reply.lang)
            )
            for reply in replies
        ]

    def _menu(self, lang: str) -> Reply:
        return self.services.assistant.replies.menu(lang)

    def _language_choice(self) -> Reply:
        texts = self.services.texts
        options = tuple(
            Option(texts.get("language.name", lang), f"{LANGUAGE_PREFIX}{lang}")
            for lang in LANGUAGES
        )
        # Written in all three languages at once; drawn left to right.
        return Reply(texts.get("start.choose_language", "ar"), "fr", options=options)

    def _say(self, key: str, lang: str) -> Reply:
        return Reply(self.services.texts.get(key, lang), lang)

    def _remember(self, user: User, question: str) -> None:
        self._last_question[user] = question
        self._last_question.move_to_end(user)
        while len(self._last_question) > _REMEMBERED_QUESTIONS:
            self._last_question.popitem(last=False)
