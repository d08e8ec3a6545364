"""Read and validate the knowledge folder, reporting every problem at once.

Staff fix a file faster when they see all its problems in one go, each with the file, the line and
what to do. Loading never stops at the first error; it builds what it can, collects problems, and
only then decides: any error means the knowledge is refused as a whole. The sections' own checks
are in bot.knowledge_entries and bot.knowledge_sections.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.errors import KnowledgeError, Problem, Severity
from bot.knowledge import AgencyDetails, KnowledgeBase
from bot.knowledge_entries import Collected, check_entries
from bot.knowledge_examples import read_examples
from bot.knowledge_sections import check_agency, check_decoys, check_synonyms
from bot.terms import Analyzer, load_stopwords
from bot.validation import Report, closest, read_document, report_repeated_keys
from bot.yamlsource import LineDict

__all__ = ["check_folder", "is_knowledge_file", "load_knowledge"]

# Files that another part of the product reads; the knowledge loader leaves them alone.
OTHER_FILES = {"events.yml"}
_SECTIONS: dict[str, Callable[[Any, Report, Collected], None]] = {
    "entries": check_entries,
    "groups": check_synonyms,
    "out_of_scope": check_decoys,
    "agency": check_agency,
}


def is_knowledge_file(name: str) -> bool:
    """A .yml/.yaml file staff wrote, not a hidden file or an editor's leftover: Emacs locks
    (.#permits.yml, often a dangling link), Vim swap files (.permits.yml.swp), backups (~)."""
    return name.endswith((".yml", ".yaml")) and not name.startswith((".", "#", "~"))


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
    collected = Collected()
    files = [path for path in sorted(folder.glob("*.y*ml")) if is_knowledge_file(path.name)]
    if not folder.is_dir():
        problems.append(Problem(str(folder), 0, "the knowledge folder does not exist"))
        return None, problems
    if not files:
        problems.append(Problem(str(folder), 0, "no .yml file found in the knowledge folder"))
    for path in files:
        if path.name in OTHER_FILES:
            continue
        report = Report(str(path))
        _check_file(path, report, collected)
        problems.extend(report.problems)
    problems.extend(_check_references(collected))
    problems.extend(_check_synonym_stopwords(collected))
    examples, example_problems = read_examples(folder, {entry.id for entry in collected.entries})
    problems.extend(example_problems)
    if any(p.severity is Severity.ERROR for p in problems):
        return None, sorted(problems)
    knowledge = KnowledgeBase(
        entries=tuple(collected.entries),
        synonyms=dict(collected.synonyms),
        decoys=tuple(collected.decoys),
        agency=collected.agency or AgencyDetails(),
        examples=tuple(examples),
    )
    return knowledge, sorted(problems)


def _check_file(path: Path, report: Report, collected: Collected) -> None:
    data = read_document(path, report, "the file is empty")
    if data is None:
        return
    if not isinstance(data, LineDict):
        report.error(
            1, "the file must start with one of: entries:, groups:, out_of_scope:, agency:"
        )
        return
    report_repeated_keys(data, report)
    for key, value in data.items():
        checker = _SECTIONS.get(key)
        if checker is None:
            known = ", ".join(_SECTIONS)
            report.error(data.line_of(key), f"unknown section '{key}'; use one of: {known}")
            continue
        checker(value, report, collected)


# ----------------------------------------------------------------------------- cross-file checks


def _check_references(collected: Collected) -> list[Problem]:
    problems = []
    known = {entry.id for entry in collected.entries} | set(collected.id_lines)
    for file, line, entry_id, target in collected.follow_up_refs:
        if target == entry_id:
            problems.append(Problem(file, line, f"{entry_id}: an entry cannot follow up itself"))
        elif target not in known:
            hint = closest(target, known)
            problems.append(
                Problem(file, line, f"{entry_id}: follow_up '{target}' is not an entry id{hint}")
            )
    return problems


def _check_synonym_stopwords(collected: Collected) -> list[Problem]:
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
