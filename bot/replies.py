"""Turn a match (or a tapped topic) into a channel-neutral reply.

A `Reply` is plain data: text, the language it is in, links, and options the user can pick
(follow-up questions, suggestions, "talk to a person"). Each adapter draws it its own way:
Telegram as HTML with inline buttons, the terminal as numbered lines.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.i18n import Texts
from bot.knowledge import AgencyDetails, Entry, KnowledgeBase, pick_language
from bot.matching import Decision, MatchResult

__all__ = ["Option", "Reply", "ReplyBuilder"]

HANDOFF_ID = "handoff.human"
CONTACT_ID = "agency.contact"
NONE_OF_THESE = "none"
CATEGORY_PREFIX = "cat:"
# The menu's booking button: the booking flow's own "start" step.
BOOK_TARGET = "bk:start:"
# The menu's topics, in the order citizens look for them; "agency" also lists the handoff entry.
MENU_CATEGORIES = ("permits", "urbanism", "digital", "housing_aid", "event", "agency")


@dataclass(frozen=True)
class Option:
    """Something the user can pick next: an entry to show, or a special action."""

    label: str
    target: str


@dataclass(frozen=True)
class Reply:
    text: str
    lang: str
    decision: Decision | None = None
    entry_id: str | None = None
    links: tuple[tuple[str, str], ...] = ()
    options: tuple[Option, ...] = ()
    location: tuple[float, float] | None = None
    action: str | None = None
    # A file to send with the reply (name, bytes), e.g. the booking's calendar file.
    document: tuple[str, bytes] | None = None
    # Ask for the user's phone number with the channel's "share my number" control.
    request_phone: bool = False
    phone_label: str = ""
    # Take away a "share my number" keyboard shown before.
    remove_keyboard: bool = False
    # Offer 👍 / 👎 on this answer (entry_id); offer a way back to the menu.
    feedback: bool = False
    menu_button: bool = False
    # A short acknowledgement of a pressed button: a channel that can show a passing notice
    # (Telegram's callback answer) shows it there instead of a message.
    toast: bool = False
    # The outcome of the pressed button's question: a channel that can edit that message
    # replaces it instead of sending a new one.
    replaces_choice: bool = False
    # The booking code whose confirmation this reply completes: once a channel has sent it, it
    # tells the core (Conversation.sent), which then stops owing it (bot.notifications).
    confirms: str | None = None


class ReplyBuilder:
    def __init__(self, knowledge: KnowledgeBase, texts: Texts) -> None:
        self.knowledge = knowledge
        self.texts = texts

    def for_match(self, result: MatchResult, lang: str) -> Reply:
        if result.decision is Decision.ANSWER and result.entry_id:
            reply = self.for_entry(self.knowledge[result.entry_id], lang)
            second = self.knowledge.get(result.also) if result.also else None
            if second is not None:
                # The message's second question comes first among the related ones.
                asked = Option(second.title_in(lang), second.id)
                others = tuple(o for o in reply.options if o.target != second.id)
                reply = replace(reply, options=(asked, *others)[:3])
            return _with_decision(reply, Decision.ANSWER)
        if result.decision is Decision.CLARIFY:
            options = [
                Option(self.knowledge[c.entry_id].title_in(lang), c.entry_id)
                for c in result.suggestions
            ]
            options.append(Option(self.texts.get("reply.none_of_these", lang), NONE_OF_THESE))
            return Reply(
                self.texts.get("reply.clarify", lang),
                lang,
                Decision.CLARIFY,
                options=tuple(options),
            )
        return self.unknown(lang, result.redirect)

    def for_entry(self, entry: Entry, lang: str) -> Reply:
        """The entry's answer, with the contact card where the entry asks for it."""
        text = entry.answer_in(lang)
        location = None
        if entry.action in ("contact", "handoff"):
            text = f"{text}\n\n{self.contact_card(lang)}"
            location = _location(self.knowledge.agency)
        follow_ups = [self.knowledge.get(target) for target in entry.follow_ups[:3]]
        options = tuple(Option(f.title_in(lang), f.id) for f in follow_ups if f is not None)
        links = tuple((link.title_in(lang), link.url) for link in entry.links)
        return Reply(
            text,
            lang,
            entry_id=entry.id,
            links=links,
            options=options,
            location=location,
            action=entry.action,
        )

    def menu(self, lang: str) -> Reply:
        """The topics, then a button that starts a booking at the communication day."""
        topics = [
            Option(self.texts.get(f"category.{category}", lang), f"{CATEGORY_PREFIX}{category}")
            for category in MENU_CATEGORIES
        ]
        options = (*topics, Option(self.texts.get("menu.book", lang), BOOK_TARGET))
        return Reply(self.texts.get("chat.menu", lang), lang, options=options)

    def category(self, category: str, lang: str) -> Reply | None:
        """The questions of one menu topic, each a button that shows its answer."""
        if category not in MENU_CATEGORIES:
            return None
        entries = self.knowledge.in_category(category)
        if category == "agency":
            entries += self.knowledge.in_category("handoff")
        options = tuple(Option(entry.title_in(lang), entry.id) for entry in entries)
        return Reply(self.texts.get(f"category.{category}", lang), lang, options=options)

    def unknown(self, lang: str, redirect: str | None = None) -> Reply:
        """ "I don't know" with the agency's contact; for a subject the knowledge lists as
        handled elsewhere, who handles it instead."""
        decoy = self.knowledge.decoy(redirect) if redirect else None
        if decoy is not None and pick_language(decoy.answer, lang):
            # Who handles it instead, then what this bot is for: a redirection, not a dead end.
            tail = self.texts.get("reply.redirect_tail", lang)
            text = f"{pick_language(decoy.answer, lang)}\n\n{tail}"
            return Reply(text, lang, Decision.UNKNOWN)
        text = f"{self.texts.get('reply.unknown', lang)}\n\n{self.contact_card(lang)}"
        options = (Option(self.texts.get("reply.talk_to_person", lang), HANDOFF_ID),)
        return Reply(
            text,
            lang,
            Decision.UNKNOWN,
            options=options,
            location=_location(self.knowledge.agency),
        )

    def none_of_these(self, lang: str) -> Reply:
        text = f"{self.texts.get('reply.none_of_these_text', lang)}\n\n{self.contact_card(lang)}"
        options = (Option(self.texts.get("reply.talk_to_person", lang), HANDOFF_ID),)
        return Reply(text, lang, options=options, location=_location(self.knowledge.agency))

    def contact_card(self, lang: str) -> str:
        """Only the agency details that are filled in; an empty field is left out, never blank."""
        agency = self.knowledge.agency
        lines = [self.texts.get("contact.title", lang)]
        name = pick_language(agency.name, lang)
        if name:
            lines.append(name)
        fields = [
            ("contact.address", pick_language(agency.address, lang)),
            ("contact.phones", " / ".join(agency.phones)),
            ("contact.email", agency.email),
            ("contact.hours", pick_language(agency.opening_hours, lang)),
            ("contact.website", agency.website),
            ("contact.map", agency.map_url),
        ]
        lines.extend(self.texts.get(key, lang, value=value) for key, value in fields if value)
        if not (agency.address or agency.phones or agency.email):
            lines.append(self.texts.get("contact.missing", lang))
        return "\n".join(lines)


def _location(agency: AgencyDetails) -> tuple[float, float] | None:
    if agency.latitude is None or agency.longitude is None:
        return None
    return agency.latitude, agency.longitude


def _with_decision(reply: Reply, decision: Decision) -> Reply:
    return replace(reply, decision=decision)
