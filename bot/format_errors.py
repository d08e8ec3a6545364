"""pydantic's errors, said the way staff can act on them, at the line they point to.

A pydantic error says where (a path of keys and positions) and what kind of rule was broken;
staff need the line in their file and what to write. The line comes from walking the path
through the line-aware YAML data; the words come from the kind of error and the kind of field
(a language of a text, an id, a web address...), with "did you mean" for misspelt names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.events import TOPICS
from bot.formats import MAX_ANSWER_TEXT
from bot.knowledge import ANSWER_LANGUAGES, QUESTION_LANGUAGES
from bot.validation import LANGUAGE_NAMES, Report, closest
from bot.yamlsource import LineDict, LineList

__all__ = ["line_at", "report_validation"]

# Fields holding one text per language, and how a missing or empty one is said.
_PER_LANGUAGE = {"title", "description", "answer", "questions", "name", "address"}
_RANGES = {"slot_minutes": (5, 240), "capacity": (1, 1000)}
_TIME_FIELDS = {"opens", "closes"}
_MOMENT_FIELDS = {"booking_opens", "booking_closes"}


def report_validation(
    error: ValidationError, data: Any, report: Report, model: type[BaseModel], label: str = ""
) -> None:
    """One message per place (a union's alternatives would say it twice), at its line, in
    words; `label` (an entry's id) starts each message."""
    said: set[tuple[str | int, ...]] = set()
    for item in error.errors(include_url=False):
        path = _path(data, item["loc"], item["type"])
        if tuple(path) in said:
            continue
        said.add(tuple(path))
        message = _describe(item, path, model)
        report.error(line_at(data, path), f"{label}: {message}" if label else message)


def line_at(data: Any, path: Sequence[str | int]) -> int:
    """The line of the deepest part of `path` that the data has (a missing key: its parent)."""
    line = getattr(data, "line", 1)
    node = data
    for part in path:
        if not _has(node, part):
            break
        if isinstance(node, LineDict | LineList):
            line = node.line_of(part)
        node = node[part]
    return line


def _has(node: Any, part: str | int) -> bool:
    """Whether the data holds this key (a mapping) or position (a list)."""
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _path(data: Any, loc: Sequence[str | int], kind: str) -> list[str | int]:
    """The error's location in the data: pydantic also names the alternatives of a union
    ('constrained-str', 'Texts'), which are not keys; a missing key ends the path."""
    path: list[str | int] = []
    node = data
    for index, part in enumerate(loc):
        if _has(node, part):
            node = node[part]
        elif index == len(loc) - 1 and kind == "missing":
            node = None
        else:
            continue
        path.append(part)
    return path


def _describe(item: dict[str, Any], path: list[str | int], model: type[BaseModel]) -> str:
    kind, value = item["type"], item.get("input")
    names = [part for part in path if isinstance(part, str)]
    field = names[-1] if names else ""
    parent = names[-2] if len(names) > 1 else ""
    if parent in _PER_LANGUAGE and (field in QUESTION_LANGUAGES or kind == "extra_forbidden"):
        return _language_text(kind, parent, field, value)
    if parent == "questions" and isinstance(path[-1], int):
        return f"empty question in questions.{field}; remove it"
    if kind == "extra_forbidden":
        return _unknown(field, path, model)
    if kind == "missing":
        return f"add '{field}': {_description(model, names)}"
    if field == "id":
        if kind == "string_too_long":
            limit = item.get("ctx", {}).get("max_length")
            return f"id '{value}' is over {limit} characters; buttons carry it: shorten it"
        return f"malformed 'id': write {_description(model, names)}"
    return _value(_Place(kind, field, parent, path, value, names), model)


def _language_text(kind: str, parent: str, lang: str, value: Any) -> str:
    name = LANGUAGE_NAMES.get(lang, lang)
    if parent == "questions":
        if kind == "extra_forbidden":
            hint = closest(lang, QUESTION_LANGUAGES)
            known = ", ".join(QUESTION_LANGUAGES)
            return f"unknown question language '{lang}'{hint} (use {known})"
        if kind in ("missing", "too_short"):
            return f"add at least one question in '{lang}' ({name})"
        return f"questions.{lang} must be a list of questions (- ...)"
    if kind == "extra_forbidden":
        hint = closest(lang, ANSWER_LANGUAGES)
        where = "answer language" if parent == "answer" else "language"
        inside = "" if parent == "answer" else f" in '{parent}'"
        return f"unknown {where} '{lang}'{inside}{hint} (use {', '.join(ANSWER_LANGUAGES)})"
    if parent == "answer":
        if kind == "missing":
            return f"add the answer in '{lang}' ({name})"
        if kind == "string_too_long":
            return (
                f"the '{lang}' answer has {len(str(value).strip())} characters, over the "
                f"{MAX_ANSWER_TEXT} of one chat message; shorten it or split it into two entries"
            )
        return f"the '{lang}' answer is empty; write the answer text"
    if kind == "missing":
        return f"add the '{parent}' in '{lang}' ({name})"
    return f"the '{lang}' text of '{parent}' is empty; write it"


def _unknown(key: str, path: list[str | int], model: type[BaseModel]) -> str:
    """A misspelt field: name it, with the closest right one."""
    owner = _model_at(model, [part for part in path[:-1] if isinstance(part, str)])
    fields = list(owner.model_fields) if owner is not None else []
    hint = closest(key, fields)
    title = (owner.model_config.get("title") or "") if owner is not None else ""
    if title in ("venue", "agency", "link", "location"):
        return f"unknown {title} field '{key}'{hint}"
    return f"unknown field '{key}'{hint}"


@dataclass(frozen=True)
class _Place:
    """Where an error is and what broke there."""

    kind: str
    field: str
    parent: str
    path: list[str | int]
    value: Any
    names: list[str]

    @property
    def in_list(self) -> bool:
        return bool(self.path) and isinstance(self.path[-1], int)


def _value(place: _Place, model: type[BaseModel]) -> str:
    """A value that is not what the field takes."""
    kind, field, parent, value, names = (
        place.kind,
        place.field,
        place.parent,
        place.value,
        place.names,
    )
    if field in _RANGES:
        low, high = _RANGES[field]
        return f"'{field}' must be a whole number, {low} to {high}"
    if field in _TIME_FIELDS:
        return f"'{field}' must be a time like '09:00' (24-hour clock)"
    if field in _MOMENT_FIELDS:
        return f"'{field}' must be a Moroccan local time like 2026-12-01T09:00"
    if field == "days":
        if place.in_list:
            return (
                f"'{value}' is not a date; write it as YYYY-MM-DD, like 2027-08-10, "
                "without a weekday name"
            )
        return "'days' must list dates, like - 2027-08-10"
    if field == "topics":
        if place.in_list:
            hint = closest(str(value), TOPICS)
            return f"unknown topic '{value}'{hint} (use {', '.join(TOPICS)})"
        return f"'topics' needs some of: {', '.join(TOPICS)}"
    if field in ("category", "action"):
        return f"'{field}' must be one of: {_choices(model, names)}"
    if field == "url":
        return f"malformed link url {value!r}; write a full address like https://aubm.ma"
    if field == "title" and parent == "links":
        return "the link needs a 'title' (text, or one per language)"
    if field in ("website", "map_url"):
        return f"agency '{field}' must be a full address (https://...)"
    if field == "email":
        return f"agency e-mail '{value}' is not an e-mail address"
    if field == "phones":
        if place.in_list:
            return (
                f"agency phone '{value}' is not a phone number; write it in international "
                "form, starting with +212"
            )
        return "agency 'phones' must be a list, e.g. ['+212 5...']"
    if field in ("latitude", "longitude", "location"):
        return (
            "both latitude (-90..90) and longitude (-180..180) as numbers, or both null until "
            "the position is confirmed"
        )
    if field == "reviewed":
        return "'reviewed' must be a date: 2026-11-23"
    if field == "next_edition_planned":
        return (
            "'next_edition_planned' must be true (the agency has announced another edition) "
            "or false"
        )
    if parent == "groups" or field == "groups":
        return f"synonym group '{field}' must be a list of words or phrases"
    if field in ("subject", "phrases") or parent == "out_of_scope":
        return "each out-of-scope subject needs 'subject' and 'phrases'"
    if field in _PER_LANGUAGE:
        return f"'{field}' must give one text per language: ar, fr, en"
    if field == "links":
        if place.in_list:
            return "each link needs 'title' and 'url'"
        return "'links' must be a list of title + url"
    if kind.startswith("list") or kind == "too_short" or field in ("keywords", "follow_ups"):
        return f"'{field}' must be a list of non-empty texts"
    return f"'{field}' is not valid: {_description(model, names) or kind}"


def _model_at(model: type[BaseModel], names: list[str]) -> type[BaseModel] | None:
    """The model that holds the field at the end of `names` (walking nested models)."""
    current: type[BaseModel] | None = model
    for name in names:
        if current is None or name not in current.model_fields:
            return current
        current = _nested_model(current.model_fields[name].annotation) or current
    return current


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = _nested_model(argument)
        if found is not None:
            return found
    return None


def _description(model: type[BaseModel], names: list[str]) -> str:
    owner = _model_at(model, names[:-1])
    if owner is None or not names or names[-1] not in owner.model_fields:
        return ""
    return owner.model_fields[names[-1]].description or ""


def _choices(model: type[BaseModel], names: list[str]) -> str:
    owner = _model_at(model, names[:-1])
    if owner is None or not names:
        return ""
    annotation = owner.model_fields[names[-1]].annotation
    return ", ".join(_literal_values(annotation))


def _literal_values(annotation: Any) -> list[str]:
    values: list[str] = []
    for argument in getattr(annotation, "__args__", ()):
        if isinstance(argument, str):
            values.append(argument)
        else:
            values.extend(_literal_values(argument))
    return values
