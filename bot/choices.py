"""Fitting a reply's choices to what a channel can show.

Each adapter declares its limits (how many choices one message may carry, how long a label may
be); the core cuts labels and pages long lists to fit, so that 14 time slots work as well on a
channel that shows 10 rows as on one that shows them all. A page ends with a "more" choice; the
full list is kept in memory per user (a restart forgets it, and the "more" choice then says the
list is gone, like any stale button).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace

from bot.database import User
from bot.replies import Option, Reply

__all__ = ["FEEDBACK_PREFIX", "MENU", "MORE_PREFIX", "ChannelLimits", "Pager", "closing_choices"]

MORE_PREFIX = "more:"
FEEDBACK_PREFIX = "fb:"
MENU = "menu"
# How many users' long lists are remembered at once (the oldest is dropped first).
_REMEMBERED = 5000


@dataclass(frozen=True)
class ChannelLimits:
    """What one message of a channel can carry (None: no limit), and whether the channel opens
    a conversation with a start command (Telegram's /start) or lets people simply write
    (WhatsApp), in which case the bot greets a newcomer and asks their language itself; and
    whether many people share it (then one person's flood is slowed down, see
    bot.inbound_limit) or it is one person at a local keyboard (the terminal chat)."""

    choices: int | None = None
    label: int = 60
    start_command: bool = True
    shared: bool = True


def closing_choices(reply: Reply, menu_label: str) -> tuple[Option, ...]:
    """What every channel shows after a reply's own options: 👍 / 👎 under an answer that asks
    for feedback, then the way back to the menu. One definition, so no channel forgets one."""
    closing: list[Option] = []
    if reply.feedback and reply.entry_id:
        closing += [
            Option("👍", f"{FEEDBACK_PREFIX}1:{reply.entry_id}"),
            Option("👎", f"{FEEDBACK_PREFIX}0:{reply.entry_id}"),
        ]
    if reply.menu_button:
        closing.append(Option(menu_label, MENU))
    return tuple(closing)


class Pager:
    def __init__(self) -> None:
        self._lists: OrderedDict[User, tuple[Option, ...]] = OrderedDict()

    def fit(self, user: User, reply: Reply, limits: ChannelLimits, more_label: str) -> Reply:
        """The reply with labels cut to the channel's length and, if its choices are too many,
        the first page of them followed by `more_label`."""
        options = tuple(_cut(option, limits.label) for option in reply.options)
        if limits.choices is None or len(options) <= limits.choices:
            return replace(reply, options=options)
        self._lists[user] = options
        self._lists.move_to_end(user)
        while len(self._lists) > _REMEMBERED:
            self._lists.popitem(last=False)
        return replace(reply, options=self._page(options, 0, limits, more_label))

    def page(
        self, user: User, number: int, limits: ChannelLimits, more_label: str
    ) -> tuple[Option, ...] | None:
        """Page `number` of the user's last long list, or None if it is not remembered."""
        options = self._lists.get(user)
        if options is None or number < 0:
            return None
        return self._page(options, number, limits, more_label) or None

    @staticmethod
    def _page(
        options: tuple[Option, ...], number: int, limits: ChannelLimits, more_label: str
    ) -> tuple[Option, ...]:
        most = limits.choices or len(options)
        size = max(most - 1, 1)  # a page that is not the last keeps one place for "more"
        remaining = options[number * size :]
        if len(remaining) <= most:
            return remaining
        more = Option(_cut_text(more_label, limits.label), f"{MORE_PREFIX}{number + 1}")
        return (*remaining[:size], more)


def _cut(option: Option, length: int) -> Option:
    return replace(option, label=_cut_text(option.label, length))


def _cut_text(text: str, length: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
