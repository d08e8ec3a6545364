"""The booking conversation, channel-neutral: one step per message, progress kept in SQLite.

The steps and what each one waits for are in bot.booking_state. A choice from an earlier step is
answered "that step is over" with the current step shown again (old buttons stay on the screen);
a flow left alone for BOOKING_FLOW_TIMEOUT_MINUTES expires and its personal data is deleted.
Managing bookings (my bookings, change, cancel) and the waiting lists are in bot.booking_desk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.booking import (
    AlreadyBookedError,
    BookingClosedError,
    BookingService,
    SlotFullError,
    UnknownBookingError,
)
from bot.booking_desk import MANAGING, manage
from bot.booking_replies import PREFIX, BookingReplies
from bot.booking_state import CHOICE_OF, TYPED, FlowState, Step
from bot.booking_store import BookingStore
from bot.database import User
from bot.dates import format_slot
from bot.events import Event
from bot.person_fields import clean_country, clean_name
from bot.phones import parse_phone
from bot.replies import Option, Reply

__all__ = ["PREFIX", "BookingFlow", "FlowInput"]


@dataclass(frozen=True)
class FlowInput:
    kind: str  # "pick" (a choice), "text", "phone" (a shared contact)
    value: str = ""


class BookingFlow:
    def __init__(
        self,
        service: BookingService,
        store: BookingStore,
        say: BookingReplies,
        timeout_minutes: int = 30,
    ) -> None:
        self.service = service
        self.store = store
        self.say = say
        self.timeout = timedelta(minutes=timeout_minutes)

    # ------------------------------------------------------------------ where the user is

    async def current(self, user: User) -> FlowState | None:
        """The user's flow in progress; one idle for longer than the timeout is deleted."""
        saved = await self.store.flow(user)
        if saved is None:
            return None
        state, moved = saved
        if moved + self.timeout <= self.service.clock():
            await self.store.clear_flow(user)
            return None
        return FlowState.from_saved(state)

    async def in_progress(self, user: User) -> bool:
        return await self.current(user) is not None

    async def purge_idle(self) -> int:
        """Delete every flow idle for longer than the timeout (names and phones included)."""
        return await self.store.purge_flows(self.service.clock() - self.timeout)

    async def save(self, user: User, state: FlowState) -> None:
        await self.store.save_flow(user, state.saved(), self.service.clock())

    # ------------------------------------------------------------------ entry points

    async def start(self, user: User, lang: str) -> list[Reply]:
        """/book, the menu's choice, or a question matched to the booking topic."""
        events = self.service.open_events()
        if not events:
            await self.store.clear_flow(user)
            return [self.say.none_open(lang)]
        if len(events) == 1:
            return await self.choose_day(user, FlowState(lang), events[0])
        await self.save(user, FlowState(lang, Step.EVENT))
        options = tuple(Option(e.title_in(lang), f"{PREFIX}ev:{e.id}") for e in events)
        return [Reply(self.say.t("book.choose_event", lang), lang, options=options)]

    async def cancel(self, user: User, lang: str) -> list[Reply]:
        """/cancel: leave the flow at any step; what was typed so far is forgotten."""
        if await self.current(user) is None:
            return [self.say.say("book.nothing_in_progress", lang)]
        await self.store.clear_flow(user)
        return [Reply(self.say.t("book.stopped", lang), lang, remove_keyboard=True)]

    async def my_bookings(self, user: User, lang: str) -> list[Reply]:
        """/mybookings: each active booking with its change and cancel choices."""
        return await manage(self, user, lang, "mine", "")

    async def handle(self, user: User, lang: str, given: FlowInput) -> list[Reply]:
        """A choice of the flow, or what the user typed or shared while it waits for it."""
        state = await self.current(user)
        if given.kind == "pick":
            kind, _, value = given.value.removeprefix(PREFIX).partition(":")
            if kind == "start":
                return await self.start(user, lang)
            if kind in MANAGING:
                return await manage(self, user, lang, kind, value)
            if kind == "ev":
                event = self.service.event(value)
                if event is None or not event.is_open(self.service.clock()):
                    return [self.say.none_open(lang)]
                return await self.choose_day(user, FlowState(lang), event)
            if state is None:
                return [self.say.say("book.expired_button", lang)]
            if CHOICE_OF.get(state.step) != kind:
                return await self._step_over(user, state)
            return await self._chosen(user, state, value)
        if state is None:
            return [self.say.say("book.expired_button", lang)]
        if state.step not in TYPED:
            return [self.say.say("book.choose_above", state.lang), *await self.repeat(user, state)]
        if state.step is Step.NAME:
            return await self._got_name(user, state, given.value)
        if state.step is Step.PHONE:
            return await self._got_phone(user, state, given.value)
        return await self._got_country(user, state, given.value)

    async def repeat(self, user: User, state: FlowState) -> list[Reply]:
        """Show the current step again."""
        event = self.service.event(state.event)
        lang = state.lang
        if event is None or state.step is Step.EVENT:
            return await self.start(user, lang)
        if state.step is Step.DAY:
            return await self.choose_day(user, state, event)
        if state.step is Step.SLOT:
            return await self.choose_slot(user, state, event, state.day)
        if state.step is Step.TOPIC:
            return [self.say.topics(event, lang)]
        if state.step is Step.CONSENT:
            return [self.say.consent(lang)]
        if state.step is Step.SUMMARY:
            return [self.say.summary(state, event)]
        if state.step is Step.PHONE:
            return [self.say.phone_question("book.ask_phone", lang)]
        return [self.say.say(f"book.ask_{state.step}", lang)]

    async def _step_over(self, user: User, state: FlowState) -> list[Reply]:
        """A choice from an earlier step (still on the screen): say so, show where we are."""
        return [self.say.say("book.step_over", state.lang), *await self.repeat(user, state)]

    # ------------------------------------------------------------------ choices

    async def _chosen(self, user: User, state: FlowState, value: str) -> list[Reply]:
        event = self.service.event(state.event)
        if event is None:
            await self.store.clear_flow(user)
            return [self.say.say("book.expired_button", state.lang)]
        if state.step is Step.DAY:
            return await self.choose_slot(user, state, event, value)
        if state.step is Step.SLOT:
            return await self._slot_chosen(user, state, event, value)
        if state.step is Step.TOPIC and value in event.topics:
            await self.save(user, state.advance(topic=value))
            return [self.say.consent(state.lang)]
        if state.step is Step.CONSENT:
            if value != "yes":
                await self.store.clear_flow(user)
                return [self.say.say("book.consent_refused", state.lang)]
            await self.save(user, state.advance())
            return [self.say.say("book.ask_name", state.lang)]
        if state.step is Step.SUMMARY:
            if value != "yes":
                await self.store.clear_flow(user)
                return [self.say.say("book.stopped", state.lang)]
            return await self._confirm(user, state, event)
        return await self._step_over(user, state)

    async def choose_day(self, user: User, state: FlowState, event: Event) -> list[Reply]:
        lang = state.lang
        mine = await self.service.active_booking(user, event.id)
        if mine is not None and not state.change:
            await self.store.clear_flow(user)
            return [self.say.already(mine, lang)]
        places = await self.service.places_left(event)
        state.event, state.step = event.id, Step.DAY
        await self.save(user, state)
        return [self.say.days(event, places, lang)]

    async def choose_slot(
        self, user: User, state: FlowState, event: Event, day: str
    ) -> list[Reply]:
        lang = state.lang
        places = await self.service.places_left(event)
        free = [s for s in event.slots() if s.key[:8] == day and places.get(s.key, 0) > 0]
        if not free:
            return await self.choose_day(user, state, event)
        state.day, state.step = day, Step.SLOT
        await self.save(user, state)
        return [self.say.slots(event, free, places, lang)]

    async def _slot_chosen(
        self, user: User, state: FlowState, event: Event, key: str
    ) -> list[Reply]:
        lang = state.lang
        if event.slot(key) is None:
            return await self._step_over(user, state)
        if state.change:
            return await self._move(user, state, event, key)
        if (await self.service.places_left(event)).get(key, 0) <= 0:
            taken = self.say.say("book.slot_taken", lang)
            return [taken, *await self.choose_slot(user, state, event, key[:8])]
        await self.save(user, state.advance(slot=key))
        return [self.say.topics(event, lang)]

    async def _move(self, user: User, state: FlowState, event: Event, key: str) -> list[Reply]:
        """Moving an existing booking: the new time is taken at once, the old one freed."""
        lang = state.lang
        try:
            booking = await self.service.change_slot(user, state.change, key)
        except SlotFullError:
            taken = self.say.say("book.slot_taken", lang)
            return [taken, *await self.choose_slot(user, state, event, key[:8])]
        except (UnknownBookingError, BookingClosedError):
            await self.store.clear_flow(user)
            return [self.say.say("book.expired_button", lang)]
        await self.store.clear_flow(user)
        when = format_slot(booking.slot_start, lang)
        moved = self.say.say("mine.changed", lang, code=booking.code, when=when)
        return [moved, self.say.calendar(event, booking, lang)]

    # ------------------------------------------------------------------ typed answers

    async def _got_name(self, user: User, state: FlowState, text: str) -> list[Reply]:
        name = clean_name(text)
        if name is None:
            return [self.say.say("book.bad_name", state.lang)]
        await self.save(user, state.advance(name=name))
        return [self.say.phone_question("book.ask_phone", state.lang)]

    async def _got_phone(self, user: User, state: FlowState, text: str) -> list[Reply]:
        phone = parse_phone(text)
        if phone is None:
            return [self.say.phone_question("book.bad_phone", state.lang)]
        await self.save(user, state.advance(phone=phone))
        return [
            Reply(self.say.t("book.ask_country", state.lang), state.lang, remove_keyboard=True)
        ]

    async def _got_country(self, user: User, state: FlowState, text: str) -> list[Reply]:
        country = clean_country(text)
        if country is None:
            return [self.say.say("book.bad_country", state.lang)]
        await self.save(user, state.advance(country=country))
        event = self.service.event(state.event)
        if event is None:
            await self.store.clear_flow(user)
            return [self.say.none_open(state.lang)]
        return [self.say.summary(state, event)]

    async def _confirm(self, user: User, state: FlowState, event: Event) -> list[Reply]:
        lang = state.lang
        try:
            booking = await self.service.book(
                event.id,
                state.slot,
                user=user,
                lang=lang,
                topic=state.topic,
                name=state.name,
                phone=state.phone,
                country=state.country,
            )
        except SlotFullError:
            state.step = Step.SLOT
            taken = self.say.say("book.slot_taken", lang)
            return [taken, *await self.choose_slot(user, state, event, state.slot[:8])]
        except AlreadyBookedError as exc:
            await self.store.clear_flow(user)
            return [self.say.already(exc.booking, lang)]
        except BookingClosedError:
            await self.store.clear_flow(user)
            return [self.say.none_open(lang)]
        await self.store.clear_flow(user)
        return self.say.confirmed(event, booking, lang)
