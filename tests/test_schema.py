"""The editors' JSON Schemas: shipped as generated, accepting every shipped file, and refusing what
`python -m bot kb check` refuses.

PyYAML reads 2027-08-10 as a date where editors (YAML 1.2) read text, so documents go through
`json_ready` (dates back to ISO text) before validation; the schema describes the editor's view.
Each broken document is also given to the real checker, so the schema and the checker agree.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from bot.cli import main
from bot.errors import Severity
from bot.events_check import check_events
from bot.knowledge_loader import check_folder
from bot.schema import SCHEMA_FILES, events_schema, json_ready, knowledge_schema, write_schemas
from bot.validation import is_web_url

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schema"
KNOWLEDGE_FILES = sorted(p for p in (ROOT / "knowledge").glob("*.yml") if p.name != "events.yml")
EVENTS_FILE = ROOT / "knowledge" / "events.yml"
REGENERATE = "python -m bot.schema (or: python -m bot kb schema > schema/knowledge.schema.json)"

ENTRY = """\
entries:
  - id: permit.documents
    category: permits
    questions:
      ar: [ما هي وثائق رخصة البناء؟]
      fr: ["Quels documents pour le permis de construire ?"]
    answer:
      ar: الملف يضم وثائق الملكية والتصاميم.
      fr: Le dossier comprend le titre de propriété et les plans.
    links:
      - title: {ar: منصة رخص, fr: Plateforme Rokhas}
        url: https://www.rokhas.ma
    action: book
    reviewed: 2026-11-23
"""
AGENCY = """\
agency:
  name: {ar: الوكالة الحضرية لبني ملال, fr: Agence urbaine de Béni Mellal}
  website: https://aubm.ma
  phones: ["+212 523 00 00 00"]
  email: contact@aubm.ma
  location: {latitude: 32.33, longitude: -6.35}
