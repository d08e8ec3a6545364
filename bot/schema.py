"""JSON Schemas of the knowledge and events files, built from the validators' own constants.

An editor that speaks yaml-language-server (VS Code with Red Hat's YAML extension, and others)
reads the schema named on a file's first line, then completes field names, lists the allowed
categories and underlines mistakes while staff type. The schema only helps: `python -m bot kb
check` stays the judge and checks more than a schema can (duplicate ids, follow-ups that exist,
slots that fit the hours, Moroccan clock changes).

Every list, pattern and limit comes from `bot.knowledge`, `bot.knowledge_loader` and `bot.events`,
so a new category or field reaches the schema when `schema/` is regenerated (`python -m
bot.schema`); a test fails while the shipped files are out of date.

Editors still run draft-07 validators, so the documents use only keywords that draft-07 and
2020-12 share, and no `$ref`. Editors read YAML 1.2, where 2027-08-10 is text: dates are
"YYYY-MM-DD" strings here. PyYAML turns the same value into a date, so validate
`json_ready(yaml.safe_load(text))`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from bot.events import _BOOKING_FIELDS as EVENT_BOOKING_FIELDS
from bot.events import _FIELDS as EVENT_FIELDS
from bot.events import _ID as EVENT_ID
from bot.events import _ISO_DAY, _TIME, _VENUE_FIELDS, TOPICS
from bot.events import MAX_ID_LENGTH as EVENT_MAX_ID_LENGTH
from bot.knowledge import (
    ACTIONS,
    ANSWER_LANGUAGES,
    CATEGORIES,
    QUESTION_LANGUAGES,
    REQUIRED_LANGUAGES,
)
from bot.knowledge_loader import (
    _AGENCY_FIELDS,
    _EMAIL,
    _ENTRY_FIELDS,
    _ID_PATTERN,
    _PHONE,
    MAX_FOLLOW_UPS,
    MAX_ID_LENGTH,
    PHONE_SCREEN_TEXT,
    TELEGRAM_MAX_TEXT,
)

__all__ = ["SCHEMA_FILES", "events_schema", "json_ready", "knowledge_schema", "write_schemas"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FILES = {"knowledge": "knowledge.schema.json", "events": "events.schema.json"}
_LANGUAGES = {
    "ar": "Modern Standard Arabic (arabe)",
    "ary": "Moroccan Darija in Arabic script (darija en lettres arabes)",
    "ary_latn": "Darija in Latin letters, 3=ع 7=ح 9=ق (darija en lettres latines)",
    "fr": "French (français)",
    "en": "English (anglais)",
}
# A web address as _is_web_url wants it: http(s) in any case, a dotted host, no spaces.
_WEB_URL = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]*\.[^\s/?#]*([/?#]\S*)?$"
# bot.events._MOMENT without its 'Z' or offset, which the checker refuses: Moroccan wall time.
_LOCAL_MOMENT = r"^\d{4}-\d{2}-\d{2}[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"
_NOT_BLANK = r"\S"


def knowledge_schema() -> dict[str, Any]:
    """The schema of every knowledge/*.yml file except events.yml: one section per file."""
    sections = {
        "entries": _entries(),
        "groups": _groups(),
        "out_of_scope": _out_of_scope(),
        "agency": _agency(),
    }
    return {
        "$schema": DRAFT,
        "title": "Knowledge file of the MRE bot",
        "description": (
            f"One section per file: {', '.join(sections)}. See knowledge/FORMAT.md and check with:"
            " python -m bot kb check. (FR : une seule section par fichier.)"
        ),
        "type": "object",
        "properties": sections,
        "additionalProperties": False,
        "minProperties": 1,
        "maxProperties": 1,
    }


def events_schema() -> dict[str, Any]:
    """The schema of knowledge/events.yml: the communication days, past and to book."""
    fields = {
        "id": {
            "type": "string",
            "pattern": EVENT_ID.pattern,
            "maxLength": EVENT_MAX_ID_LENGTH,
        },
        "title": _texts(ANSWER_LANGUAGES, closed=True),
        "description": _texts(ANSWER_LANGUAGES, closed=True),
        "venue": _venue(),
        "days": {
            "type": "array",
            "minItems": 1,
            "items": _day("A date of the event, YYYY-MM-DD, without a weekday name."),
        },
        "opens": _time(),
        "closes": _time(),
        # The bounds are those of _EventCheck.run (whole("slot_minutes", 5, 240) and capacity).
        "slot_minutes": {"type": "integer", "minimum": 5, "maximum": 240},
        "capacity": {"type": "integer", "minimum": 1, "maximum": 1000},
        "booking_opens": _moment(),
        "booking_closes": _moment(),
        "topics": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "enum": list(TOPICS)},
        },
    }
    _same_fields("event", fields, EVENT_FIELDS)
    for name, what in EVENT_FIELDS.items():
        title = name.replace("_", " ").capitalize()
        need = "Booking field" if name in EVENT_BOOKING_FIELDS else "Required"
        fields[name] = {"title": title, "description": f"{need}: {what}.", **fields[name]}
    # The booking fields come together: one of them asks for all the others.
    together = {
        name: [other for other in EVENT_BOOKING_FIELDS if other != name]
        for name in EVENT_BOOKING_FIELDS
    }
    event = {
        "title": "One event",
        "description": (
            "id, title, description, venue and days are required; the booking fields are all"
            " given (booked through the bot) or all left out (a past or announced edition)."
            " (FR : les champs de réservation vont ensemble.)"
        ),
        "type": "object",
        "properties": fields,
        "required": [name for name in EVENT_FIELDS if name not in EVENT_BOOKING_FIELDS],
        "dependentRequired": together,
        "additionalProperties": False,
    }
    return {
        "$schema": DRAFT,
        "title": "Communication days of the MRE bot (events.yml)",
        "description": (
            "Days are dates (YYYY-MM-DD), times are Moroccan local time; never type a weekday"
            " name. Check with: python -m bot kb check. (FR : heure locale marocaine, sans nom"
            " de jour.)"
        ),
        "type": "object",
        "properties": {
            "next_edition_planned": {
                "title": "Next edition planned",
                "description": (
                    "true once the agency has announced another edition without dates: /book"
                    " then offers to tell citizens when its booking opens."
                ),
                "type": "boolean",
            },
            "events": {
                "title": "Events",
                "description": "The list of events, each starting '- id:'; 'events: []' if none.",
                "type": ["array", "null"],
                "items": event,
            },
        },
        "additionalProperties": False,
    }


def write_schemas(folder: Path) -> list[Path]:
    """Write both schemas into `folder` (created if missing); return the files written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in (("knowledge", knowledge_schema()), ("events", events_schema())):
        path = folder / SCHEMA_FILES[name]
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


def json_ready(value: Any) -> Any:
    """A YAML document as an editor sees it: PyYAML's dates and datetimes back to ISO text."""
    if isinstance(value, dict):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_ready(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


# ----------------------------------------------------------------------------- knowledge parts


def _entries() -> dict[str, Any]:
    fields = {
        "id": {
            "title": "Id",
            "description": "Fixed id like permit.documents (lower case, dotted); never rename it."
            " (FR : identifiant fixe, ne jamais le renommer.)",
            "type": "string",
            "pattern": _ID_PATTERN.pattern,
            "maxLength": MAX_ID_LENGTH,
        },
        "category": {
            "title": "Category",
            "description": f"One of: {', '.join(CATEGORIES)}. (FR : catégorie.)",
            "type": "string",
            "enum": list(CATEGORIES),
        },
        "questions": {
            "title": "Questions",
            "description": "How people really ask it, one line each, per language; "
            f"{' and '.join(REQUIRED_LANGUAGES)} required. (FR : questions par langue.)",
            "type": "object",
            "properties": {lang: _questions(lang) for lang in QUESTION_LANGUAGES},
            "required": list(REQUIRED_LANGUAGES),
            "additionalProperties": False,
        },
        "keywords": _strings(
            "Optional: words or short phrases that point to THIS topic and not to its neighbours."
        ),
        "answer": {
            "title": "Answer",
            **_texts(ANSWER_LANGUAGES, closed=True, max_length=TELEGRAM_MAX_TEXT),
            "description": f"Plain text (no HTML, no Markdown), {' and '.join(REQUIRED_LANGUAGES)}"
            f" required; Telegram refuses over {TELEGRAM_MAX_TEXT} characters, keep it under "
            f"{PHONE_SCREEN_TEXT}. (FR : texte simple, ar et fr obligatoires.)",
        },
        "links": {
            "title": "Links",
            "description": "Optional; official pages only, each with a title and a url.",
            "type": ["array", "null"],
            "items": _link(),
        },
        "follow_ups": {
            **_strings(f"Optional: ids of related entries; only the first {MAX_FOLLOW_UPS} show."),
            "items": {"type": "string", "pattern": _ID_PATTERN.pattern},
        },
        "action": {
            "title": "Action",
            "description": f"Optional button: one of {', '.join(ACTIONS)}.",
            "enum": [*ACTIONS, None],
        },
        "source": {
            "title": "Source",
            "description": "Where the facts come from. (FR : source des faits.)",
            "type": "string",
        },
        "reviewed": {
            **_day("Date the answer was last checked, like 2026-11-23 (no quotes)."),
            "type": ["string", "null"],
        },
    }
    _same_fields("entry", fields, _ENTRY_FIELDS)
    entry = {
        "title": "One entry (one topic)",
        "type": "object",
        "properties": fields,
        "required": ["id", "category", "questions", "answer"],
        "additionalProperties": False,
    }
    return {
        "title": "Entries",
        "description": "One entry answers one topic. (FR : une entrée par sujet.)",
        "type": "array",
        "items": entry,
    }


def _link() -> dict[str, Any]:
    title = {
        "description": "The link's title: one text, or one per language.",
        "anyOf": [
            {"type": "string", "pattern": _NOT_BLANK},
            {"type": "object", **_texts(ANSWER_LANGUAGES, closed=False)},
        ],
    }
    return {
        "type": "object",
        "properties": {"title": title, "url": _url("Full address, like https://www.rokhas.ma")},
        "required": ["title", "url"],
        "additionalProperties": False,
    }


def _groups() -> dict[str, Any]:
    return {
        "title": "Synonym groups",
        "description": "Group name: list of words that mean the SAME thing; a word in one group"
        " only. (FR : mots de même sens.)",
        "type": "object",
        "additionalProperties": {**_strings("Words or short phrases."), "type": "array"},
    }


def _out_of_scope() -> dict[str, Any]:
    subject = {
        "type": "object",
        "properties": {
            "subject": {"type": "string", "description": "A short label of the subject."},
            "phrases": {**_strings("How people ask about it, short."), "type": "array"},
        },
        "required": ["subject", "phrases"],
    }
    return {
        "title": "Out-of-scope subjects",
        "description": "Subjects the bot must not answer. (FR : sujets hors champ.)",
        "type": "array",
        "items": subject,
    }


def _agency() -> dict[str, Any]:
    hint = " Leave empty until confirmed. (FR : vide tant que non confirmé.)"
    coordinate = {"type": ["number", "null"]}
    fields = {
        "name": _agency_texts("The agency's name."),
        "website": _optional_url("The website, like https://aubm.ma." + hint),
        "address": _agency_texts("The address." + hint),
        "phones": {
            "description": "Phone numbers in international form, starting with +212." + hint,
            "type": ["array", "null"],
            "items": {"type": "string", "anyOf": [{"maxLength": 0}, {"pattern": _PHONE.pattern}]},
        },
        "email": {
            "description": "The e-mail address." + hint,
            "type": ["string", "null"],
            "anyOf": [{"maxLength": 0}, {"pattern": _ignoring_case(_EMAIL)}],
        },
        "opening_hours": _agency_texts("Opening hours." + hint),
        "location": {
            "description": "Map position in decimal degrees: both numbers, or both null.",
            "type": ["object", "null"],
            "properties": {
                "latitude": {**coordinate, "minimum": -90, "maximum": 90},
                "longitude": {**coordinate, "minimum": -180, "maximum": 180},
            },
            "anyOf": [_both_numbers(), _both_null()],
        },
        "map_url": _optional_url("A map link (https://...)." + hint),
    }
    _same_fields("agency", fields, _AGENCY_FIELDS)
    return {
        "title": "Agency details",
        "description": "Only confirmed details; an empty field is never shown.",
        "type": "object",
        "properties": fields,
        "additionalProperties": False,
    }


def _agency_texts(description: str) -> dict[str, Any]:
    return {
        "description": description + " One text, or one per language.",
        "type": ["string", "object", "null"],
        "properties": {lang: {"type": ["string", "null"]} for lang in ANSWER_LANGUAGES},
    }


# ----------------------------------------------------------------------------- events parts


def _venue() -> dict[str, Any]:
    fields = {
        "name": {
            "title": "Name",
            **_unconfirmed_texts("The place's name, like the headquarters."),
        },
        "address": {"title": "Address", **_unconfirmed_texts("The street address.")},
        "latitude": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
        "longitude": {"type": ["number", "null"], "minimum": -180, "maximum": 180},
    }
    _same_fields("venue", fields, _VENUE_FIELDS)
    return {
        "type": "object",
        "properties": fields,
        "anyOf": [{"required": ["name"]}, {"required": ["address"]}],
        "additionalProperties": False,
        "allOf": [{"anyOf": [_both_numbers(), _both_null()]}],
    }


def _unconfirmed_texts(description: str) -> dict[str, Any]:
    """Texts per language that stay empty ("") until the agency confirms them."""
    return {
        "description": f"{description} Leave a language empty until it is confirmed.",
        "type": ["object", "null"],
        "properties": {lang: {"type": ["string", "null"]} for lang in ANSWER_LANGUAGES},
        "additionalProperties": False,
    }


def _time() -> dict[str, Any]:
    return {"type": "string", "pattern": _TIME.pattern, "examples": ["09:00"]}


def _moment() -> dict[str, Any]:
    return {"type": "string", "pattern": _LOCAL_MOMENT, "examples": ["2026-12-01T09:00"]}


# ----------------------------------------------------------------------------- shared pieces


def _texts(
    languages: Iterable[str], *, closed: bool, max_length: int | None = None
) -> dict[str, Any]:
    """One non-blank text per language; `closed` refuses other languages (and requires ar, fr)."""
    text: dict[str, Any] = {"type": "string", "pattern": _NOT_BLANK}
    if max_length is not None:
        text["maxLength"] = max_length
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            lang: {**text, "description": _LANGUAGES.get(lang, lang)} for lang in languages
        },
    }
    if closed:
        schema["required"] = list(REQUIRED_LANGUAGES)
        schema["additionalProperties"] = False
    return schema


def _strings(description: str) -> dict[str, Any]:
    """An optional list of non-blank texts."""
    return {
        "description": description,
        "type": ["array", "null"],
        "items": {"type": "string", "pattern": _NOT_BLANK},
    }


def _questions(lang: str) -> dict[str, Any]:
    """The questions in one language: at least one in each required language."""
    schema = {**_strings(_LANGUAGES.get(lang, lang)), "type": "array"}
    if lang in REQUIRED_LANGUAGES:
        schema["minItems"] = 1
    return schema


def _url(description: str) -> dict[str, Any]:
    return {"description": description, "type": "string", "format": "uri", "pattern": _WEB_URL}


def _optional_url(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "anyOf": [{"type": "string", "maxLength": 0}, {"type": "null"}, _url(description)],
    }


def _day(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "type": "string",
        "pattern": _ISO_DAY.pattern,
        "format": "date",
    }


def _both_numbers() -> dict[str, Any]:
    number = {"type": "number"}
    return {
        "properties": {"latitude": number, "longitude": number},
        "required": ["latitude", "longitude"],
    }


def _both_null() -> dict[str, Any]:
    return {"properties": {"latitude": {"type": "null"}, "longitude": {"type": "null"}}}


def _ignoring_case(pattern: re.Pattern[str]) -> str:
    """JSON Schema patterns take no flags: spell out the letter ranges of an IGNORECASE regex."""
    text = pattern.pattern
    if pattern.flags & re.IGNORECASE:
        text = text.replace("[a-z]", "[A-Za-z]")
    return text


def _same_fields(what: str, fields: dict[str, Any], expected: Iterable[str]) -> None:
    """Fail loudly when the checker learns a field that the schema does not describe yet."""
    if set(fields) != set(expected):
        missing, extra = set(expected) - set(fields), set(fields) - set(expected)
        raise RuntimeError(f"{what} schema out of step: missing {missing}, extra {extra}")


if __name__ == "__main__":
    for written in write_schemas(Path(__file__).resolve().parent.parent / "schema"):
        print(written)
