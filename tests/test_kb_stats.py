"""kb stats: per category and language, missing languages, old reviews, links titled twice."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.cli import main
from bot.kb_stats import format_stats, knowledge_stats
from bot.knowledge import Entry, KnowledgeBase, Link

TODAY = date(2026, 11, 23)
ROKHAS = {"ar": "منصة رخص", "fr": "Plateforme Rokhas", "en": "Rokhas platform"}


def entry(entry_id: str, category: str = "permits", **fields) -> Entry:
    values = {
        "questions": {"ar": ("سؤال",), "fr": ("question ?", "autre question ?")},
        "answer": {"ar": "جواب", "fr": "Réponse."},
        "reviewed": TODAY,
    }
    values.update(fields)
    return Entry(id=entry_id, category=category, **values)


KNOWLEDGE = KnowledgeBase(
    (
        entry(
            "permit.fees",
            questions={
                "ar": ("a",),
                "ary": ("b",),
                "ary_latn": ("c",),
                "fr": ("d", "e"),
                "en": ("f",),
            },
            answer={"ar": "ج", "fr": "R", "en": "A"},
            links=(Link(ROKHAS, "https://www.rokhas.ma"),),
            reviewed=date(2025, 11, 23),
        ),
        entry(
            "permit.documents",
            links=(Link({**ROKHAS, "ar": "منصة الرخص"}, "https://www.rokhas.ma"),),
            reviewed=date(2025, 11, 22),
        ),
        entry(
            "digital.rokhas",
            "digital",
            links=(Link(ROKHAS, "https://www.rokhas.ma"), Link(ROKHAS, "https://aubm.ma")),
            reviewed=None,
        ),
        entry("housing_aid.amounts", "housing_aid", links=(Link(ROKHAS, "https://aubm.ma"),)),
    )
)


def test_counts_per_category_and_language():
    stats = knowledge_stats(KNOWLEDGE, TODAY)
    assert stats.entries == 4
    assert stats.per_category == {"permits": 2, "digital": 1, "housing_aid": 1}
    assert stats.questions_per_language == {"ar": 4, "ary": 1, "ary_latn": 1, "fr": 8, "en": 1}
    assert stats.questions == 15


def test_entries_missing_a_language():
    stats = knowledge_stats(KNOWLEDGE, TODAY)
    others = ("permit.documents", "digital.rokhas", "housing_aid.amounts")
    assert stats.missing_questions["ary_latn"] == others
    assert stats.missing_questions["en"] == others
    assert stats.missing_questions["fr"] == ()
    assert stats.missing_answers == {"ar": (), "fr": (), "en": others}


def test_reviews_older_than_a_year_and_missing_reviews():
    stats = knowledge_stats(KNOWLEDGE, TODAY)
    # Exactly a year ago is still fine; one day more is not.
    assert stats.stale == (("permit.documents", date(2025, 11, 22)),)
    assert stats.never_reviewed == ("digital.rokhas",)
    assert knowledge_stats(KNOWLEDGE, date(2028, 2, 29)).review_limit == date(2027, 2, 28)


def test_a_link_with_two_titles_is_reported_with_its_entries():
    [link] = knowledge_stats(KNOWLEDGE, TODAY).link_titles
    assert link.url == "https://www.rokhas.ma"
    titles = dict(link.titles)
    assert len(titles) == 2
    assert ("permit.fees", "digital.rokhas") in titles.values()
    assert ("permit.documents",) in titles.values()


def test_the_text_names_what_to_look_at():
    text = format_stats(knowledge_stats(KNOWLEDGE, TODAY))
    assert "4 entries, 15 questions" in text
    assert "housing_aid  1" in text
    assert "questions in en (3): permit.documents, digital.rokhas, housing_aid.amounts" in text
    assert "answer in en (3)" in text
    assert "permit.documents  reviewed 2025-11-22" in text
    assert "no 'reviewed' date (1): digital.rokhas" in text
    assert "https://www.rokhas.ma" in text and "منصة الرخص" in text
    assert "https://aubm.ma" not in text


def test_kb_stats_command_on_the_shipped_knowledge(capsys, clock):
    # 00:30 on 1 March in Morocco is still 28 February in UTC: the agency's calendar counts.
    clock.now = datetime(2031, 2, 28, 23, 30, tzinfo=UTC)
    assert main(["kb", "stats"], clock=clock) == 0
    out = capsys.readouterr().out
    assert "Not reviewed for more than a year (before 2030-03-01)" in out
    assert "Entries per category:" in out
    assert "Questions per language:" in out
    assert "Links given different titles:" in out
