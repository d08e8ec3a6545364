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
from datetime import date
from pathlib import Path
from typing import Any

from bot.events import TOPICS
from bot.events_fields import BOOKING_FIELDS as EVENT_BOOKING_FIELDS
from bot.events_fields import FIELDS as EVENT_FIELDS
from bot.events_fields import ID as EVENT_ID
from bot.events_fields import MAX_ID_LENGTH as EVENT_MAX_ID_LENGTH
from bot.events_fields import TIME, VENUE_FIELDS
from bot.knowledge import (
    ANSWER_LANGUAGES,
)
from bot.schema_parts import (
    DRAFT,
    agency,
    both_null,
    both_numbers,
    day,
    entries,
    groups,
    out_of_scope,
    same_fields,
    texts,
)

# bot.events_fields.MOMENT without 'Z' or an offset (refused by the checker): Moroccan time.
_LOCAL_MOMENT = r"^\d{4}-\d{2}-\d{2}[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"

__all__ = ["SCHEMA_FILES", "events_schema", "json_ready", "knowledge_schema", "write_schemas"]

SCHEMA_FILES = {"knowledge": "knowledge.schema.json", "events": "events.schema.json"}


def knowledge_schema() -> dict[str, Any]:
    """The schema of every knowledge/*.yml file except events.yml: one section per file."""
    sections = {
        "entries": entries(),
        "groups": groups(),
        "out_of_scope": out_of_scope(),
        "agency": agency(),
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
        "title": texts(ANSWER_LANGUAGES, closed=True),
        "description": texts(ANSWER_LANGUAGES, closed=True),
        "venue": venue(),
        "days": {
            "type": "array",
            "minItems": 1,
            "items": day("A date of the event, YYYY-MM-DD, without a weekday name."),
        },
        "opens": clock_time(),
        "closes": clock_time(),
        # The bounds are those of _EventCheck.run (whole("slot_minutes", 5, 240) and capacity).
        "slot_minutes": {"type": "integer", "minimum": 5, "maximum": 240},
        "capacity": {"type": "integer", "minimum": 1, "maximum": 1000},
        "booking_opens": local_moment(),
        "booking_closes": local_moment(),
        "topics": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "enum": list(TOPICS)},
        },
    }
    same_fields("event", fields, EVENT_FIELDS)
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


# ----------------------------------------------------------------------------- events parts


def venue() -> dict[str, Any]:
    fields = {
        "name": {
            "title": "Name",
            **_unconfirmed_texts("The place's name, like the headquarters."),
        },
        "address": {"title": "Address", **_unconfirmed_texts("The street address.")},
        "latitude": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
        "longitude": {"type": ["number", "null"], "minimum": -180, "maximum": 180},
    }
    same_fields("venue", fields, VENUE_FIELDS)
    return {
        "type": "object",
        "properties": fields,
        "anyOf": [{"required": ["name"]}, {"required": ["address"]}],
        "additionalProperties": False,
        "allOf": [{"anyOf": [both_numbers(), both_null()]}],
    }


def _unconfirmed_texts(description: str) -> dict[str, Any]:
    """Texts per language that stay empty ("") until the agency confirms them."""
    return {
        "description": f"{description} Leave a language empty until it is confirmed.",
        "type": ["object", "null"],
        "properties": {lang: {"type": ["string", "null"]} for lang in ANSWER_LANGUAGES},
        "additionalProperties": False,
    }


def clock_time() -> dict[str, Any]:
    return {"type": "string", "pattern": TIME.pattern, "examples": ["09:00"]}


def local_moment() -> dict[str, Any]:
    return {"type": "string", "pattern": _LOCAL_MOMENT, "examples": ["2026-12-01T09:00"]}


if __name__ == "__main__":
    for written in write_schemas(Path(__file__).resolve().parent.parent / "schema"):
        print(written)
