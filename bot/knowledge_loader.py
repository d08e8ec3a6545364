"""Read and validate the knowledge folder, reporting every problem at once.

Staff fix a file faster when they see all its problems in one go, each with the file, the line and
what to do. Loading never stops at the first error; it builds what it can, collects problems, and
only then decides: any error means the knowledge is refused as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bot.errors import KnowledgeError, Problem, Severity
from bot.knowledge import (
    ACTIONS,
    ANSWER_LANGUAGES,
    CATEGORIES,
    QUESTION_LANGUAGES,
    REQUIRED_LANGUAGES,
    AgencyDetails,
    Decoy,
    Entry,
    KnowledgeBase,
    Link,
)
from bot.normalize import normalize
from bot.terms import Analyzer, load_stopwords
from bot.yamlsource import LineDict, LineList, YamlSyntaxError, read_yaml

__all__ = ["TELEGRAM_MAX_TEXT", "check_folder", "load_knowledge"]

TELEGRAM_MAX_TEXT = 4096
PHONE_SCREEN_TEXT = 1000
MAX_FOLLOW_UPS = 3
# Telegram's button data holds 64 bytes; "fb:1:" + id must fit.
MAX_ID_LENGTH = 50
_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_PHONE = re.compile(r"^\+?[0-9][0-9 .-]{6,}$")
_ENTRY_FIELDS = {
    "id",
    "category",
    "questions",
    "keywords",
    "answer",
    "links",
    "follow_ups",
    "action",
    "source",
    "reviewed",
}
_AGENCY_FIELDS = {
    "name",
    "website",
    "address",
    "phones",
    "email",
    "opening_hours",
    "location",
    "map_url",
}
# Files that a later part of the product reads; the knowledge loader leaves them alone.
_OTHER_FILES = {"events.yml"}


@dataclass
class _Report:
    """Problems of one file, so each check says only what is wrong and where."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message, Severity.WARNING))


@dataclass
class _Collected:
    entries: list[Entry] = field(default_factory=list)
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    synonym_lines: dict[str, tuple[str, int, str]] = field(default_factory=dict)
    decoys: list[Decoy] = field(default_factory=list)
    agency: AgencyDetails | None = None
    id_lines: dict[str, tuple[str, int]] = field(default_factory=dict)
    follow_up_refs: list[tuple[str, int, str, str]] = field(default_factory=list)


def load_knowledge(folder: Path) -> KnowledgeBase:
    """Load the folder or raise KnowledgeError listing every error (warnings are not fatal)."""
    knowledge, problems = check_folder(folder)
    if knowledge is None:
        raise KnowledgeError([p for p in problems if p.severity is Severity.ERROR])
    return knowledge


