"""The other sections of the knowledge, validated against their models (bot.formats): synonym
groups (`groups:`), out-of-scope subjects (`out_of_scope:`) and the agency's own details
(`agency:`), where an unconfirmed field stays empty and is never shown. What a model cannot
say is checked here: a word in two synonym groups, a map position given half."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from bot.format_errors import line_at, report_validation
from bot.formats import AgencyFormat, DecoyFormat, Text
from bot.knowledge import ANSWER_LANGUAGES, AgencyDetails, Decoy
from bot.knowledge_entries import Collected
from bot.normalize import normalize
from bot.validation import Report
from bot.yamlsource import LineDict, LineList

__all__ = ["check_agency", "check_decoys", "check_synonyms"]

_WORDS = TypeAdapter(list[Text])


def check_synonyms(value: Any, report: Report, collected: Collected) -> None:
    if not isinstance(value, LineDict):
        report.error(1, "'groups' must map a group name to a list of words")
        return
    for name, members in value.items():
        try:
            words = _WORDS.validate_python(members)
        except ValidationError:
            report.error(
                value.line_of(name), f"synonym group '{name}' must be a list of words or phrases"
            )
            continue
        assert isinstance(members, LineList)
        for index, member in enumerate(words):
            key = normalize(member)
            if key in collected.synonym_lines and collected.synonym_lines[key][0] != name:
                other, other_line, _ = collected.synonym_lines[key]
                report.error(
                    members.line_of(index),
                    f"'{member}' is in group '{name}' and in group '{other}' (line {other_line}); "
                    "keep it in one group only",
                )
                continue
            collected.synonym_lines[key] = (str(name), members.line_of(index), report.file)
        collected.synonyms[str(name)] = tuple(words)


def check_decoys(value: Any, report: Report, collected: Collected) -> None:
    if not isinstance(value, LineList):
        report.error(
            1, "'out_of_scope' must be a list of subjects (- subject: ... phrases: [...])"
        )
        return
    for index, item in enumerate(value):
        try:
            decoy = DecoyFormat.model_validate(item)
        except ValidationError as error:
            if isinstance(item, LineDict):
                report_validation(error, item, report, DecoyFormat)
            else:
                report.error(value.line_of(index), "each out-of-scope subject needs 'subject'")
            continue
        answer = dict(decoy.answer or {})
        collected.decoys.append(Decoy(decoy.subject, tuple(decoy.phrases), answer))


def check_agency(value: Any, report: Report, collected: Collected) -> None:
    if not isinstance(value, LineDict):
        report.error(1, "'agency' must be a mapping of the agency's details")
        return
    try:
        agency = AgencyFormat.model_validate(value)
    except ValidationError as error:
        report_validation(error, value, report, AgencyFormat)
        return
    location = agency.location
    latitude = location.latitude if location else None
    longitude = location.longitude if location else None
    if (latitude is None) != (longitude is None):
        report.error(
            line_at(value, ["location"]),
            "agency 'location' needs both latitude (-90..90) and longitude (-180..180) as "
            "numbers, or both null",
        )
        latitude = longitude = None
    collected.agency = AgencyDetails(
        name=_texts(agency.name),
        website=(agency.website or "").strip(),
        address=_texts(agency.address),
        phones=tuple(phone.strip() for phone in agency.phones or () if phone.strip()),
        email=(agency.email or "").strip(),
        opening_hours=_texts(agency.opening_hours),
        latitude=latitude,
        longitude=longitude,
        map_url=(agency.map_url or "").strip(),
    )


def _texts(raw: str | dict[str, str | None] | None) -> dict[str, str]:
    """One text for every language, or one per language; empty ones are left out."""
    if isinstance(raw, str):
        return {lang: raw.strip() for lang in ANSWER_LANGUAGES} if raw.strip() else {}
    return {lang: text.strip() for lang, text in (raw or {}).items() if text and text.strip()}
