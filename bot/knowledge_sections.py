"""The other sections of the knowledge: synonym groups (`groups:`), out-of-scope subjects
(`out_of_scope:`) and the agency's own details (`agency:`), where an unconfirmed field stays
empty and is never shown."""

from __future__ import annotations

import re
from typing import Any

from bot.knowledge import ANSWER_LANGUAGES, AgencyDetails, Decoy
from bot.knowledge_entries import Collected
from bot.normalize import normalize
from bot.validation import Report, closest, is_web_url, report_repeated_keys
from bot.yamlsource import LineDict, LineList

__all__ = ["AGENCY_FIELDS", "EMAIL", "PHONE", "check_agency", "check_decoys", "check_synonyms"]

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
PHONE = re.compile(r"^\+?[0-9][0-9 .-]{6,}$")
AGENCY_FIELDS = {
    "name",
    "website",
    "address",
    "phones",
    "email",
    "opening_hours",
    "location",
    "map_url",
}


def check_synonyms(value: Any, report: Report, collected: Collected) -> None:
    if not isinstance(value, LineDict):
        report.error(1, "'groups' must map a group name to a list of words")
        return
    report_repeated_keys(value, report)
    for name, members in value.items():
        line = value.line_of(name)
        if not isinstance(members, LineList) or not all(
            isinstance(m, str) and m.strip() for m in members
        ):
            report.error(line, f"synonym group '{name}' must be a list of words or phrases")
            continue
        for index, member in enumerate(members):
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
        collected.synonyms[str(name)] = tuple(m.strip() for m in members)


def check_decoys(value: Any, report: Report, collected: Collected) -> None:
    if not isinstance(value, LineList):
        report.error(
            1, "'out_of_scope' must be a list of subjects (- subject: ... phrases: [...])"
        )
        return
    for index, item in enumerate(value):
        line = value.line_of(index)
        if not isinstance(item, LineDict) or not isinstance(item.get("subject"), str):
            report.error(line, "each out-of-scope subject needs 'subject' and 'phrases'")
            continue
        phrases = item.get("phrases")
        if not isinstance(phrases, LineList) or not all(
            isinstance(p, str) and p.strip() for p in phrases
        ):
            report.error(item.line_of("phrases"), f"'{item['subject']}': 'phrases' must be a list")
            continue
        collected.decoys.append(Decoy(item["subject"], tuple(p.strip() for p in phrases)))


def check_agency(value: Any, report: Report, collected: Collected) -> None:
    if not isinstance(value, LineDict):
        report.error(1, "'agency' must be a mapping of the agency's details")
        return
    for key in value:
        if key not in AGENCY_FIELDS:
            report.error(
                value.line_of(key), f"unknown agency field '{key}'{closest(key, AGENCY_FIELDS)}"
            )

    def texts(key: str) -> dict[str, str]:
        raw = value.get(key) or {}
        if isinstance(raw, str):
            return {lang: raw.strip() for lang in ANSWER_LANGUAGES} if raw.strip() else {}
        if not isinstance(raw, dict):
            report.error(
                value.line_of(key), f"agency '{key}' must be text or one text per language"
            )
            return {}
        return {str(k): str(v).strip() for k, v in raw.items() if v and str(v).strip()}

    def text(key: str) -> str:
        raw = value.get(key)
        if raw is None:
            return ""
        if not isinstance(raw, str):
            report.error(value.line_of(key), f"agency '{key}' must be text (or left empty)")
            return ""
        return raw.strip()

    website, email, map_url = text("website"), text("email"), text("map_url")
    for key, url in (("website", website), ("map_url", map_url)):
        if url and not is_web_url(url):
            report.error(
                value.line_of(key), f"agency '{key}' must be a full address (https://...)"
            )
    if email and not EMAIL.match(email):
        report.error(value.line_of("email"), f"agency e-mail '{email}' is not an e-mail address")
    phones_raw = value.get("phones") or []
    phones: list[str] = []
    if not isinstance(phones_raw, list):
        report.error(value.line_of("phones"), "agency 'phones' must be a list, e.g. ['+212 5...']")
    else:
        for raw_phone in phones_raw:
            phone = str(raw_phone).strip()
            if phone and not PHONE.match(phone):
                report.error(
                    value.line_of("phones"),
                    f"agency phone '{phone}' is not a phone number; "
                    "write it in international form, starting with +212",
                )
            elif phone:
                phones.append(phone)
    latitude, longitude = _check_location(value, report)
    collected.agency = AgencyDetails(
        name=texts("name"),
        website=website,
        address=texts("address"),
        phones=tuple(phones),
        email=email,
        opening_hours=texts("opening_hours"),
        latitude=latitude,
        longitude=longitude,
        map_url=map_url,
    )


def _check_location(value: LineDict, report: Report) -> tuple[float | None, float | None]:
    location = value.get("location")
    if not location:
        return None, None
    if not isinstance(location, dict):
        report.error(value.line_of("location"), "agency 'location' needs latitude and longitude")
        return None, None
    latitude, longitude = location.get("latitude"), location.get("longitude")
    if latitude is None and longitude is None:
        return None, None
    valid = (
        isinstance(latitude, int | float)
        and isinstance(longitude, int | float)
        and -90 <= latitude <= 90
        and -180 <= longitude <= 180
    )
    if not valid:
        report.error(
            value.line_of("location"),
            "agency 'location' needs both latitude (-90..90) and longitude (-180..180) as numbers",
        )
        return None, None
    return float(latitude), float(longitude)
