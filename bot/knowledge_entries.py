"""The entries of the knowledge (`entries:` sections): each entry validated against its model
(bot.formats), then what a model cannot say: ids used twice, follow-ups to check once every
file is read, questions repeated, answers too long for a phone screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from bot.format_errors import report_validation
from bot.formats import ENTRY_ID, MAX_FOLLOW_UPS, PHONE_SCREEN_TEXT, EntryFormat
from bot.knowledge import AgencyDetails, Decoy, Entry, Link
from bot.normalize import normalize
from bot.validation import Report
from bot.yamlsource import LineDict, LineList

__all__ = ["Collected", "check_entries"]

_ID = re.compile(ENTRY_ID)


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
        if not isinstance(item, LineDict):
            report.error(
                value.line_of(index), "each entry must be a mapping starting with '- id:'"
            )
            continue
        entry = _check_entry(item, report, collected)
        if entry is not None:
            collected.entries.append(entry)


def _check_entry(item: LineDict, report: Report, collected: Collected) -> Entry | None:
    entry_id = item.get("id")
    known_id = isinstance(entry_id, str) and bool(_ID.match(entry_id))
    if known_id:
        # Ids are noted first: a duplicate or a follow-up to it is found even if the rest of
        # the entry is wrong.
        if entry_id in collected.id_lines:
            first_file, first_line = collected.id_lines[entry_id]
            report.error(
                item.line_of("id"),
                f"duplicate id '{entry_id}' (already used at {first_file}:{first_line}); "
                "rename one or merge the two entries",
            )
            return None
        collected.id_lines[entry_id] = (report.file, item.line_of("id"))
        _note_follow_ups(item, entry_id, report, collected)
    label = entry_id if known_id else ""
    try:
        valid = EntryFormat.model_validate(item)
    except ValidationError as error:
        report_validation(error, item, report, EntryFormat, label)
        return None
    _warn(valid, item, report)
    return Entry(
        id=valid.id,
        category=valid.category,
        questions={lang: tuple(texts) for lang, texts in valid.questions.items()},
        answer=dict(valid.answer),
        keywords=tuple(valid.keywords or ()),
        label=dict(valid.label or {}),
        links=tuple(_link(link.title, link.url) for link in valid.links or ()),
        follow_ups=tuple(valid.follow_ups or ()),
        action=valid.action,
        source=valid.source,
        reviewed=valid.reviewed,
        file=report.file,
        line=item.line,
    )


def _note_follow_ups(item: LineDict, entry_id: str, report: Report, collected: Collected) -> None:
    follow_ups = item.get("follow_ups")
    if not isinstance(follow_ups, LineList):
        return
    for index, target in enumerate(follow_ups):
        if isinstance(target, str):
            line = follow_ups.line_of(index)
            collected.follow_up_refs.append((report.file, line, entry_id, target.strip()))


def _link(title: str | dict[str, str], url: str) -> Link:
    titles = title if isinstance(title, dict) else {"ar": title, "fr": title, "en": title}
    return Link(title=dict(titles), url=url)


def _warn(valid: EntryFormat, item: LineDict, report: Report) -> None:
    """What is allowed but worth a second look."""
    questions: LineDict = item["questions"]
    seen: dict[str, int] = {}
    for lang in valid.questions:
        texts: LineList = questions[lang]
        for index, text in enumerate(texts):
            key, line = normalize(text), texts.line_of(index)
            if key in seen:
                report.warn(
                    line, f"{valid.id}: this question repeats line {seen[key]}; one copy is enough"
                )
            seen.setdefault(key, line)
    answers: LineDict = item["answer"]
    for lang, text in valid.answer.items():
        if len(text) > PHONE_SCREEN_TEXT:
            report.warn(
                answers.line_of(lang),
                f"{valid.id}: the '{lang}' answer has {len(text)} characters; keep it under "
                f"{PHONE_SCREEN_TEXT} so it reads well on a phone",
            )
    if len(valid.follow_ups or ()) > MAX_FOLLOW_UPS:
        report.warn(
            item.line_of("follow_ups"), f"{valid.id}: only the first 3 follow_ups are shown"
        )
