"""Review of unanswered questions: similar ones grouped, suggestions ready to paste as YAML."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.normalize import normalize
from bot.review import (
    REVIEW_WINDOW,
    format_review,
    format_suggestions,
    group_unanswered,
    question_language,
    recorded_since,
)
from bot.storage import Storage, UnansweredQuestion
from bot.terms import Analyzer, load_stopwords

ASKED = [
    # (text as typed, how many times, the bot's candidates)
    ("combien coûte le permis ?", 3, ["permit.fees", "permit.documents"]),
    ("combien coute le permis de construire", 1, ["permit.documents"]),
    ("le permis coûte combien", 1, ["permit.fees"]),
    ("wach khasni rokhsa bach nzid tabaq", 2, ["permit.when_required"]),
    ("شحال ثمن الرخصة", 1, ["permit.fees"]),
    ("permis", 1, ["permit.documents"]),
    ("how long does the permit take", 1, []),
]


def rows(asked=ASKED, day=datetime(2026, 11, 20, tzinfo=UTC)) -> list[UnansweredQuestion]:
    return [
        UnansweredQuestion(normalize(text), "fr", "clarify", tuple(candidates), day)
        for text, times, candidates in asked
        for _ in range(times)
    ]


@pytest.fixture(scope="module")
def groups():
    return group_unanswered(rows(), Analyzer(load_stopwords()))


def test_similar_questions_are_grouped_most_frequent_first(groups):
    first = groups[0]
    assert first.count == 5
    assert first.examples == (
        "combien coute le permis",
        "combien coute le permis de construire",
        "le permis coute combien",
    )
    assert first.languages == (("fr", 5),)
    # The entry most often ranked first, not the first candidate of the first text only.
    assert first.closest == "permit.fees"
    assert groups[1].count == 2 and groups[1].closest == "permit.when_required"
    assert [group.count for group in groups] == sorted((g.count for g in groups), reverse=True)


def test_a_single_word_does_not_swallow_longer_questions(groups):
    [alone] = [group for group in groups if group.examples == ("permis",)]
    assert alone.count == 1 and alone.closest == "permit.documents"


def test_same_terms_in_another_order_or_spelling_are_one_group():
    asked = [("papiers du permis", 1, ["permit.documents"]), ("permis papier ?", 2, [])]
    [group] = group_unanswered(rows(asked), Analyzer(load_stopwords()))
    assert group.count == 3 and group.closest == "permit.documents"


def test_question_language_keys():
    assert question_language(normalize("شحال ثمن الرخصة")) == "ar"
    assert question_language("wach khasni rokhsa") == "ary_latn"
    assert question_language("combien coute le permis") == "fr"
    assert question_language("how long does the permit take") == "en"


def test_review_text_lists_groups_with_their_closest_entry(groups, knowledge):
    text = format_review(groups, knowledge)
    fees = knowledge["permit.fees"]
    assert text.startswith("1. 5 × (fr 5) — closest: permit.fees (")
    assert f"permits.yml:{fees.line})" in text
    assert "«combien coute le permis de construire»" in text
    assert "closest: none" in text


def test_suggestions_are_yaml_under_the_right_entry_and_language(groups, knowledge):
    text = format_suggestions(groups, knowledge)
    blocks = text.split("\n\n")
    fees = knowledge["permit.fees"]
    header = blocks[0].splitlines()[0]
    assert header.startswith("# permit.fees  (") and "knowledge/permits.yml" in header
    assert header.endswith(f"permits.yml, entry at line {fees.line}) — 6 similar questions")
    parsed = {block.splitlines()[0].split()[1]: yaml.safe_load(block) for block in blocks}
    assert parsed["permit.fees"] == {
        "questions": {
            "fr": [
                "combien coute le permis",
                "combien coute le permis de construire",
                "le permis coute combien",
            ],
            "ar": [normalize("شحال ثمن الرخصة")],
        }
    }
    assert parsed["permit.when_required"] == {
        "questions": {"ary_latn": ["wach khasni rokhsa bach nzid tabaq"]}
    }
    # Questions close to no entry are listed as comments only.
    assert "#   1 × «how long does the permit take»" in blocks[-1]
    assert parsed["close"] is None


def test_a_question_the_entry_already_has_is_not_suggested(knowledge):
    own = knowledge["permit.fees"].questions["fr"][0]
    found = group_unanswered(rows([(own, 2, ["permit.fees"])]), Analyzer(load_stopwords()))
    text = format_suggestions(found, knowledge)
    assert "questions:" not in text and "already has" in text


def test_recorded_since_keeps_that_day_on():
    old = rows([("vieux", 1, [])], datetime(2026, 1, 1, 23, 59, tzinfo=UTC))
    new = rows([("nouveau", 1, [])], datetime(2026, 1, 2, tzinfo=UTC))
    assert recorded_since(old + new, date(2026, 1, 2)) == new
    assert recorded_since(old + new, None) == old + new


# ----------------------------------------------------------------------------- the commands


def record(path: Path, asked=ASKED) -> None:
    async def write() -> None:
        storage = await Storage.open(path)
        try:
            for text, times, candidates in asked:
                for _ in range(times):
                    await storage.record_unanswered(normalize(text), "fr", "clarify", candidates)
        finally:
            await storage.close()

    asyncio.run(write())


def test_kb_review_and_suggest_read_the_database(tmp_path, monkeypatch, capsys):
    database = tmp_path / "bot.sqlite3"
    record(database)
    monkeypatch.setenv("DATABASE_PATH", str(database))
    assert main(["kb", "review"]) == 0
    out = capsys.readouterr().out
    assert "# 10 unanswered question(s) in 5 group(s)" in out
    assert "1. 5 × (fr 5) — closest: permit.fees" in out
    assert main(["kb", "suggest", "--since", "2000-01-01"]) == 0
    out = capsys.readouterr().out
    assert "since 2000-01-01" in out
    assert '    - "wach khasni rokhsa bach nzid tabaq"' in out
    assert main(["kb", "suggest", "--since", "2999-01-01"]) == 0
    assert "no unanswered question recorded since 2999-01-01." in capsys.readouterr().out


def test_kb_review_without_a_database_or_with_an_empty_one(tmp_path, monkeypatch, capsys):
    database = tmp_path / "data" / "bot.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(database))
    assert main(["kb", "review"]) == 1
    assert f"no database at {database} yet" in capsys.readouterr().err
    assert not database.exists()
    record(database, [])
    assert main(["kb", "suggest"]) == 0
    assert "no unanswered question recorded." in capsys.readouterr().out


def test_kb_review_refuses_a_malformed_date(capsys):
    with pytest.raises(SystemExit):
        main(["kb", "review", "--since", "20/11/2026"])
    assert "is not a date like 2026-11-23" in capsys.readouterr().err


async def test_reviews_group_only_the_most_recent_window(tmp_path):
    """/unanswered and kb review read the latest REVIEW_WINDOW questions, whatever the table
    holds: an old flood cannot make the review slow, and what staff see is recent."""
    storage = await Storage.open(tmp_path / "bot.sqlite3")
    try:
        for _ in range(REVIEW_WINDOW):
            await storage.record_unanswered("ancienne question sur le permis", "fr", "unknown", [])
        for _ in range(REVIEW_WINDOW):
            await storage.record_unanswered("nouvelle question sur la taxe", "fr", "unknown", [])
        await storage.record_unanswered("la toute derniere question", "fr", "unknown", [])
        latest = await storage.unanswered(latest=REVIEW_WINDOW)
        everything = await storage.unanswered()
    finally:
        await storage.close()
    assert len(everything) == 2 * REVIEW_WINDOW + 1
    assert len(latest) == REVIEW_WINDOW
    assert latest[-1].text == "la toute derniere question"
    assert {row.text for row in latest} == {
        "nouvelle question sur la taxe",
        "la toute derniere question",
    }
    groups = group_unanswered(latest, Analyzer(load_stopwords()))
    assert groups[0].count == REVIEW_WINDOW - 1
