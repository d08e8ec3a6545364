"""The booking conversation, channel-neutral: one step per message, progress kept in SQLite.

Steps: event → day → slot → topic → consent → name → phone → country → summary → confirmed.
Consent (Moroccan law 09-08) comes before any personal data is asked: refusing it ends the flow
with nothing stored. Progress is saved after each step, so a restart of the bot loses nothing.
Telegram and the terminal chat both drive this class; buttons are Options with `bk:` targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.booking import (
    AlreadyBookedError,
    BookingClosedError,
    BookingService,
    SlotFullError,
    UnknownBookingError,
)
from bot.booking_store import BookingRow, BookingStore
from bot.calendar_file import booking_ics
from bot.database import User
from bot.dates import format_day, format_slot, format_time, local
from bot.events import NEXT_EDITION, Event
from bot.i18n import Texts
from bot.phones import parse_phone
from bot.replies import BOOK_TARGET, Option, Reply, ReplyBuilder

__all__ = ["BookingFlow", "FlowInput"]

PREFIX = "bk:"
_NAME = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+)*$")


@dataclass(frozen=True)
class FlowInput:
    kind: str  # "pick" (a button), "text", "phone" (a shared contact)
    value: str = ""


class BookingFlow:
    def __init__(
        self,
        service: BookingService,
        store: BookingStore,
        texts: Texts,
        replies: ReplyBuilder,
    ) -> None:
        self.service = service
        self.store = store
        self.texts = texts
        # The agency's contact card comes from the knowledge, which a reload replaces.
        self.replies = replies

    def t(self, key: str, lang: str, **values: object) -> str:
        return self.texts.get(key, lang, **values)

    # ------------------------------------------------------------------ entry points

    async def in_progress(self, user: User) -> bool:
        return await self.store.flow(user) is not None

    async def _state(self, user: User) -> dict[str, Any]:
        saved = await self.store.flow(user)
        return saved[0] if saved else {}

    async def start(self, user: User, lang: str) -> list[Reply]:
        """/book, the menu's button, or a question matched to the booking topic."""
        events = self.service.open_events()
        if not events:
            await self.store.clear_flow(user)
            return [self._none_open(lang)]
        if len(events) == 1:
            return await self._choose_day(user, {"lang": lang}, events[0])
        await self._save(user, {"lang": lang, "step": "event"})
        options = tuple(Option(e.title_in(lang), f"{PREFIX}ev:{e.id}") for e in events)
        return [Reply(self.t("book.choose_event", lang), lang, options=options)]

    async def cancel(self, user: User, lang: str) -> list[Reply]:
        """/cancel: leave the flow at any step; what was typed so far is forgotten."""
        if await self.store.flow(user) is None:
            return [Reply(self.t("book.nothing_in_progress", lang), lang)]
        await self.store.clear_flow(user)
        return [Reply(self.t("book.stopped", lang), lang, remove_keyboard=True)]

    async def handle(self, user: User, lang: str, given: FlowInput) -> list[Reply]:
        """A button or a message while the flow is in progress (or a bk: button after it)."""
        state = await self._state(user)
        lang = state.get("lang", lang)
        if given.kind == "pick":
            return await self._pick(user, lang, state, given.value.removeprefix(PREFIX))
        step = state.get("step")
        if step == "name":
            return await self._got_name(user, state, given.value)
        if step == "phone":
            return await self._got_phone(user, state, given.value)
        if step == "country":
            return await self._got_country(user, state, given.value)
        # A text while a button is expected: say so, and show the step again.
        return [Reply(self.t("book.use_buttons", lang), lang), *await self._repeat(user, state)]

    # ------------------------------------------------------------------ steps

    async def _pick(self, user: User, lang: str, state: dict[str, Any], value: str):
        kind, _, arg = value.partition(":")
        if kind == "start":
            return await self.start(user, lang)
        if kind == "ev":
            event = self.service.event(arg)
            if event is None or not event.is_open(self.service.clock()):
                return [self._none_open(lang)]
            return await self._choose_day(user, {"lang": lang}, event)
        if kind in ("mine", "cancel", "change", "wait", "next", "accept", "decline"):
            return await self._manage(user, lang, kind, arg)
        event = self.service.event(state.get("event", ""))
        if event is None:
            return [Reply(self.t("book.expired_button", lang), lang)]
        if kind == "day":
            return await self._choose_slot(user, state, event, arg)
        if kind == "slot":
            return await self._slot_chosen(user, state, event, arg)
        if kind == "topic" and arg in event.topics:
            state.update(topic=arg, step="consent")
            await self._save(user, state)
            return [self._consent(lang)]
        if kind == "consent":
            if arg != "yes":
                await self.store.clear_flow(user)
                return [Reply(self.t("book.consent_refused", lang), lang)]
            state.update(step="name", consent=True)
            await self._save(user, state)
            return [Reply(self.t("book.ask_name", lang), lang)]
        if kind == "confirm":
            if arg != "yes":
                await self.store.clear_flow(user)
                return [Reply(self.t("book.stopped", lang), lang)]
            return await self._confirm(user, state, event)
        return [Reply(self.t("book.expired_button", lang), lang)]

    async def _choose_day(self, user: User, state: dict[str, Any], event: Event):
        lang = state["lang"]
        mine = await self.service.active_booking(user, event.id)
        if mine is not None and not state.get("change"):
            await self.store.clear_flow(user)
            return [self._already(mine, lang)]
        places = await self.service.places_left(event)
        days: dict[str, int] = {}
        for slot in event.slots():
            if slot.key in places:
                day = slot.key[:8]
                days[day] = days.get(day, 0) + places[slot.key]
        state.update(event=event.id, step="day")
        await self._save(user, state)
        if not any(days.values()):
            options = (Option(self.t("waitlist.join", lang), f"{PREFIX}wait:{event.id}"),)
            return [
                Reply(
                    self.t("book.all_full", lang, title=event.title_in(lang)),
                    lang,
                    options=options,
                )
            ]
        first = {slot.key[:8]: slot.start for slot in event.slots()}
        options = tuple(
            Option(
                self.t("book.day_option", lang, day=format_day(first[day], lang), places=left),
                f"{PREFIX}day:{day}",
            )
            for day, left in days.items()
            if left > 0
        )
        text = self.t("book.choose_day", lang, title=event.title_in(lang))
        return [Reply(text, lang, options=options)]

    async def _choose_slot(self, user: User, state: dict[str, Any], event: Event, day: str):
        lang = state["lang"]
        places = await self.service.places_left(event)
        free = [s for s in event.slots() if s.key[:8] == day and places.get(s.key, 0) > 0]
        if not free:
            return await self._choose_day(user, state, event)
        state.update(day=day, step="slot")
        await self._save(user, state)
        options = tuple(
            Option(
                self.t(
                    "book.slot_option",
                    lang,
                    time=format_time(slot.start, lang),
                    places=places[slot.key],
                    capacity=event.capacity,
                ),
                f"{PREFIX}slot:{slot.key}",
            )
            for slot in free
        )
        text = self.t("book.choose_slot", lang, day=format_day(free[0].start, lang))
        return [Reply(text, lang, options=options)]

    async def _slot_chosen(self, user: User, state: dict[str, Any], event: Event, key: str):
        lang = state["lang"]
        slot = event.slot(key)
        if slot is None:
            return [Reply(self.t("book.expired_button", lang), lang)]
        if state.get("change"):
            try:
                booking = await self.service.change_slot(user, state["change"], key)
            except SlotFullError:
                return [
                    Reply(self.t("book.slot_taken", lang), lang),
                    *await self._choose_slot(user, state, event, key[:8]),
                ]
            except (UnknownBookingError, BookingClosedError):
                await self.store.clear_flow(user)
                return [Reply(self.t("book.expired_button", lang), lang)]
            await self.store.clear_flow(user)
            when = format_slot(booking.slot_start, lang)
            return [
                Reply(self.t("mine.changed", lang, code=booking.code, when=when), lang),
                self._confirmation_files(event, booking, lang),
            ]
        places = await self.service.places_left(event)
        if places.get(key, 0) <= 0:
            return [
                Reply(self.t("book.slot_taken", lang), lang),
                *await self._choose_slot(user, state, event, key[:8]),
            ]
        state.update(slot=key, step="topic")
        await self._save(user, state)
        options = tuple(
            Option(self.t(f"topic.{topic}", lang), f"{PREFIX}topic:{topic}")
            for topic in event.topics
        )
        return [Reply(self.t("book.choose_topic", lang), lang, options=options)]

    def _consent(self, lang: str) -> Reply:
        options = (
            Option(self.t("book.consent_yes", lang), f"{PREFIX}consent:yes"),
            Option(self.t("book.consent_no", lang), f"{PREFIX}consent:no"),
        )
        return Reply(self.t("book.consent", lang), lang, options=options)

    async def _got_name(self, user: User, state: dict[str, Any], text: str):
        lang = state["lang"]
        name = " ".join(text.split())
        if len(name) < 3 or len(name) > 80 or not _NAME.match(name):
            return [Reply(self.t("book.bad_name", lang), lang)]
        state.update(name=name, step="phone")
        await self._save(user, state)
        return [self._phone_question("book.ask_phone", lang)]

    def _phone_question(self, key: str, lang: str) -> Reply:
        """Ask for the phone, with the channel's "share my number" control."""
        return Reply(
            self.t(key, lang),
            lang,
            request_phone=True,
            phone_label=self.t("book.share_phone", lang),
        )

    async def _got_phone(self, user: User, state: dict[str, Any], text: str):
        lang = state["lang"]
        phone = parse_phone(text)
        if phone is None:
            return [self._phone_question("book.bad_phone", lang)]
        state.update(phone=phone, step="country")
        await self._save(user, state)
        return [Reply(self.t("book.ask_country", lang), lang, remove_keyboard=True)]

    async def _got_country(self, user: User, state: dict[str, Any], text: str):
        lang = state["lang"]
        country = " ".join(text.split())
        if len(country) < 2 or len(country) > 60 or any(ch.isdigit() for ch in country):
            return [Reply(self.t("book.bad_country", lang), lang)]
        state.update(country=country, step="summary")
        await self._save(user, state)
        return [self._summary(state)]

    def _summary(self, state: dict[str, Any]) -> Reply:
        lang = state["lang"]
        event = self.service.event(state["event"])
        assert event is not None
        slot = event.slot(state["slot"])
        assert slot is not None
        text = self.t(
            "book.summary",
            lang,
            title=event.title_in(lang),
            when=format_slot(slot.start, lang),
            topic=self.t(f"topic.{state['topic']}", lang),
            name=state["name"],
            phone=state["phone"],
            country=state["country"],
        )
        options = (
            Option(self.t("book.confirm", lang), f"{PREFIX}confirm:yes"),
            Option(self.t("book.abort", lang), f"{PREFIX}confirm:no"),
        )
        return Reply(text, lang, options=options)

    async def _confirm(self, user: User, state: dict[str, Any], event: Event):
        lang = state["lang"]
        if state.get("step") != "summary":
            return await self._repeat(user, state)
        try:
            booking = await self.service.book(
                event.id,
                state["slot"],
                user=user,
                lang=lang,
                topic=state["topic"],
                name=state["name"],
                phone=state["phone"],
                country=state["country"],
            )
        except SlotFullError:
            state.update(step="slot")
            await self._save(user, state)
            return [
                Reply(self.t("book.slot_taken", lang), lang),
                *await self._choose_slot(user, state, event, state["slot"][:8]),
            ]
        except AlreadyBookedError as exc:
            await self.store.clear_flow(user)
            return [self._already(exc.booking, lang)]
        except BookingClosedError:
            await self.store.clear_flow(user)
            return [self._none_open(lang)]
        await self.store.clear_flow(user)
        when = format_slot(booking.slot_start, lang)
        text = self.t(
            "book.confirmed",
            lang,
            code=booking.code,
            when=when,
            venue=event.venue.label_in(lang),
        )
        return [Reply(text, lang), self._confirmation_files(event, booking, lang)]

    def _confirmation_files(self, event: Event, booking: BookingRow, lang: str) -> Reply:
        slot = event.slot(booking.slot_key)
        assert slot is not None
        location = None
        if event.venue.latitude is not None and event.venue.longitude is not None:
            location = (event.venue.latitude, event.venue.longitude)
        return Reply(
            self.t("book.calendar_file", lang),
            lang,
            document=(
                f"{booking.code}.ics",
                booking_ics(event, slot, booking.code, lang, stamp=self.service.clock()),
            ),
            location=location,
        )

    async def _repeat(self, user: User, state: dict[str, Any]) -> list[Reply]:
        lang = state.get("lang", "ar")
        event = self.service.event(state.get("event", ""))
        step = state.get("step")
        if event is None or step in (None, "event"):
            return await self.start(user, lang)
        if step == "day":
            return await self._choose_day(user, state, event)
        if step == "slot":
            return await self._choose_slot(user, state, event, state.get("day", ""))
        if step == "topic":
            return await self._slot_chosen(user, state, event, state["slot"])
        if step == "consent":
            return [self._consent(lang)]
        if step == "summary":
            return [self._summary(state)]
        return [Reply(self.t(f"book.ask_{step}", lang), lang)]

    # ------------------------------------------------------------------ my bookings, waitlist

    async def my_bookings(self, user: User, lang: str) -> list[Reply]:
        bookings = [b for b in await self.service.bookings_of(user) if b.active]
        if not bookings:
            return [Reply(self.t("mine.none", lang), lang)]
        replies = []
        for booking in bookings:
            event = self.service.event(booking.event_id)
            title = event.title_in(lang) if event else booking.event_id
            text = self.t(
                "mine.item",
                lang,
                code=booking.code,
                title=title,
                when=format_slot(booking.slot_start, lang),
                topic=self.t(f"topic.{booking.topic}", lang),
            )
            options = (
                Option(self.t("mine.change", lang), f"{PREFIX}change:{booking.code}"),
                Option(self.t("mine.cancel", lang), f"{PREFIX}cancel:{booking.code}"),
            )
            replies.append(Reply(text, lang, options=options))
        return replies

    async def _manage(self, user: User, lang: str, kind: str, arg: str) -> list[Reply]:
        if kind == "mine":
            return await self.my_bookings(user, lang)
        if kind == "cancel":
            try:
                booking, _ = await self.service.cancel(user, arg)
            except UnknownBookingError:
                return [Reply(self.t("book.expired_button", lang), lang)]
            return [Reply(self.t("mine.cancelled", lang, code=booking.code), lang)]
        if kind == "change":
            booking = next(
                (b for b in await self.service.bookings_of(user) if b.code == arg and b.active),
                None,
            )
            event = self.service.event(booking.event_id) if booking else None
            if booking is None or event is None:
                return [Reply(self.t("book.expired_button", lang), lang)]
            return await self._choose_day(user, {"lang": lang, "change": booking.code}, event)
        if kind in ("wait", "next"):
            try:
                event_id = NEXT_EDITION if kind == "next" else arg
                position = await self.service.join_waitlist(event_id, user, lang)
            except BookingClosedError:
                return [self._none_open(lang)]
            await self.store.clear_flow(user)
            if kind == "next":
                return [Reply(self.t("waitlist.next_joined", lang), lang)]
            return [Reply(self.t("waitlist.joined", lang, position=position), lang)]
        event_id, _, _slot = arg.partition(":")
        event = self.service.event(event_id)
        if kind == "decline" or event is None:
            await self.service.decline_offer(event_id, user)
            return [Reply(self.t("waitlist.declined", lang), lang)]
        offer = await self.store.offer_of(event_id, user)
        if offer is None or offer.offered_slot is None:
            return [Reply(self.t("waitlist.gone", lang), lang)]
        state = {
            "lang": lang,
            "event": event_id,
            "day": offer.offered_slot[:8],
            "slot": offer.offered_slot,
            "step": "topic",
        }
        await self._save(user, state)
        options = tuple(
            Option(self.t(f"topic.{topic}", lang), f"{PREFIX}topic:{topic}")
            for topic in event.topics
        )
        return [Reply(self.t("book.choose_topic", lang), lang, options=options)]

    def offer_reply(self, event: Event, slot_key: str, lang: str, minutes: int) -> Reply:
        slot = event.slot(slot_key)
        assert slot is not None
        text = self.t(
            "waitlist.offer",
            lang,
            title=event.title_in(lang),
            when=format_slot(slot.start, lang),
            minutes=minutes,
        )
        options = (
            Option(self.t("waitlist.accept", lang), f"{PREFIX}accept:{event.id}:{slot_key}"),
            Option(self.t("waitlist.decline", lang), f"{PREFIX}decline:{event.id}:{slot_key}"),
        )
        return Reply(text, lang, options=options)

    def reminder_reply(self, booking: BookingRow, kind: str) -> Reply:
        lang = booking.language
        event = self.service.event(booking.event_id)
        venue = event.venue.label_in(lang) if event else ""
        text = self.t(
            f"reminder.{kind}",
            lang,
            code=booking.code,
            venue=venue,
            when=format_slot(booking.slot_start, lang),
        )
        return Reply(text, lang)

    # ------------------------------------------------------------------ helpers

    def _already(self, booking: BookingRow, lang: str) -> Reply:
        text = self.t(
            "book.already", lang, code=booking.code, when=format_slot(booking.slot_start, lang)
        )
        return Reply(text, lang, options=(Option(self.t("mine.title", lang), f"{PREFIX}mine:"),))

    def opened_reply(self, event: Event, lang: str) -> Reply:
        """To someone who asked to be told: booking has opened, with a button to start."""
        text = self.t("waitlist.booking_opened", lang, title=event.title_in(lang))
        return Reply(text, lang, options=(Option(self.t("menu.book", lang), BOOK_TARGET),))

    def _none_open(self, lang: str) -> Reply:
        """Nothing to book now: when booking opens if that is known; otherwise what is
        announced or when the last edition was, the waiting list for a next edition only if
        the events file plans one, and always the agency's contact and website."""
        now = self.service.clock()
        upcoming = sorted(self.service.upcoming_events(), key=lambda event: event.days[0])
        later = sorted(
            (event for event in upcoming if event.opens_later(now)),
            key=lambda event: event.booking_opens or now,
        )
        if later and later[0].booking_opens is not None:
            opens = local(later[0].booking_opens)
            return Reply(
                self.t(
                    "book.opens_later",
                    lang,
                    title=later[0].title_in(lang),
                    date=format_day(opens, lang),
                ),
                lang,
            )
        lines = [self.t("book.none_open", lang)]
        for event in upcoming:
            if event.booking_closes is not None and event.booking_closed(now):
                closed = format_day(local(event.booking_closes), lang)
                lines.append(self.t("book.closed", lang, title=event.title_in(lang), date=closed))
            elif not event.bookable:
                lines.append(self._about(event, "book.announced", lang))
        last = self.service.last_edition()
        if not upcoming and last is not None:
            lines.append(self._about(last, "book.last_edition", lang))
        options: tuple[Option, ...] = ()
        if self.service.next_edition_planned:
            lines.append(self.t("book.next_planned", lang))
            options = (Option(self.t("waitlist.next_join", lang), f"{PREFIX}next:"),)
        elif not upcoming:
            lines.append(self.t("book.next_not_announced", lang))
        lines.append(self.replies.contact_card(lang))
        return Reply("\n\n".join(lines), lang, options=options)

    def _about(self, event: Event, key: str, lang: str) -> str:
        """One line on an event that is not booked here: its title, days and place."""
        days = ", ".join(format_day(day, lang) for day in event.days)
        return self.t(
            key, lang, title=event.title_in(lang), day=days, venue=event.venue.label_in(lang)
        )

    async def _save(self, user: User, state: dict[str, Any]) -> None:
        await self.store.save_flow(user, state, self.service.clock())
