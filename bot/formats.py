"""The shape of every YAML file staff edit, defined once as pydantic models.

The checkers validate each entry, section and event against these models (and turn the errors
into friendly lines, bot.format_errors), and the JSON Schemas that editors use are generated
from the same models (bot.schema). A new field or a new category is added here, once. What a
model cannot say (an id used twice, a follow-up that points nowhere, slots that fit the hours,
Moroccan clock changes, a weekday that does not match its date) is checked by the checkers.

Each field's description says what to write: the editor shows it while staff type, and the
checker repeats it when the field is missing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal, NotRequired

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema
from typing_extensions import TypedDict

from bot.events import TOPICS
from bot.knowledge import ACTIONS, CATEGORIES

__all__ = [
    "BOOKING_FIELDS",
    "EMAIL",
    "ENTRY_ID",
    "EVENT_ID",
    "MAX_ANSWER_TEXT",
    "MAX_ENTRY_ID",
    "MAX_EVENT_ID",
    "MAX_FOLLOW_UPS",
    "PHONE",
    "PHONE_SCREEN_TEXT",
    "TIME",
    "WEB_URL",
    "AgencyFormat",
    "DecoyFormat",
    "EntryFormat",
    "EventFormat",
    "EventsFile",
    "KnowledgeFile",
    "LinkFormat",
    "VenueFormat",
]

# One chat message holds 4,096 characters (Telegram and WhatsApp alike); a phone screen, 1,000.
MAX_ANSWER_TEXT = 4096
PHONE_SCREEN_TEXT = 1000
MAX_FOLLOW_UPS = 3
# Choices carry ids ("fb:1:" + id within Telegram's 64 bytes): keep them short.
MAX_ENTRY_ID = 50
MAX_EVENT_ID = 24
ENTRY_ID = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"
EVENT_ID = r"^[a-z0-9][a-z0-9-]*$"
# A web address: http(s), a dotted host, no spaces (JSON Schema patterns take no flags).
WEB_URL = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]*\.[^\s/?#]*([/?#]\S*)?$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"
PHONE = r"^\+?[0-9][0-9 .-]{6,}$"
TIME = r"^([01]?\d|2[0-3]):([0-5]\d)$"
BOOKING_FIELDS = (
    "opens",
    "closes",
    "slot_minutes",
    "capacity",
    "booking_opens",
    "booking_closes",
    "topics",
)

# A text that is not blank (the pattern says so to editors, which do not strip).
NOT_BLANK = r"\S"
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, pattern=NOT_BLANK)]
Answer = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=4096, pattern=NOT_BLANK),
]
WebUrl = Annotated[str, StringConstraints(strip_whitespace=True, pattern=WEB_URL)]
Closed = ConfigDict(extra="forbid")


# ----------------------------------------------------------------------------- knowledge


class Texts(TypedDict):
    """One text per language: Arabic and French required, English optional."""

    __pydantic_config__ = Closed  # type: ignore[misc]
    ar: Text
    fr: Text
    en: NotRequired[Text]


class Answers(TypedDict):
    __pydantic_config__ = Closed  # type: ignore[misc]
    ar: Answer
    fr: Answer
    en: NotRequired[Answer]


Questions = Annotated[list[Text], Field(min_length=1)]


class QuestionsByLanguage(TypedDict):
    """The ways people ask, per language: at least one in Arabic and one in French."""

    __pydantic_config__ = Closed  # type: ignore[misc]
    ar: Questions
    ary: NotRequired[list[Text]]
    ary_latn: NotRequired[list[Text]]
    fr: Questions
    en: NotRequired[list[Text]]


class OptionalTexts(TypedDict, total=False):
    """Texts per language that stay empty until a source confirms them."""

    __pydantic_config__ = Closed  # type: ignore[misc]
    ar: str | None
    fr: str | None
    en: str | None


class LinkFormat(BaseModel):
    model_config = ConfigDict(extra="forbid", title="link")
    title: Text | Texts = Field(description="the button's title: one text, or one per language")
    url: WebUrl = Field(description="a full address, like https://www.rokhas.ma")


class EntryFormat(BaseModel):
    model_config = ConfigDict(extra="forbid", title="entry")
    id: str = Field(
        pattern=ENTRY_ID,
        max_length=MAX_ENTRY_ID,
        description="a stable dotted id in lower case, like permit.documents",
    )
    category: Literal[CATEGORIES] = Field(description="the menu topic the entry belongs to")
    questions: QuestionsByLanguage = Field(
        description="the ways people ask, per language (ar and fr at least; ary, ary_latn, en)"
    )
    answer: Answers = Field(
        description="the answer per language, plain text (ar and fr at least), under 1000 "
        "characters so that it reads well on a phone"
    )
    label: Texts | None = Field(
        default=None,
        description="the entry as a short, well-written question on buttons and related-question "
        "lists, per language; without it, the first question of the language",
    )
    keywords: list[Text] | None = Field(default=None, description="words that point here")
    links: list[LinkFormat] | None = Field(
        default=None, description="official links shown as buttons"
    )
    follow_ups: list[Text] | None = Field(
        default=None, description="ids of related entries offered after the answer (3 shown)"
    )
    action: Literal[ACTIONS] | None = Field(
        default=None,
        description="book (starts a booking), contact or handoff (adds the card), schedule "
        "(adds the next communication day from the events file)",
    )
    source: str = Field(default="", description="where the answer's facts come from")
    reviewed: date | None = Field(default=None, description="when the answer was last checked")


class DecoyFormat(BaseModel):
    model_config = ConfigDict(extra="forbid", title="out-of-scope subject")
    subject: Text = Field(description="what people ask about that the agency does not handle")
    answer: Answers | None = Field(
        default=None,
        description="who handles it instead, per language (ar and fr at least); without it the "
        "bot says it does not know and gives the agency's contact",
    )
    phrases: list[Text] = Field(description="how people ask it")


# A map position: both numbers, or both null until it is confirmed.
BOTH_NUMBERS = {
    "properties": {"latitude": {"type": "number"}, "longitude": {"type": "number"}},
    "required": ["latitude", "longitude"],
}
BOTH_NULL = {"properties": {"latitude": {"type": "null"}, "longitude": {"type": "null"}}}


class LocationFormat(BaseModel):
    model_config = ConfigDict(
        extra="forbid", title="location", json_schema_extra={"anyOf": [BOTH_NUMBERS, BOTH_NULL]}
    )
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)


class AgencyFormat(BaseModel):
    model_config = ConfigDict(extra="forbid", title="agency")
    name: str | OptionalTexts | None = None
    website: Annotated[str, StringConstraints(pattern=WEB_URL)] | Literal[""] | None = None
    address: str | OptionalTexts | None = Field(default=None, description="empty until confirmed")
    phones: list[Annotated[str, StringConstraints(pattern=PHONE)]] | None = Field(
        default=None, description="in international form, starting with +212"
    )
    email: Annotated[str, StringConstraints(pattern=EMAIL)] | Literal[""] | None = None
    opening_hours: str | OptionalTexts | None = None
    location: LocationFormat | None = Field(
        default=None, description="map position in decimal degrees: both numbers, or both null"
    )
    map_url: Annotated[str, StringConstraints(pattern=WEB_URL)] | Literal[""] | None = None


class KnowledgeFile(BaseModel):
    """One section per file."""

    model_config = ConfigDict(
        extra="forbid",
        title="Knowledge file of the MRE bot",
        json_schema_extra={"minProperties": 1, "maxProperties": 1},
    )
    entries: list[EntryFormat] | None = None
    groups: dict[str, list[Text]] | None = Field(
        default=None, description="synonym groups: words that mean the same thing"
    )
    out_of_scope: list[DecoyFormat] | None = Field(
        default=None, description="subjects the bot must not answer"
    )
    agency: AgencyFormat | None = Field(
        default=None, description="the agency's confirmed details; an empty field is not shown"
    )


# ----------------------------------------------------------------------------- events


Day = Annotated[date, Field(description="a date, YYYY-MM-DD, without a weekday name")]
ClockTime = Annotated[str, StringConstraints(pattern=TIME)]
# Moroccan wall time, to the minute: no 'Z' and no offset (editors see it as text).
LOCAL_MOMENT = r"^\d{4}-\d{2}-\d{2}[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"
LocalMoment = Annotated[
    datetime,
    WithJsonSchema({"type": "string", "pattern": LOCAL_MOMENT, "examples": ["2026-12-01T09:00"]}),
]


class VenueFormat(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        title="venue",
        json_schema_extra={
            "anyOf": [{"required": ["name"]}, {"required": ["address"]}],
            "allOf": [{"anyOf": [BOTH_NUMBERS, BOTH_NULL]}],
        },
    )
    name: OptionalTexts | None = Field(
        default=None, description="the place's name (the headquarters), per language"
    )
    address: OptionalTexts | None = Field(
        default=None, description="the street address, per language; empty until confirmed"
    )
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)


class EventFormat(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        title="event",
        # The booking fields come together: one of them asks for all the others.
        json_schema_extra={
            "dependentRequired": {
                name: [other for other in BOOKING_FIELDS if other != name]
                for name in BOOKING_FIELDS
            }
        },
    )
    id: str = Field(
        pattern=EVENT_ID,
        max_length=MAX_EVENT_ID,
        description="a short name in lower case, like mre-day-2027",
    )
    title: Texts = Field(description="the title in ar and fr (en optional)")
    description: Texts = Field(description="a short description in ar and fr (en optional)")
    venue: VenueFormat = Field(
        description="the place: its name and address in ar and fr (empty until confirmed), "
        "latitude and longitude (null until confirmed)"
    )
    days: list[Day] = Field(min_length=1, description="the dates, one per line, like - 2027-08-10")
    # The booking terms: all given for an event booked through the bot, all left out otherwise.
    opens: ClockTime | None = Field(default=None, description="the opening time, like '09:00'")
    closes: ClockTime | None = Field(default=None, description="the closing time, like '16:00'")
    slot_minutes: int | None = Field(
        default=None, ge=5, le=240, description="the length of one appointment in minutes, like 30"
    )
    capacity: int | None = Field(
        default=None, ge=1, le=1000, description="how many people one slot takes, like 5"
    )
    booking_opens: LocalMoment | None = Field(
        default=None, description="when booking starts, in Moroccan time, like 2026-12-01T09:00"
    )
    booking_closes: LocalMoment | None = Field(
        default=None, description="when booking ends, in Moroccan time, like 2027-08-08T18:00"
    )
    topics: list[Literal[TOPICS]] | None = Field(
        default=None, min_length=1, description=f"the topics offered, from: {', '.join(TOPICS)}"
    )


class EventsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", title="Communication days of the MRE bot")
    next_edition_planned: bool = Field(
        default=False,
        description="true once the agency has announced another edition without dates: /book "
        "then offers to tell citizens when its booking opens",
    )
    events: list[EventFormat] | None = Field(
        default=None, description="the list of events, each starting '- id:'; 'events: []' if none"
    )
