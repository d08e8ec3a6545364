"""The entries of the knowledge (`entries:` sections): each entry's fields checked, with the
line of every problem and what to write instead.

Answers are checked against the size of one chat message (every channel splits longer texts,
but an answer that long reads badly on a phone) and, as a warning, against a phone screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.knowledge import (
    ACTIONS,
    ANSWER_LANGUAGES,
    CATEGORIES,
    QUESTION_LANGUAGES,
    REQUIRED_LANGUAGES,
    AgencyDetails,
    Decoy,
    Entry,
    Link,
)
from bot.normalize import normalize
from bot.validation import LANGUAGE_NAMES, Report, closest, is_web_url, report_repeated_keys
from bot.yamlsource import LineDict, LineList

__all__ = [
    "ENTRY_FIELDS",
    "ID_PATTERN",
    "MAX_ANSWER_TEXT",
    "MAX_FOLLOW_UPS",
    "MAX_ID_LENGTH",
    "PHONE_SCREEN_TEXT",
    "Collected",
    "check_entries",
]

MAX_ANSWER_TEXT = 4096
PHONE_SCREEN_TEXT = 1000
MAX_FOLLOW_UPS = 3
# Buttons carry ids ("fb:1:" + id within Telegram's 64 bytes, WhatsApp's row ids): keep them short.
MAX_ID_LENGTH = 50
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
ENTRY_FIELDS = {
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


@dataclass
class Collected:
    """What the files of the folder gave so far, for the checks across files."""

    entries: list[Entry] = field(default_factory=list)
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    synonym_lines: dict[str, tuple[str, int, str]] = field(default_factory=dict)
    decoys: list[Decoy] = field(default_factory=list)
    agency: AgencyDetails | None = None
    id_lines: dict[str, tuple[str, int]] = field(default_factory=dict)
    follow_up_refs: list[tuple[str, int, str, str]] = field(default_factory=list)


def check_entries(value: Any, report: Report, collected: Collected) -> None:
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


def _check_entry(item: LineDict, report: Report, collected: Collected) -> Entry | None:
    report_repeated_keys(item, report)
    for key in item:
        if key not in ENTRY_FIELDS:
            hint = closest(str(key), ENTRY_FIELDS)
            report.error(item.line_of(key), f"unknown field '{key}'{hint}")
    entry_id = item.get("id")
    if not isinstance(entry_id, str) or not ID_PATTERN.match(entry_id):
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


def _check_questions(entry_id: str, item: LineDict, report: Report) -> dict[str, tuple[str, ...]]:
    value = item.get("questions")
    if not isinstance(value, LineDict):
        report.error(
            item.line_of("questions"),
            f"{entry_id}: 'questions' must list questions per language "
            f"({', '.join(REQUIRED_LANGUAGES)} at least)",
        )
        return {}
    report_repeated_keys(value, report)
    result: dict[str, tuple[str, ...]] = {}
    seen: dict[str, int] = {}
    for lang, texts in value.items():
        line = value.line_of(lang)
        if lang not in QUESTION_LANGUAGES:
            hint = closest(str(lang), QUESTION_LANGUAGES)
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
                f"{entry_id}: add at least one question in '{lang}' ({LANGUAGE_NAMES[lang]})",
            )
    return result


def _check_answer(entry_id: str, item: LineDict, report: Report) -> dict[str, str]:
    value = item.get("answer")
    if not isinstance(value, LineDict):
        report.error(
            item.line_of("answer"),
            f"{entry_id}: 'answer' must give the answer per language (ar and fr at least)",
        )
        return {}
    report_repeated_keys(value, report)
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
        if len(text) > MAX_ANSWER_TEXT:
            report.error(
                line,
                f"{entry_id}: the '{lang}' answer has {len(text)} characters, over the "
                f"{MAX_ANSWER_TEXT} of one chat message; shorten it or split it into two entries",
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
                f"{entry_id}: add the answer in '{lang}' ({LANGUAGE_NAMES[lang]})",
            )
    return result


def _check_strings(item: LineDict, key: str, entry_id: str, report: Report) -> list[str]:
    value = item.get(key)
    if value is None:
        return []
    if not isinstance(value, LineList) or not all(
        isinstance(text, str) and text.strip() for text in value
    ):
        report.error(item.line_of(key), f"{entry_id}: '{key}' must be a list of non-empty texts")
        return []
    return [text.strip() for text in value]


def _check_links(entry_id: str, item: LineDict, report: Report) -> list[Link]:
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
        if not isinstance(url, str) or not is_web_url(url):
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