"""
EVENT = """\
events:
  - id: mre-day
    title: {ar: اليوم التواصلي, fr: Journée de communication}
    description: {ar: لقاء مع مغاربة العالم, fr: Rencontre avec les Marocains du monde}
    venue:
      address: {ar: مقر الوكالة, fr: Siège de l'agence}
      latitude: null
      longitude: null
    days: [2027-08-09, 2027-08-10]
    opens: "09:00"
    closes: "16:00"
    slot_minutes: 30
    capacity: 5
    booking_opens: 2026-12-01T09:00
    booking_closes: 2027-08-08T18:00
    topics: [building_permit, housing_aid]
"""
Edit = Callable[[dict[str, Any]], Any]


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(schema: dict[str, Any], document: Any) -> list[str]:
    return [error.message for error in validator(schema).iter_errors(json_ready(document))]


def edited(text: str, edit: Edit) -> dict[str, Any]:
    document = copy.deepcopy(yaml.safe_load(text))
    edit(document)
    return document


def checker_errors(tmp_path: Path, document: Any, name: str) -> list[str]:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    if name == "events.yml":
        _, problems = check_events(path)
    else:
        _, problems = check_folder(tmp_path)
    return [p.message for p in problems if p.severity is Severity.ERROR]


def entry(document: dict[str, Any]) -> dict[str, Any]:
    return document["entries"][0]


def event(document: dict[str, Any]) -> dict[str, Any]:
    return document["events"][0]


# ----------------------------------------------------------------------------- shipped files


@pytest.mark.parametrize(
    ("name", "build"), [("knowledge", knowledge_schema), ("events", events_schema)]
)
def test_shipped_schema_is_what_the_code_generates(name, build):
    shipped = (SCHEMA_DIR / SCHEMA_FILES[name]).read_text(encoding="utf-8")
    generated = json.dumps(build(), ensure_ascii=False, indent=2) + "\n"
    assert shipped == generated, f"schema/{SCHEMA_FILES[name]} is out of date; run {REGENERATE}"


def test_write_schemas_writes_both_files(tmp_path):
    written = write_schemas(tmp_path / "schema")
    assert [path.name for path in written] == list(SCHEMA_FILES.values())
    for path in written:
        assert path.read_bytes() == (SCHEMA_DIR / path.name).read_bytes()


@pytest.mark.parametrize("build", [knowledge_schema, events_schema])
def test_schemas_are_valid_draft_2020_12(build):
    Draft202012Validator.check_schema(build())


@pytest.mark.parametrize("path", KNOWLEDGE_FILES, ids=lambda path: path.name)
def test_every_shipped_knowledge_file_validates(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/knowledge.schema.json\n")
    assert schema_errors(knowledge_schema(), yaml.safe_load(text)) == []


def test_the_shipped_events_file_validates():
    text = EVENTS_FILE.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/events.schema.json\n")
    assert schema_errors(events_schema(), yaml.safe_load(text)) == []


@pytest.mark.parametrize(
    ("option", "build"), [([], knowledge_schema), (["--events"], events_schema)]
)
def test_cli_prints_the_schema_as_json(capsys, option, build):
    assert main(["kb", "schema", *option]) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == build()
    name = "events" if option else "knowledge"
    assert out == (SCHEMA_DIR / SCHEMA_FILES[name]).read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- knowledge


ACCEPTED_KNOWLEDGE: list[tuple[str, str, Edit]] = [
    ("valid entry", ENTRY, lambda d: None),
    ("plain link title", ENTRY, lambda d: entry(d)["links"][0].update(title="Rokhas")),
    ("no optional field", ENTRY, lambda d: [entry(d).pop(k) for k in ("links", "action")]),
    ("empty keywords", ENTRY, lambda d: entry(d).update(keywords=None)),
    ("valid agency", AGENCY, lambda d: None),
    ("unknown agency details", AGENCY, lambda d: d["agency"].update(email="", website="")),
    ("e-mail in capitals", AGENCY, lambda d: d["agency"].update(email="Contact@AUBM.MA")),
    ("no position yet", AGENCY, lambda d: d["agency"].update(location={"latitude": None})),
]
REFUSED_KNOWLEDGE: list[tuple[str, str, Edit]] = [
    ("unknown field", ENTRY, lambda d: entry(d).update(questons={"fr": ["x"]})),
    ("missing fr answer", ENTRY, lambda d: entry(d)["answer"].pop("fr")),
    ("blank ar answer", ENTRY, lambda d: entry(d)["answer"].update(ar="  ")),
    ("unknown category", ENTRY, lambda d: entry(d).update(category="permit")),
    ("url without scheme", ENTRY, lambda d: entry(d)["links"][0].update(url="www.rokhas.ma")),
    ("url without a dot", ENTRY, lambda d: entry(d)["links"][0].update(url="https://rokhas")),
    ("link without title", ENTRY, lambda d: entry(d)["links"][0].pop("title")),
    ("answer over 4096", ENTRY, lambda d: entry(d)["answer"].update(fr="x" * 4097)),
    ("malformed id", ENTRY, lambda d: entry(d).update(id="Permit documents")),
    ("id over 50", ENTRY, lambda d: entry(d).update(id="permit." + "x" * 50)),
    ("unknown action", ENTRY, lambda d: entry(d).update(action="call")),
    ("no fr question", ENTRY, lambda d: entry(d)["questions"].update(fr=[])),
    ("unknown language", ENTRY, lambda d: entry(d)["questions"].update(es=["hola"])),
    ("reviewed not a date", ENTRY, lambda d: entry(d).update(reviewed="23/11/2026")),
    ("unknown section", ENTRY, lambda d: d.update(entrie=d.pop("entries"))),
    ("unknown agency field", AGENCY, lambda d: d["agency"].update(fax="+212 5")),
    ("bad website", AGENCY, lambda d: d["agency"].update(website="aubm.ma")),
    ("bad e-mail", AGENCY, lambda d: d["agency"].update(email="contact at aubm.ma")),
    ("bad phone", AGENCY, lambda d: d["agency"].update(phones=["call us"])),
    ("half a position", AGENCY, lambda d: d["agency"].update(location={"latitude": 32.3})),
    ("latitude over 90", AGENCY, lambda d: d["agency"]["location"].update(latitude=132)),
]


@pytest.mark.parametrize(
    ("case", "text", "edit"), ACCEPTED_KNOWLEDGE, ids=[c[0] for c in ACCEPTED_KNOWLEDGE]
)
def test_schema_and_checker_accept(tmp_path, case, text, edit):
    document = edited(text, edit)
    assert schema_errors(knowledge_schema(), document) == []
    assert checker_errors(tmp_path, document, "some.yml") == []


@pytest.mark.parametrize(
    ("case", "text", "edit"), REFUSED_KNOWLEDGE, ids=[c[0] for c in REFUSED_KNOWLEDGE]
)
def test_schema_and_checker_refuse(tmp_path, case, text, edit):
    document = edited(text, edit)
    assert schema_errors(knowledge_schema(), document), f"the schema accepts: {case}"
    assert checker_errors(tmp_path, document, "some.yml"), f"the checker accepts: {case}"


def test_one_section_per_file():
    """Stricter than the checker, which reads several sections: every shipped file has one."""
    document = {**yaml.safe_load(ENTRY), **yaml.safe_load(AGENCY)}
    assert schema_errors(knowledge_schema(), document)
    assert schema_errors(knowledge_schema(), {})


@pytest.mark.parametrize(
    "url",
    [
        "https://www.rokhas.ma",
        "http://aubm.ma/services?lang=fr#top",
        "HTTPS://AUBM.MA",
        "www.rokhas.ma",
        "ftp://aubm.ma",
        "https://localhost/path.html",
        "https://aubm .ma",
        "mailto:contact@aubm.ma",
    ],
)
def test_link_urls_follow_the_checker(url):
    document = edited(ENTRY, lambda d: entry(d)["links"][0].update(url=url))
    assert (schema_errors(knowledge_schema(), document) == []) == is_web_url(url)


# ----------------------------------------------------------------------------- events


REFUSED_EVENTS: list[tuple[str, Edit]] = [
    ("unknown topic", lambda d: event(d)["topics"].append("taxes")),
    ("no topic", lambda d: event(d).update(topics=[])),
    ("time with h", lambda d: event(d).update(opens="9h00")),
    ("hour 25", lambda d: event(d).update(closes="25:00")),
    ("unknown field", lambda d: event(d).update(capacty=5)),
    ("missing field", lambda d: event(d).pop("capacity")),
    ("day not ISO", lambda d: event(d)["days"].append("10/08/2027")),
    ("impossible day", lambda d: event(d)["days"].append("2027-02-30")),
    ("booking with Z", lambda d: event(d).update(booking_opens="2026-12-01T09:00Z")),
    ("slot of 0 minutes", lambda d: event(d).update(slot_minutes=0)),
    ("capacity 0", lambda d: event(d).update(capacity=0)),
    ("id in capitals", lambda d: event(d).update(id="MRE-day")),
    ("id over 24", lambda d: event(d).update(id="mre-day-" + "x" * 20)),
    ("title without fr", lambda d: event(d)["title"].pop("fr")),
    ("title in Spanish", lambda d: event(d)["title"].update(es="Día")),
    ("half a position", lambda d: event(d)["venue"].update(latitude=32.3)),
    ("unknown venue field", lambda d: event(d)["venue"].update(city="Béni Mellal")),
    ("unknown section", lambda d: d.update(event=d.pop("events"))),
]


def test_a_valid_event_passes_both(tmp_path):
    document = yaml.safe_load(EVENT)
    assert schema_errors(events_schema(), document) == []
    assert checker_errors(tmp_path, document, "events.yml") == []


@pytest.mark.parametrize(("case", "edit"), REFUSED_EVENTS, ids=[c[0] for c in REFUSED_EVENTS])
def test_schema_and_checker_refuse_events(tmp_path, case, edit):
    document = edited(EVENT, edit)
    assert schema_errors(events_schema(), document), f"the schema accepts: {case}"
    assert checker_errors(tmp_path, document, "events.yml"), f"the checker accepts: {case}"
