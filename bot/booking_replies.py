"""What the booking flow and its notifications say: replies built from the events, the bookings
and the texts, with no storage of their own (bot.booking_flow decides when to say them)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.booking import BookingService
from bot.booking_state import FlowState
from bot.booking_store import BookingRow
from bot.calendar_file import booking_ics
from bot.dates import format_day, format_slot, format_time, local
from bot.events import Event, Slot
from bot.i18n import Texts
from bot.replies import BOOK_TARGET, Option, Reply, ReplyBuilder

__all__ = ["PREFIX", "BookingReplies"]

PREFIX = "bk:"


class BookingReplies:
    def __init__(self, service: BookingService, texts: Texts, faq: ReplyBuilder) -> None:
        self.service = service
        self.texts = texts
        # The agency's contact card comes from the knowledge, which a reload replaces.
        self.faq = faq

    def t(self, key: str, lang: str, **values: object) -> str:
        return self.texts.get(key, lang, **values)

    def say(self, key: str, lang: str, **values: object) -> Reply:
        return Reply(self.t(key, lang, **values), lang)

    # ------------------------------------------------------------------ steps

    def days(self, event: Event, places: dict[str, int], lang: str) -> Reply:
        """The days with places left (and how many), or the waiting list when all are full."""
        left: dict[str, int] = {}
        first: dict[str, datetime] = {}
        for slot in event.slots():
            if slot.key in places:
                day = slot.key[:8]
                left[day] = left.get(day, 0) + places[slot.key]
                first.setdefault(day, slot.start)
        title = event.title_in(lang)
        if not any(left.values()):
            join = Option(self.t("waitlist.join", lang), f"{PREFIX}wait:{event.id}")
            return Reply(self.t("book.all_full", lang, title=title), lang, options=(join,))
        options = tuple(
            Option(
                self.t("book.day_option", lang, day=format_day(first[day], lang), places=number),
                f"{PREFIX}day:{day}",
            )
            for day, number in left.items()
            if number > 0
        )
        return Reply(self.t("book.choose_day", lang, title=title), lang, options=options)

    def slots(self, event: Event, free: list[Slot], places: dict[str, int], lang: str) -> Reply:
        """The free times of one day, each with its places left out of the slot's capacity."""
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
        return Reply(text, lang, options=options)

    def consent(self, lang: str) -> Reply:
        options = (
            Option(self.t("book.consent_yes", lang), f"{PREFIX}consent:yes"),
            Option(self.t("book.consent_no", lang), f"{PREFIX}consent:no"),
        )
        return Reply(self.t("book.consent", lang), lang, options=options)

    def topics(self, event: Event, lang: str) -> Reply:
        options = tuple(
            Option(self.t(f"topic.{topic}", lang), f"{PREFIX}topic:{topic}")
            for topic in event.topics
        )
        return Reply(self.t("book.choose_topic", lang), lang, options=options)

    def phone_question(self, key: str, lang: str) -> Reply:
        """Ask for the phone, with the channel's "share my number" control (every time)."""
        return Reply(
            self.t(key, lang),
            lang,
            request_phone=True,
            phone_label=self.t("book.share_phone", lang),
        )

    def summary(self, state: FlowState, event: Event) -> Reply:
        lang = state.lang
        slot = event.slot(state.slot)
        assert slot is not None
        text = self.t(
            "book.summary",
            lang,
            title=event.title_in(lang),
            when=format_slot(slot.start, lang),
            topic=self.t(f"topic.{state.topic}", lang),
            name=state.name,
            phone=state.phone,
            country=state.country,
        )
        options = (
            Option(self.t("book.confirm", lang), f"{PREFIX}confirm:yes"),
            Option(self.t("book.abort", lang), f"{PREFIX}confirm:no"),
        )
        return Reply(text, lang, options=options)

    def confirmed(self, event: Event, booking: BookingRow, lang: str) -> list[Reply]:
        when = format_slot(booking.slot_start, lang)
        venue = event.venue.label_in(lang)
        text = self.t("book.confirmed", lang, code=booking.code, when=when, venue=venue)
        calendar = replace(self.calendar(event, booking, lang), confirms=booking.code)
        return [Reply(text, lang), calendar]

    def calendar(self, event: Event, booking: BookingRow, lang: str) -> Reply:
        """The .ics file, and the venue on a map when its position is known."""
        slot = event.slot(booking.slot_key)
        assert slot is not None
        location = None
        if event.venue.latitude is not None and event.venue.longitude is not None:
            location = (event.venue.latitude, event.venue.longitude)
        content = booking_ics(event, slot, booking.code, lang, stamp=self.service.clock())
        return Reply(
            self.t("book.calendar_file", lang),
            lang,
            document=(f"{booking.code}.ics", content),
            location=location,
        )

    def already(self, booking: BookingRow, lang: str) -> Reply:
        when = format_slot(booking.slot_start, lang)
        text = self.t("book.already", lang, code=booking.code, when=when)
        return Reply(text, lang, options=(Option(self.t("mine.title", lang), f"{PREFIX}mine:"),))

    def mine(self, bookings: list[BookingRow], lang: str) -> list[Reply]:
        """Each active booking with its change and cancel choices."""
        if not bookings:
            return [self.say("mine.none", lang)]
        replies = []
        for booking in bookings:
            event = self.service.event(booking.event_id)
            text = self.t(
                "mine.item",
                lang,
                code=booking.code,
                title=event.title_in(lang) if event else booking.event_id,
                when=format_slot(booking.slot_start, lang),
                topic=self.t(f"topic.{booking.topic}", lang),
            )
            options = (
                Option(self.t("mine.change", lang), f"{PREFIX}change:{booking.code}"),
                Option(self.t("mine.cancel", lang), f"{PREFIX}cancel:{booking.code}"),
            )
            replies.append(Reply(text, lang, options=options))
        return replies

    # ------------------------------------------------------------------ notifications

    def offer(self, event: Event, slot_key: str, lang: str, minutes: int) -> Reply:
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

    def reminder(self, booking: BookingRow, kind: str) -> Reply:
        lang = booking.language
        event = self.service.event(booking.event_id)
        return self.say(
            f"reminder.{kind}",
            lang,
            code=booking.code,
            venue=event.venue.label_in(lang) if event else "",
            when=format_slot(booking.slot_start, lang),
        )

    def reminder_params(self, booking: BookingRow) -> tuple[str, ...]:
        """The values of the reminder template: the code, the time, the place."""
        lang = booking.language
        event = self.service.event(booking.event_id)
        venue = event.venue.label_in(lang) if event else ""
        return (booking.code, format_slot(booking.slot_start, lang), venue)

    def offer_params(
        self, event: Event, slot_key: str, lang: str, minutes: int
    ) -> tuple[str, ...]:
        """The values of the offer template: the event, the time, how long it is held."""
        slot = event.slot(slot_key)
        when = format_slot(slot.start, lang) if slot else ""
        return (event.title_in(lang), when, str(minutes))

    def opened(self, event: Event, lang: str) -> Reply:
        """To someone who asked to be told: booking has opened, with a choice to start."""
        text = self.t("waitlist.booking_opened", lang, title=event.title_in(lang))
        return Reply(text, lang, options=(Option(self.t("menu.book", lang), BOOK_TARGET),))

    # ------------------------------------------------------------------ nothing to book

    def none_open(self, lang: str) -> Reply:
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
            opens = format_day(local(later[0].booking_opens), lang)
            return self.say("book.opens_later", lang, title=later[0].title_in(lang), date=opens)
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
        lines.append(self.faq.contact_card(lang))
        return Reply("\n\n".join(lines), lang, options=options)

    def schedule(self, lang: str) -> str:
        """What the events file says about the next communication day, for the answer about
        the day itself: its dates and place, or that none is announced yet (and the last one)."""
        now = self.service.clock()
        upcoming = sorted(self.service.upcoming_events(), key=lambda event: event.days[0])
        if not upcoming:
            last = self.service.last_edition()
            lines = [self.t("event.none_announced", lang)]
            if last is not None:
                lines.append(self._about(last, "book.last_edition", lang))
            return "\n\n".join(lines)
        lines = []
        for event in upcoming:
            lines.append(self._about(event, "event.next", lang))
            if event.is_open(now):
                lines.append(self.t("event.booking_open", lang))
            elif event.opens_later(now) and event.booking_opens is not None:
                opens = format_day(local(event.booking_opens), lang)
                lines.append(self.t("event.booking_opens", lang, date=opens))
        return "\n\n".join(lines)

    def _about(self, event: Event, key: str, lang: str) -> str:
        """One line on an event that is not booked here: its title, days and place."""
        days = ", ".join(format_day(day, lang) for day in event.days)
        return self.t(
            key, lang, title=event.title_in(lang), day=days, venue=event.venue.label_in(lang)
        )
