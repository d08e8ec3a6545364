"""The knowledge base as frozen data: entries, synonyms, out-of-scope subjects, agency details.

Everything here is plain data, built once by `bot.knowledge_loader` after validation. Handlers and
the matcher read it; nothing mutates it, so a reload can swap a whole new instance in at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from bot.knowledge_examples import Example

__all__ = [
    "ACTIONS",
    "ANSWER_LANGUAGES",
    "CATEGORIES",
    "QUESTION_LANGUAGES",
    "AgencyDetails",
    "Decoy",
    "Entry",
    "KnowledgeBase",
    "Link",
]

QUESTION_LANGUAGES = ("ar", "ary", "ary_latn", "fr", "en")
ANSWER_LANGUAGES = ("ar", "fr", "en")
REQUIRED_LANGUAGES = ("ar", "fr")
CATEGORIES = (
    "permits",
    "urbanism",
    "digital",
    "housing_aid",
    "agency",
    "event",
    "smalltalk",
    "handoff",
)
ACTIONS = ("book", "contact", "handoff", "schedule")


def pick_language(texts: Mapping[str, str], lang: str) -> str:
    """The text in `lang`, else French (for English readers), else Arabic; never empty."""
    for candidate in (lang, "fr" if lang == "en" else "ar", "ar", "fr"):
        if texts.get(candidate):
            return texts[candidate]
    return next((text for text in texts.values() if text), "")


@dataclass(frozen=True)
class Link:
    title: Mapping[str, str]
    url: str

    def title_in(self, lang: str) -> str:
        return pick_language(self.title, lang) or self.url


@dataclass(frozen=True)
class Entry:
    id: str
    category: str
    questions: Mapping[str, tuple[str, ...]]
    answer: Mapping[str, str]
    keywords: tuple[str, ...] = ()
    label: Mapping[str, str] = field(default_factory=dict)
    links: tuple[Link, ...] = ()
    follow_ups: tuple[str, ...] = ()
    action: str | None = None
    source: str = ""
    reviewed: date | None = None
    file: str = ""
    line: int = 0

    def answer_in(self, lang: str) -> str:
        return pick_language(self.answer, lang)

    def has_answer_in(self, lang: str) -> bool:
        return bool(self.answer.get(lang))

    def title_in(self, lang: str) -> str:
        """A short label for buttons: the entry's label in that language (written for it by
        staff), else its first question."""
        if self.label.get(lang):
            return self.label[lang]
        order = {"ar": ("ar", "ary"), "fr": ("fr",), "en": ("en", "fr")}.get(lang, (lang,))
        for key in (*order, "fr", "ar"):
            if self.questions.get(key):
                first = self.questions[key][0]
                return first[:1].upper() + first[1:]
        return self.id

    def all_questions(self) -> list[tuple[str, str]]:
        return [(lang, text) for lang, texts in self.questions.items() for text in texts]


@dataclass(frozen=True)
class Decoy:
    """A subject the bot must not answer as one of its topics. Questions closest to it get
    its `answer` (who handles it instead), or "I don't know" and the agency's contact."""

    subject: str
    phrases: tuple[str, ...]
    answer: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AgencyDetails:
    """Only confirmed details: an empty field is left out of every reply, never shown blank."""

    name: Mapping[str, str] = field(default_factory=dict)
    website: str = ""
    address: Mapping[str, str] = field(default_factory=dict)
    phones: tuple[str, ...] = ()
    email: str = ""
    opening_hours: Mapping[str, str] = field(default_factory=dict)
    latitude: float | None = None
    longitude: float | None = None
    map_url: str = ""

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True)
class KnowledgeBase:
    entries: tuple[Entry, ...]
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    decoys: tuple[Decoy, ...] = ()
    agency: AgencyDetails = field(default_factory=AgencyDetails)
    # Whole messages the classifier learns from (bot.knowledge_examples).
    examples: tuple[Example, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {entry.id: entry for entry in self.entries})

    def decoy(self, subject: str) -> Decoy | None:
        """The out-of-scope subject of that name, if the knowledge lists it."""
        return next((decoy for decoy in self.decoys if decoy.subject == subject), None)

    def get(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)  # type: ignore[attr-defined]

    def __getitem__(self, entry_id: str) -> Entry:
        return self._by_id[entry_id]  # type: ignore[attr-defined]

    def in_category(self, category: str) -> list[Entry]:
        return [entry for entry in self.entries if entry.category == category]
