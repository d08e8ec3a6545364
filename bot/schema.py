"""JSON Schemas of the knowledge and events files, generated from their models (bot.formats).

An editor that speaks yaml-language-server (VS Code with Red Hat's YAML extension, and others)
reads the schema named on a file's first line, then completes field names, lists the allowed
categories and underlines mistakes while staff type. The schema only helps: `python -m bot kb
check` stays the judge and checks more than a schema can (duplicate ids, follow-ups that exist,
slots that fit the hours, Moroccan clock changes). Both come from the same models, so a new
category or field reaches the schema when `schema/` is regenerated (`python -m bot.schema`); a
test fails while the shipped files are out of date.

Editors still run draft-07 validators, so the documents use no `$ref` (every definition is
written in place). Editors read YAML 1.2, where 2027-08-10 is text: dates are "YYYY-MM-DD"
strings here. PyYAML turns the same value into a date, so validate
`json_ready(yaml.safe_load(text))`.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from bot.formats import EventsFile, KnowledgeFile

__all__ = ["SCHEMA_FILES", "events_schema", "json_ready", "knowledge_schema", "write_schemas"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FILES = {"knowledge": "knowledge.schema.json", "events": "events.schema.json"}


def knowledge_schema() -> dict[str, Any]:
    """The schema of every knowledge/*.yml file except events.yml: one section per file."""
    return _for_editors(
        KnowledgeFile,
        "One section per file: entries, groups, out_of_scope or agency. See knowledge/FORMAT.md "
        "and check with: python -m bot kb check. (FR : une seule section par fichier.)",
    )


def events_schema() -> dict[str, Any]:
    """The schema of knowledge/events.yml: the communication days, past and to book."""
    return _for_editors(
        EventsFile,
        "Days are dates (YYYY-MM-DD), times are Moroccan local time; never type a weekday name. "
        "Check with: python -m bot kb check. (FR : heure locale marocaine, sans nom de jour.)",
    )


def _for_editors(model: type[BaseModel], description: str) -> dict[str, Any]:
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})
    return {"$schema": DRAFT, **_inline(schema, definitions), "description": description}


def _inline(node: Any, definitions: dict[str, Any]) -> Any:
    """The schema with every `$ref` replaced by the definition it names."""
    if isinstance(node, dict):
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith("#/$defs/"):
            found = definitions[reference.removeprefix("#/$defs/")]
            rest = {key: value for key, value in node.items() if key != "$ref"}
            return _inline({**found, **rest}, definitions)
        return {key: _inline(value, definitions) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(item, definitions) for item in node]
    return node


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


if __name__ == "__main__":
    for written in write_schemas(Path(__file__).resolve().parent.parent / "schema"):
        print(written)