def check_folder(folder: Path) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Validate everything; return the knowledge (None if any error) and all problems."""
    folder = Path(folder)
    problems: list[Problem] = []
    collected = _Collected()
    files = sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml"))
    if not folder.is_dir():
        problems.append(Problem(str(folder), 0, "the knowledge folder does not exist"))
        return None, problems
    if not files:
        problems.append(Problem(str(folder), 0, "no .yml file found in the knowledge folder"))
    for path in files:
        if path.name in _OTHER_FILES:
            continue
        report = _Report(str(path))
        _check_file(path, report, collected)
        problems.extend(report.problems)
    problems.extend(_check_references(collected))
    problems.extend(_check_synonym_stopwords(collected))
    if any(p.severity is Severity.ERROR for p in problems):
        return None, sorted(problems)
    knowledge = KnowledgeBase(
        entries=tuple(collected.entries),
        synonyms=dict(collected.synonyms),
        decoys=tuple(collected.decoys),
        agency=collected.agency or AgencyDetails(),
    )
    return knowledge, sorted(problems)


def _check_file(path: Path, report: _Report, collected: _Collected) -> None:
    try:
        data = read_yaml(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        report.error(1, "the file is not UTF-8 text; save it again as UTF-8")
        return
    except YamlSyntaxError as exc:
        report.error(
            exc.line,
            f"not valid YAML ({exc.message}); check the indentation and the quotes near this line",
        )
        return
    if data is None:
        report.warn(1, "the file is empty")
        return
    if not isinstance(data, LineDict):
        report.error(
            1, "the file must start with one of: entries:, groups:, out_of_scope:, agency:"
        )
        return
    _report_repeated_keys(data, report)
    sections: dict[str, Callable[[Any, _Report, _Collected], None]] = {
        "entries": _check_entries,
        "groups": _check_synonyms,
        "out_of_scope": _check_decoys,
        "agency": _check_agency,
    }
    for key, value in data.items():
        checker = sections.get(key)
        if checker is None:
            known = ", ".join(sections)
            report.error(data.line_of(key), f"unknown section '{key}'; use one of: {known}")
            continue
        checker(value, report, collected)


def _report_repeated_keys(mapping: LineDict, report: _Report) -> None:
    for key, line in mapping.repeated_keys:
        report.error(line, f"'{key}' is given twice here; keep only one")


# ----------------------------------------------------------------------------- entries


def _check_entries(value: Any, report: _Report, collected: _Collected) -> None:
    if not isinstance(value, LineList):
        report.error(getattr(value, "line", 1), "'entries' must be a list of entries (- id: ...)")
        return
    for index, item in enumerate(value):
        line = value.line_of(index)
        if not isinstance(item, LineDict):
            report.error(line, "each entry must be a mapping starting with '- id:'")
            continue
        entry = _check_entry(item, report, collected)
        if entry is not None:
            collected.entries.append(entry)


def _check_entry(item: LineDict, report: _Report, collected: _Collected) -> Entry | None:
    _report_repeated_keys(item, report)
    for key in item:
        if key not in _ENTRY_FIELDS:
            hint = _closest(str(key), _ENTRY_FIELDS)
            report.error(item.line_of(key), f"unknown field '{key}'{hint}")
    entry_id = item.get("id")
    if not isinstance(entry_id, str) or not _ID_PATTERN.match(entry_id):
        report.error(
            item.line_of("id"),
            "missing or malformed 'id': write it like 'permit.documents' (lower case, dotted)",
        )
        return None
    if len(entry_id) > MAX_ID_LENGTH:
        report.error(
            item.line_of("id"),
            f"id '{entry_id}' is over {MAX_ID_LENGTH} characters; buttons carry ids: shorten it",
        )
    if entry_id in collected.id_lines:
        first_file, first_line = collected.id_lines[entry_id]
        report.error(
            item.line_of("id"),
            f"duplicate id '{entry_id}' (already used at {first_file}:{first_line}); "
            "rename one or merge the two entries",
        )
        return None
    collected.id_lines[entry_id] = (report.file, item.line_of("id"))
    category = item.get("category")
    if category not in CATEGORIES:
        report.error(
            item.line_of("category"),
            f"{entry_id}: 'category' must be one of: {', '.join(CATEGORIES)}",
        )
    questions = _check_questions(entry_id, item, report)
    answer = _check_answer(entry_id, item, report)
    keywords = _check_strings(item, "keywords", entry_id, report)
    links = _check_links(entry_id, item, report)
    follow_ups = _check_strings(item, "follow_ups", entry_id, report)
    for index, target in enumerate(follow_ups):
        line = item["follow_ups"].line_of(index)
        collected.follow_up_refs.append((report.file, line, entry_id, target))
    if len(follow_ups) > MAX_FOLLOW_UPS:
        report.warn(
            item.line_of("follow_ups"), f"{entry_id}: only the first 3 follow_ups are shown"
        )
    action = item.get("action")
    if action is not None and action not in ACTIONS:
        report.error(
            item.line_of("action"), f"{entry_id}: 'action' must be one of: {', '.join(ACTIONS)}"
        )
    reviewed = item.get("reviewed")
    if reviewed is not None and not isinstance(reviewed, date):
        report.error(
            item.line_of("reviewed"), f"{entry_id}: 'reviewed' must be a date: 2026-11-23"
        )
        reviewed = None
    source = item.get("source", "")
    if not isinstance(source, str):
        report.error(item.line_of("source"), f"{entry_id}: 'source' must be text")
        source = ""
    return Entry(
        id=entry_id,
        category=str(category),
        questions=questions,
        answer=answer,
        keywords=tuple(keywords),
        links=tuple(links),
        follow_ups=tuple(follow_ups),
        action=action if action in ACTIONS else None,
        source=source,
        reviewed=reviewed,
        file=report.file,
        line=item.line,
    )


def _check_questions(entry_id: str, item: LineDict, report: _Report) -> dict[str, tuple[str, ...]]:
    value = item.get("questions")
    if not isinstance(value, LineDict):
        report.error(
            item.line_of("questions"),
            f"{entry_id}: 'questions' must list questions per language "
            f"({', '.join(REQUIRED_LANGUAGES)} at least)",
        )
        return {}
    _report_repeated_keys(value, report)
    result: dict[str, tuple[str, ...]] = {}
    seen: dict[str, int] = {}
    for lang, texts in value.items():
        line = value.line_of(lang)
        if lang not in QUESTION_LANGUAGES:
            hint = _closest(str(lang), QUESTION_LANGUAGES)
            report.error(
                line,
                f"{entry_id}: unknown question language '{lang}'{hint} "
                f"(use {', '.join(QUESTION_LANGUAGES)})",
            )
            continue
        if not isinstance(texts, LineList):
            report.error(line, f"{entry_id}: questions.{lang} must be a list of questions (- ...)")
            continue
        kept: list[str] = []
        for index, text in enumerate(texts):
            text_line = texts.line_of(index)
            if not isinstance(text, str) or not text.strip():
                report.error(
                    text_line, f"{entry_id}: empty question in questions.{lang}; remove it"
                )
                continue
            key = normalize(text)
            if key in seen:
                report.warn(
                    text_line,
                    f"{entry_id}: this question repeats line {seen[key]}; one copy is enough",
                )
            seen.setdefault(key, text_line)
            kept.append(text.strip())
        result[lang] = tuple(kept)
    for lang in REQUIRED_LANGUAGES:
        if not result.get(lang):
            report.error(
                item.line_of("questions"),
                f"{entry_id}: add at least one question in '{lang}' ({_LANGUAGE_NAMES[lang]})",
            )
    return result


_LANGUAGE_NAMES = {"ar": "Arabic", "fr": "French", "en": "English"}


def _check_answer(entry_id: str, item: LineDict, report: _Report) -> dict[str, str]:
    value = item.get("answer")
    if not isinstance(value, LineDict):
        report.error(
            item.line_of("answer"),
            f"{entry_id}: 'answer' must give the answer per language (ar and fr at least)",
        )
        return {}
    _report_repeated_keys(value, report)
    result: dict[str, str] = {}
    for lang, raw in value.items():
        line = value.line_of(lang)
        if lang not in ANSWER_LANGUAGES:
            report.error(
                line,
                f"{entry_id}: unknown answer language '{lang}' "
                f"(use {', '.join(ANSWER_LANGUAGES)})",
            )
            continue
        if not isinstance(raw, str) or not raw.strip():
            report.error(line, f"{entry_id}: the '{lang}' answer is empty; write the answer text")
            continue
        text = raw.strip()
        if len(text) > TELEGRAM_MAX_TEXT:
            report.error(
                line,
                f"{entry_id}: the '{lang}' answer has {len(text)} characters, over Telegram's "
                f"{TELEGRAM_MAX_TEXT}; shorten it or split it into two entries",
            )
        elif len(text) > PHONE_SCREEN_TEXT:
            report.warn(
                line,
                f"{entry_id}: the '{lang}' answer has {len(text)} characters; keep it under "
                f"{PHONE_SCREEN_TEXT} so it reads well on a phone",
            )
        result[lang] = text
    for lang in REQUIRED_LANGUAGES:
        if lang not in value:
            report.error(
                item.line_of("answer"),
                f"{entry_id}: add the answer in '{lang}' ({_LANGUAGE_NAMES[lang]})",
            )
    return result


def _check_strings(item: LineDict, key: str, entry_id: str, report: _Report) -> list[str]:
    value = item.get(key)
    if value is None:
        return []
    if not isinstance(value, LineList) or not all(
        isinstance(text, str) and text.strip() for text in value
    ):
        report.error(item.line_of(key), f"{entry_id}: '{key}' must be a list of non-empty texts")
        return []
    return [text.strip() for text in value]


def _check_links(entry_id: str, item: LineDict, report: _Report) -> list[Link]:
    value = item.get("links")
    if value is None:
        return []
    if not isinstance(value, LineList):
        report.error(item.line_of("links"), f"{entry_id}: 'links' must be a list of title + url")
        return []
    links: list[Link] = []
    for index, link in enumerate(value):
        line = value.line_of(index)
        if not isinstance(link, LineDict):
            report.error(line, f"{entry_id}: each link needs 'title' and 'url'")
            continue
        url = link.get("url")
        if not isinstance(url, str) or not _is_web_url(url):
            report.error(
                link.line_of("url"),
                f"{entry_id}: malformed link url {url!r}; write a full address like https://aubm.ma",
            )
            continue
        title = link.get("title")
        if isinstance(title, str) and title.strip():
            titles = {lang: title.strip() for lang in ANSWER_LANGUAGES}
        elif isinstance(title, LineDict) and all(isinstance(t, str) for t in title.values()):
            titles = {str(lang): str(text).strip() for lang, text in title.items()}
        else:
            report.error(
                link.line_of("title"),
                f"{entry_id}: the link to {url} needs a 'title' (text, or one per language)",
            )
            continue
        extra = set(link) - {"title", "url"}
        if extra:
            report.error(
                line, f"{entry_id}: a link has only 'title' and 'url', not {sorted(extra)}"
            )
        links.append(Link(title=titles, url=url.strip()))
    return links


def _is_web_url(url: str) -> bool:
    parsed = urlparse(url.strip())
    return (
        parsed.scheme in ("http", "https")
        and "." in parsed.netloc
        and not any(ch.isspace() for ch in url.strip())
    )


def _closest(word: str, choices: Iterable[str]) -> str:
    from rapidfuzz import process

    match = process.extractOne(word, list(choices), score_cutoff=70)
    return f" (did you mean '{match[0]}'?)" if match else ""


# ----------------------------------------------------------------------------- other sections


def _check_synonyms(value: Any, report: _Report, collected: _Collected) -> None:
    if not isinstance(value, LineDict):
        report.error(1, "'groups' must map a group name to a list of words")
        return
    _report_repeated_keys(value, report)
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


def _check_decoys(value: Any, report: _Report, collected: _Collected) -> None:
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


def _check_agency(value: Any, report: _Report, collected: _Collected) -> None:
    if not isinstance(value, LineDict):
        report.error(1, "'agency' must be a mapping of the agency's details")
        return
    for key in value:
        if key not in _AGENCY_FIELDS:
            report.error(
                value.line_of(key), f"unknown agency field '{key}'{_closest(key, _AGENCY_FIELDS)}"
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
        if url and not _is_web_url(url):
            report.error(
                value.line_of(key), f"agency '{key}' must be a full address (https://...)"
            )
    if email and not _EMAIL.match(email):
        report.error(value.line_of("email"), f"agency e-mail '{email}' is not an e-mail address")
    phones_raw = value.get("phones") or []
    phones: list[str] = []
    if not isinstance(phones_raw, list):
        report.error(value.line_of("phones"), "agency 'phones' must be a list, e.g. ['+212 5...']")
    else:
        for raw_phone in phones_raw:
            phone = str(raw_phone).strip()
            if phone and not _PHONE.match(phone):
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


def _check_location(value: LineDict, report: _Report) -> tuple[float | None, float | None]:
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


# ----------------------------------------------------------------------------- cross-file checks


def _check_references(collected: _Collected) -> list[Problem]:
    problems = []
    known = {entry.id for entry in collected.entries} | set(collected.id_lines)
    for file, line, entry_id, target in collected.follow_up_refs:
        if target == entry_id:
            problems.append(Problem(file, line, f"{entry_id}: an entry cannot follow up itself"))
        elif target not in known:
            hint = _closest(target, known)
            problems.append(
                Problem(file, line, f"{entry_id}: follow_up '{target}' is not an entry id{hint}")
            )
    return problems


def _check_synonym_stopwords(collected: _Collected) -> list[Problem]:
    """A synonym made only of stop words can never match: tell staff rather than ignore it."""
    analyzer = Analyzer(load_stopwords())
    problems = []
    for member, (group, line, file) in collected.synonym_lines.items():
        if not analyzer.terms(member):
            problems.append(
                Problem(
                    file,
                    line,
                    f"'{member}' in group '{group}' is only stop words; it will never match",
                    Severity.WARNING,
                )
            )
    return problems
