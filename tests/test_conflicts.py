"""Leave-one-out conflicts: a question that belongs to another entry is reported, with its line."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot.cli import main
from bot.conflicts import find_conflicts
from bot.errors import Severity
from bot.knowledge import KnowledgeBase
from bot.knowledge_loader import load_knowledge
from bot.matching import MatchIndex, MatchSettings
from bot.terms import Analyzer, load_stopwords
from tests.support.bot_runner import ROOT

FEES = [
    "combien coute le permis de construire",
    "quel est le prix du permis",
    "les frais du permis de construire",
    "tarif de la taxe du permis",
    "combien je paie pour la taxe de construction",
]
DOCUMENTS = [
    "quels documents pour le dossier du permis",
    "la liste des pieces du dossier de permis",
    "quels papiers fournir pour le dossier",
    "pieces a joindre au dossier du permis",
    "documents necessaires pour le dossier",
]
# A documents question written under the fees entry by mistake.
STRAY = "quelles pieces et quels documents fournir pour le dossier"


def _entry(entry_id: str, french: list[str], arabic: list[str]) -> list[str]:
    lines = [f"  - id: {entry_id}", "    category: permits", "    questions:", "      ar:"]
    lines += [f'        - "{text}"' for text in arabic]
    lines += ["      fr:"] + [f'        - "{text}"' for text in french]
    return [
        *lines,
        "    answer:",
        "      ar: جواب",
        "      fr: Réponse.",
        "    reviewed: 2026-11-23",
    ]


def write_knowledge(folder: Path, stray: bool) -> Path:
    fees = FEES + ([STRAY] if stray else [])
    lines = ["entries:"]
    lines += _entry("permit.fees", fees, ["كم ثمن رخصة البناء", "رسوم رخصة البناء"])
    lines += _entry(
        "permit.documents", DOCUMENTS, ["ما هي وثائق ملف رخصة البناء", "الوثائق المطلوبة للملف"]
    )
    path = folder / "permits.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def conflicts_of(folder: Path, **options: int):
    knowledge = load_knowledge(folder)
    return find_conflicts(knowledge, MatchIndex(knowledge, Analyzer(load_stopwords())), **options)


def test_a_question_of_another_entry_is_reported_with_both_ids_and_its_line(tmp_path):
    path = write_knowledge(tmp_path, stray=True)
    stray_line = path.read_text(encoding="utf-8").splitlines().index(f'        - "{STRAY}"') + 1
    problems = conflicts_of(tmp_path)
    [stray] = [p for p in problems if STRAY in p.message]
    assert stray.file == str(path)
    assert stray.line == stray_line
    assert stray.severity is Severity.WARNING
    assert stray.message.startswith(
        f"this question of permit.fees is closer to permit.documents: «{STRAY}»"
    )


def test_a_clean_knowledge_gives_no_conflict(tmp_path):
    write_knowledge(tmp_path, stray=False)
    assert conflicts_of(tmp_path) == []


def test_entries_sharing_questions_are_reported_once_as_a_pair(tmp_path):
    write_knowledge(tmp_path, stray=True)
    pairs = [p for p in conflicts_of(tmp_path, overlap_min=1) if "overlap" in p.message]
    assert len(pairs) == 1
    assert "permit.fees" in pairs[0].message and "permit.documents" in pairs[0].message


def test_kb_check_prints_conflicts_and_strict_refuses_them(tmp_path, capsys):
    write_knowledge(tmp_path, stray=True)
    assert main(["kb", "check", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "warning: this question of permit.fees is closer to permit.documents" in out
    assert "OK: 2 entries" in out
    assert main(["kb", "check", "--strict", str(tmp_path)]) == 1
    assert "NOT accepted" in capsys.readouterr().out
    write_knowledge(tmp_path, stray=False)
    assert main(["kb", "check", "--strict", str(tmp_path)]) == 0


def test_leaving_a_question_out_scores_as_a_rebuilt_index_would(knowledge):
    """Exact when the question's words are all used elsewhere in its entry (same IDF)."""
    analyzer = Analyzer(load_stopwords())
    index = MatchIndex(knowledge, analyzer)
    entry = knowledge["permit.documents"]
    questions = entry.all_questions()
    position = next(
        i
        for i, (_, text) in enumerate(questions)
        if set(analyzer.tokens(text))
        <= {t for j, (_, other) in enumerate(questions) if j != i for t in analyzer.tokens(other)}
    )
    kept: dict[str, list[str]] = {}
    for i, (lang, text) in enumerate(questions):
        if i != position:
            kept.setdefault(lang, []).append(text)
    smaller = replace(entry, questions={lang: tuple(texts) for lang, texts in kept.items()})
    rebuilt = MatchIndex(
        KnowledgeBase(
            tuple(smaller if e.id == entry.id else e for e in knowledge.entries),
            knowledge.synonyms,
            knowledge.decoys,
            knowledge.agency,
        ),
        analyzer,
        # Leave-one-out checks do without the classifier: it has learned the question.
        MatchSettings(second_opinion=False),
    )
    for text in (questions[position][1], "quels papiers pour le permis", "شحال الرسوم"):
        assert index.match(text, leave_out=(entry.id, position)) == rebuilt.match(text)


def test_leave_out_refuses_an_unknown_entry_or_position(knowledge):
    index = MatchIndex(knowledge, Analyzer(load_stopwords()))
    with pytest.raises(ValueError, match="no entry"):
        index.match("permis", leave_out=("permit.nothing", 0))
    with pytest.raises(ValueError, match="no question at position"):
        index.match("permis", leave_out=("permit.fees", 10_000))


def test_the_shipped_knowledge_has_no_conflict(knowledge):
    """`kb check --strict` accepts the shipped knowledge: every question, left out, still leads
    to its own entry."""
    problems = find_conflicts(knowledge, MatchIndex(knowledge, Analyzer(load_stopwords())))
    assert [p.message for p in problems] == []


def test_a_stray_question_in_the_shipped_files_is_reported_at_its_own_line(tmp_path):
    folder = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", folder)
    permits = folder / "permits.yml"
    text = permits.read_text(encoding="utf-8")
    fees_at = text.index("  - id: permit.fees")
    first_question = text.index("      fr:\n", fees_at) + len("      fr:\n")
    stray = '        - "quels documents et quelles pieces fournir pour le dossier du permis"\n'
    permits.write_text(text[:first_question] + stray + text[first_question:], encoding="utf-8")
    knowledge = load_knowledge(folder)
    problems = find_conflicts(knowledge, MatchIndex(knowledge, Analyzer(load_stopwords())))
    [lost] = [p for p in problems if "this question of permit.fees" in p.message]
    assert lost.severity is Severity.WARNING and "closer to permit.documents" in lost.message
    line = text[:first_question].count("\n") + 1
    assert (Path(lost.file).name, lost.line) == ("permits.yml", line)


def test_a_bounded_check_looks_only_at_the_touched_entries_and_says_what_it_skipped(
    knowledge, assistant
):
    # In the knowledge's order: the first touched entry fits the bound, the other does not.
    first, second = [e for e in knowledge.entries if e.id in {"permit.fees", "agency.role"}]
    touched = [first.id, second.id]
    bound = len(first.all_questions())
    problems = find_conflicts(knowledge, assistant.index, only=touched, max_checked=bound)
    [skipped] = [p for p in problems if "not checked" in p.message]
    assert skipped.message.startswith(f"{len(second.all_questions())} more questions were not")
    assert "python -m bot kb check" in skipped.message
    others = [p for p in problems if p is not skipped]
    assert all(any(f"of {entry_id} " in p.message for entry_id in touched) for p in others)
