"""The pieces of the JSON Schemas (bot.schema): one builder per section and field, each taking
its lists, patterns and limits from the validators' public constants."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from bot.events_fields import ISO_DAY
from bot.knowledge import (
    ACTIONS,
    ANSWER_LANGUAGES,
    CATEGORIES,
    QUESTION_LANGUAGES,
    REQUIRED_LANGUAGES,
)
from bot.knowledge_entries import (
    ENTRY_FIELDS,
    ID_PATTERN,
    MAX_ANSWER_TEXT,
    MAX_FOLLOW_UPS,
    MAX_ID_LENGTH,
    PHONE_SCREEN_TEXT,
)
from bot.knowledge_sections import AGENCY_FIELDS, EMAIL, PHONE

__all__ = [
    "DRAFT",
    "agency",
    "both_null",
    "both_numbers",
    "day",
    "entries",
    "groups",
    "out_of_scope",
    "same_fields",
    "texts",
]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
_LANGUAGES = {
    "ar": "Modern Standard Arabic (arabe)",
    "ary": "Moroccan Darija in Arabic script (darija en lettres arabes)",
    "ary_latn": "Darija in Latin letters, 3=ع 7=ح 9=ق (darija en lettres latines)",
    "fr": "French (français)",
    "en": "English (anglais)",
}
# A web address as bot.validation.is_web_url wants it: http(s), a dotted host, no spaces.
_WEB_URL = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]*\.[^\s/?#]*([/?#]\S*)?$"
_NOT_BLANK = r"\S"


# ----------------------------------------------------------------------------- knowledge parts


def entries() -> dict[str, Any]:
    fields = {
        "id": {
            "title": "Id",
            "description": "Fixed id like permit.documents (lower case, dotted); never rename it."
            " (FR : identifiant fixe, ne jamais le renommer.)",
            "type": "string",
            "pattern": ID_PATTERN.pattern,
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
            **texts(ANSWER_LANGUAGES, closed=True, max_length=MAX_ANSWER_TEXT),
            "description": f"Plain text (no HTML, no Markdown), {' and '.join(REQUIRED_LANGUAGES)}"
            f" required; one chat message holds {MAX_ANSWER_TEXT} characters, keep it under "
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
            "items": {"type": "string", "pattern": ID_PATTERN.pattern},
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
            **day("Date the answer was last checked, like 2026-11-23 (no quotes)."),
            "type": ["string", "null"],
        },
    }
    same_fields("entry", fields, ENTRY_FIELDS)
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
            {"type": "object", **texts(ANSWER_LANGUAGES, closed=False)},
        ],
    }
    return {
        "type": "object",
        "properties": {"title": title, "url": _url("Full address, like https://www.rokhas.ma")},
        "required": ["title", "url"],
        "additionalProperties": False,
    }


def groups() -> dict[str, Any]:
    return {
        "title": "Synonym groups",
        "description": "Group name: list of words that mean the SAME thing; a word in one group"
        " only. (FR : mots de même sens.)",
        "type": "object",
        "additionalProperties": {**_strings("Words or short phrases."), "type": "array"},
    }


def out_of_scope() -> dict[str, Any]:
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


def agency() -> dict[str, Any]:
    hint = " Leave empty until confirmed. (FR : vide tant que non confirmé.)"
    coordinate = {"type": ["number", "null"]}
    fields = {
        "name": _agency_texts("The agency's name."),
        "website": _optional_url("The website, like https://aubm.ma." + hint),
        "address": _agency_texts("The address." + hint),
        "phones": {
            "description": "Phone numbers in international form, starting with +212." + hint,
            "type": ["array", "null"],
            "items": {"type": "string", "anyOf": [{"maxLength": 0}, {"pattern": PHONE.pattern}]},
        },
        "email": {
            "description": "The e-mail address." + hint,
            "type": ["string", "null"],
            "anyOf": [{"maxLength": 0}, {"pattern": _ignoring_case(EMAIL)}],
        },
        "opening_hours": _agency_texts("Opening hours." + hint),
        "location": {
            "description": "Map position in decimal degrees: both numbers, or both null.",
            "type": ["object", "null"],
            "properties": {
                "latitude": {**coordinate, "minimum": -90, "maximum": 90},
                "longitude": {**coordinate, "minimum": -180, "maximum": 180},
            },
            "anyOf": [both_numbers(), both_null()],
        },
        "map_url": _optional_url("A map link (https://...)." + hint),
    }
    same_fields("agency", fields, AGENCY_FIELDS)
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


# ----------------------------------------------------------------------------- shared pieces


def texts(
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


def day(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "type": "string",
        "pattern": ISO_DAY.pattern,
        "format": "date",
    }


def both_numbers() -> dict[str, Any]:
    number = {"type": "number"}
    return {
        "properties": {"latitude": number, "longitude": number},
        "required": ["latitude", "longitude"],
    }


def both_null() -> dict[str, Any]:
    return {"properties": {"latitude": {"type": "null"}, "longitude": {"type": "null"}}}


def _ignoring_case(pattern: re.Pattern[str]) -> str:
    """JSON Schema patterns take no flags: spell out the letter ranges of an IGNORECASE regex."""
    text = pattern.pattern
    if pattern.flags & re.IGNORECASE:
        text = text.replace("[a-z]", "[A-Za-z]")
    return text


def same_fields(what: str, fields: dict[str, Any], expected: Iterable[str]) -> None:
    """Fail loudly when the checker learns a field that the schema does not describe yet."""
    if set(fields) != set(expected):
        missing, extra = set(expected) - set(fields), set(fields) - set(expected)
        raise RuntimeError(f"{what} schema out of step: missing {missing}, extra {extra}")
