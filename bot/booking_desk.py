"""A citizen's own bookings and waiting lists: my bookings, change, cancel, join a waiting list,
answer an offered place. These choices come at any time, in or out of a booking flow."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.booking import BookingClosedError, UnknownBookingError, WaitlistNotNeededError
from bot.booking_state import FlowState, Step
from bot.database import User
from bot.events import NEXT_EDITION
from bot.replies import Reply

if TYPE_CHECKING:
    from bot.booking_flow import BookingFlow

__all__ = ["MANAGING", "manage"]

# The choices (`bk:<kind>:...`) handled here rather than by a step of the flow.
MANAGING = frozenset({"mine", "cancel", "change", "wait", "next", "accept", "decline"})


async def manage(flow: BookingFlow, user: User, lang: str, kind: str, value: str) -> list[Reply]:
    service, say = flow.service, flow.say
    if kind == "mine":
        return say.mine([b for b in await service.bookings_of(user) if b.active], lang)
    if kind == "cancel":
        try:
            booking, _ = await service.cancel(user, value)
        except UnknownBookingError:
            return [say.say("book.expired_button", lang)]
        return [say.say("mine.cancelled", lang, code=booking.code)]
    if kind == "change":
        mine = [b for b in await service.bookings_of(user) if b.code == value and b.active]
        event = service.event(mine[0].event_id) if mine else None
        if not mine or event is None:
            return [say.say("book.expired_button", lang)]
        return await flow.choose_day(user, FlowState(lang, change=mine[0].code), event)
    if kind in ("wait", "next"):
        try:
            position = await service.join_waitlist(
                NEXT_EDITION if kind == "next" else value, user, lang
            )
        except BookingClosedError:
            return [say.none_open(lang)]
        except WaitlistNotNeededError:
            return [say.say("book.expired_button", lang)]
        await flow.store.clear_flow(user)
        if kind == "next":
            return [say.say("waitlist.next_joined", lang)]
        return [say.say("waitlist.joined", lang, position=position)]
    return await _offer_answered(flow, user, lang, kind, value)


async def _offer_answered(
    flow: BookingFlow, user: User, lang: str, kind: str, value: str
) -> list[Reply]:
    """Accept or decline a place offered from the waiting list (`<event id>:<slot key>`)."""
    service, say = flow.service, flow.say
    event_id = value.partition(":")[0]
    event = service.event(event_id)
    if kind == "decline" or event is None:
        await service.decline_offer(event_id, user)
        return [say.say("waitlist.declined", lang)]
    offer = await flow.store.offer_of(event_id, user)
    if offer is None or offer.offered_slot is None:
        return [say.say("waitlist.gone", lang)]
    state = FlowState(
        lang, Step.TOPIC, event=event_id, day=offer.offered_slot[:8], slot=offer.offered_slot
    )
    await flow.save(user, state)
    return [say.topics(event, lang)]
