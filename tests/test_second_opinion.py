"""The classifier's second opinion: where it changes what the citizen gets, and where not."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.assistant import Assistant
from bot.classifier_fit import fit_in_child, fit_tables
from bot.knowledge import Decoy, Entry, KnowledgeBase
from bot.matching import Decision, MatchIndex, MatchSettings
from bot.second_opinion import Opinion, SecondOpinion
from bot.terms import Analyzer, load_stopwords

ROOT = Path(__file__).resolve().parent.parent


def entry(entry_id: str, *questions: str) -> Entry:
    return Entry(
        id=entry_id,
        category="permits",
        questions={"fr": questions, "ar": ("-",)},
        answer={"ar": "ج", "fr": f"réponse {entry_id}"},
    )


# Two entries that share their words, so the matcher hesitates between them, and one it answers.
TOY = KnowledgeBase(
    (
        entry("permit.fees", "combien coute le permis de construire", "frais du permis"),
        entry("permit.documents", "quels papiers pour le permis de construire"),
        entry("twins.one", "horaires ouverture guichet agence"),
        entry("twins.two", "horaires ouverture guichet agence"),
    )
)


@dataclass
class FixedOpinion:
    """A second opinion that always says the same, and counts how often it was asked."""

    said: Opinion
    asked: int = 0

    def opinion(self, question: str, whole: str, question_weight: float = 0.0) -> Opinion:
        self.asked += 1
        return self.said


def toy_index(said: Opinion) -> tuple[MatchIndex, FixedOpinion]:
    source = FixedOpinion(said)
    return MatchIndex(TOY, Analyzer(load_stopwords()), MatchSettings(), source), source


HESITANT = "quels sont les horaires d'ouverture du guichet de l'agence"
# Answered by the matcher, but not word for word one of the entry's questions (score under 0.7).
ANSWERED = "combien ça coûte, le permis, pour une maison ?"


def test_the_matcher_alone_hesitates_between_the_twins():
    index = MatchIndex(TOY, Analyzer(load_stopwords()))
    assert index.match(HESITANT).decision is Decision.CLARIFY


@pytest.mark.parametrize(
    ("message", "said"),
    [
        # A hesitation the classifier settles.
        (HESITANT, Opinion("twins.two", 0.5)),
        # An answer the classifier gives far more (0.5 or more) to another leading entry.
        (ANSWERED, Opinion("permit.documents", 0.8)),
    ],
)
def test_the_entry_the_classifier_clearly_prefers_is_answered(message, said):
    index, _ = toy_index(said)
    result = index.match(message)
    assert result.decision is Decision.ANSWER
    assert result.entry_id == said.entry


def test_a_weak_or_outside_preference_leaves_the_question_open():
    for said in (Opinion("twins.two", 0.1), Opinion("permit.fees", 2.0), Opinion(None, 2.0, 0.0)):
        index, _ = toy_index(said)
        assert index.match(HESITANT).decision is Decision.CLARIFY, said


def test_a_question_of_one_or_two_words_stays_a_did_you_mean():
    index, source = toy_index(Opinion("twins.one", 3.0))
    assert index.match("horaires guichet").decision is Decision.CLARIFY
    assert source.asked == 0


@pytest.mark.parametrize(
    "said",
    [
        # Clearly ahead, not far ahead: the citizen is asked which of the two.
        Opinion("permit.documents", 0.3),
        # "twins.one" shares no word with the question: far ahead or not, it is only a doubt.
        Opinion("twins.one", 3.0),
    ],
)
def test_an_answer_the_classifier_gives_elsewhere_becomes_a_question_with_both(said):
    index, _ = toy_index(said)
    result = index.match(ANSWERED)
    assert result.decision is Decision.CLARIFY
    assert [c.entry_id for c in result.suggestions] == ["permit.fees", said.entry]


@pytest.mark.parametrize(
    "said",
    # Out of scope first, or a close second behind the matcher's own entry.
    [Opinion(None, 0.5, 0.0), Opinion("permit.fees", 0.05, 0.05)],
)
def test_an_answer_the_classifier_reads_as_out_of_scope_is_refused(said):
    index, _ = toy_index(said)
    result = index.match(ANSWERED)
    assert result.decision is Decision.UNKNOWN
    assert result.entry_id is None


def test_an_answer_the_classifier_agrees_with_or_barely_doubts_stands():
    for said in (
        Opinion("permit.fees", 1.0, 1.2),
        Opinion("permit.documents", 0.15, 0.9),
        Opinion("permit.fees", 0.5, 0.4),
    ):
        index, _ = toy_index(said)
        result = index.match(ANSWERED)
        assert result.decision is Decision.ANSWER, said
        assert result.entry_id == "permit.fees", said


# A story the matcher gives up on: its words are spread thin (the best entry scores under 0.2),
# and one with a driving licence in it, which an out-of-scope subject wins.
STORY = (
    "mon frere habite a lyon avec sa femme et ses enfants, il a une voiture bleue et un grand "
    "garage, il travaille beaucoup, et il demande pour les frais"
)
LICENCE_THEN_PERMIT = (
    "Mon fils passe le permis de conduire à l'auto-école cet été ; et nous, combien coûte le "
    "permis ?"
)
TOY_WITH_DECOY = dataclasses.replace(
    TOY,
    decoys=(
        Decoy(
            "driving_licence",
            (
                "permis de conduire",
                "passer le permis de conduire a l auto ecole",
                "combien coute le permis de conduire",
            ),
        ),
    ),
)


def rescue_index(said: Opinion) -> MatchIndex:
    return MatchIndex(
        TOY_WITH_DECOY, Analyzer(load_stopwords()), MatchSettings(), FixedOpinion(said)
    )


def test_the_matcher_alone_gives_up_on_the_stories():
    index = MatchIndex(TOY_WITH_DECOY, Analyzer(load_stopwords()))
    assert index.match(STORY).decision is Decision.UNKNOWN
    licence = index.match(LICENCE_THEN_PERMIT)
    assert (licence.decision, licence.redirect) == (Decision.UNKNOWN, "driving_licence")


@pytest.mark.parametrize("message", [STORY, LICENCE_THEN_PERMIT])
def test_a_story_the_classifier_reads_far_ahead_on_a_leading_entry_is_answered(message):
    result = rescue_index(Opinion("permit.fees", 0.8, 0.8)).match(message)
    assert (result.decision, result.entry_id) == (Decision.ANSWER, "permit.fees")


def test_a_rescued_story_still_offers_its_second_question():
    message = f"{LICENCE_THEN_PERMIT} Et quels papiers faut-il pour le permis de construire ?"
    result = rescue_index(Opinion("permit.fees", 0.8, 0.8)).match(message)
    assert (result.decision, result.entry_id) == (Decision.ANSWER, "permit.fees")
    assert result.also == "permit.documents"
    assert result.redirect is None


@pytest.mark.parametrize(
    "said",
    [
        # Ahead, but not far enough.
        Opinion("permit.fees", 0.4, 0.4),
        # Far ahead on an entry the message's words do not lead to.
        Opinion("twins.one", 0.9, 0.9),
        # Out of scope.
        Opinion(None, 0.9, 0.0),
    ],
)
def test_a_story_stays_unanswered_unless_the_classifier_is_far_ahead_on_a_leading_entry(said):
    for message in (STORY, LICENCE_THEN_PERMIT):
        result = rescue_index(said).match(message)
        assert result.decision is Decision.UNKNOWN, (message, said)


def test_leave_one_out_checks_do_without_the_classifier():
    # The classifier has learned the question being left out: asking it would hide a conflict.
    index, source = toy_index(Opinion("permit.documents", 5.0))
    index.match(ANSWERED, leave_out=("permit.fees", 1))
    assert source.asked == 0
    index.match(ANSWERED)
    assert source.asked == 1


def test_an_answer_worded_like_the_entrys_own_question_stands():
    # A topic staff have just added has a question or two: the classifier barely knows it.
    index, source = toy_index(Opinion(None, 3.0, 0.0))
    result = index.match("combien coûte le permis de construire ?")
    assert result.decision is Decision.ANSWER
    assert result.entry_id == "permit.fees"
    assert source.asked == 0


@dataclass
class RecordingOpinion(FixedOpinion):
    """A fixed opinion that keeps what it was given to read."""

    read: list[str] | None = None

    def opinion(self, question: str, whole: str, question_weight: float = 0.0) -> Opinion:
        self.read = (self.read or []) + [whole]
        return super().opinion(question, whole, question_weight)


# The matcher answers the first question (documents) and the second is about the fees.
TWO_QUESTIONS = (
    "quels papiers pour le permis de construire ? et combien coute le permis de construire ?"
)


def two_questions_index(said: Opinion) -> tuple[MatchIndex, RecordingOpinion]:
    # The doubt rule off, so that only the first-question rule can change the answer.
    source = RecordingOpinion(said)
    settings = MatchSettings(doubt_margin=10.0)
    return MatchIndex(TOY, Analyzer(load_stopwords()), settings, source), source


def test_two_questions_answer_the_entry_the_classifier_reads_in_the_first():
    index, source = two_questions_index(Opinion("permit.fees", 0.5))
    result = index.match(TWO_QUESTIONS)
    assert result.decision is Decision.ANSWER
    assert result.entry_id == "permit.fees"
    assert result.also == "permit.documents"
    # It read the message without its second question.
    assert "combien" not in source.read[-1]
    assert "papiers" in source.read[-1]


def test_two_questions_keep_the_matchers_answer_unless_the_classifier_is_clear():
    # A weak preference, or one for an entry the matcher does not lead with, changes nothing.
    for said in (Opinion("permit.fees", 0.1), Opinion("twins.one", 2.0)):
        index, _ = two_questions_index(said)
        result = index.match(TWO_QUESTIONS)
        assert result.entry_id == "permit.documents", said
        assert result.also == "permit.fees", said


@dataclass
class ReadsTheFees:
    """An opinion that prefers the fees whenever it reads the fees question ("combien")."""

    def opinion(self, question: str, whole: str, question_weight: float = 0.0) -> Opinion:
        entry = "permit.fees" if "combien" in whole else "permit.documents"
        return Opinion(entry, 0.8, 2.0)


# The matcher answers the documents, under the "sure" score, with the fees second.
DOCUMENTS_THEN_FEES = (
    "il faut quoi comme papiers ? et combien coute le permis de construire, les frais du permis ?"
)


def test_a_doubt_that_comes_from_the_second_question_leaves_the_first_answered():
    index = MatchIndex(TOY, Analyzer(load_stopwords()), MatchSettings(), ReadsTheFees())
    result = index.match(DOCUMENTS_THEN_FEES)
    assert result.decision is Decision.ANSWER
    assert result.entry_id == "permit.documents"
    assert result.also == "permit.fees"


def test_a_citizen_asking_two_things_gets_the_first_answered(assistant):
    # The blend of both questions leaned to "how to apply"; the first asks what the aid is.
    result = assistant.ask("شنو هو الدعم المباشر ديال السكن؟ وكيفاش نسجل فيه؟").result
    assert result.decision is Decision.ANSWER
    assert result.entry_id == "housing_aid.overview"
    assert result.also == "housing_aid.how_to_apply"


def test_a_handful_of_questions_gets_no_classifier():
    assert SecondOpinion.of(TOY) is None


def test_the_shipped_knowledge_is_fitted_once_per_process(knowledge):
    first = SecondOpinion.of(knowledge)
    assert first is not None
    assert SecondOpinion.of(knowledge) is first


def test_the_classifier_reads_the_shipped_topics(knowledge):
    opinions = SecondOpinion.of(knowledge)
    assert opinions.opinion("", "combien de temps dure l'étude du dossier de permis").entry == (
        "permit.processing_time"
    )
    assert opinions.opinion("", "كيفاش نحجز موعد فنهار مغاربة العالم").entry == "event.booking"
    assert opinions.opinion("", "comment renouveler mon passeport au consulat").entry is None


def test_the_classifier_learns_whole_messages_from_the_examples(knowledge):
    # A story first, then the question: the entries' short questions alone lead to "from
    # abroad"; messages written that way teach it that the question is the documents.
    message = (
        "I have lived in Lyon for twenty years and my father left us a plot near Kasba Tadla. "
        "My brother wants to build a house on it for his family. Which papers does the "
        "architect need from us?"
    )
    assert knowledge.examples
    without = SecondOpinion.of(dataclasses.replace(knowledge, examples=()))
    assert without.opinion("", message).entry == "permit.from_abroad"
    assert SecondOpinion.of(knowledge).opinion("", message).entry == "permit.documents"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # Taking down a load-bearing wall: the matcher alone reads "repairs".
        (
            "faut il un permis pour toucher a la structure, genre enlever un mur porteur",
            "permit.when_required",
        ),
        # What Rokhas is: the matcher alone reads a question on the permit's delays.
        ("شنو هي رخص.ما؟ واش المواطن العادي يقدر يدخل ليها بوحدو؟", "digital.rokhas"),
    ],
)
def test_a_citizen_gets_the_entry_the_classifier_reads_far_ahead(
    knowledge, assistant, message, expected
):
    alone = Assistant(knowledge, MatchSettings(second_opinion=False)).ask(message)
    assert alone.result.entry_id != expected
    answer = assistant.ask(message)
    assert answer.result.decision is Decision.ANSWER
    assert answer.result.entry_id == expected
    assert knowledge[expected].answer_in("fr")[:40] in answer.reply.text or (
        knowledge[expected].answer_in("ar")[:40] in answer.reply.text
    )


TEXTS = [
    "combien coute le permis",
    "frais du permis de construire",
    "prix du permis",
    "quels papiers pour le permis",
    "documents du dossier de permis",
    "papiers a fournir",
]
LABELS = ["fees", "fees", "fees", "documents", "documents", "documents"]


def test_the_child_process_fits_what_this_process_would():
    here = fit_tables(TEXTS, LABELS, (2, 5), r"(?u)\b\w\w+\b")
    child = fit_in_child(TEXTS, LABELS, (2, 5), r"(?u)\b\w\w+\b")
    assert child.classes == here.classes == ("documents", "fees")
    assert child.char_columns == here.char_columns
    assert child.word_columns == here.word_columns
    assert (child.weights == here.weights).all()


def test_a_fit_that_cannot_be_made_says_so():
    with pytest.raises(ValueError):
        fit_in_child(["abc", "xyz"], ["one", "two"], (4, 5), r"(?u)\b\w\w+\b")


def test_the_bot_itself_never_imports_scikit_learn():
    # Its fitting runs in a child process, which takes scikit-learn's memory away with it.
    code = (
        "import sys; from pathlib import Path; import bot.cli; "
        "from bot.assistant import Assistant; "
        "Assistant.from_folder(Path('knowledge')).ask('combien coûte le permis ?'); "
        "print('sklearn' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def test_without_scikit_learn_the_matcher_answers_alone(tmp_path):
    # A scikit-learn that cannot be imported, first on the path of the bot and of its child.
    (tmp_path / "sklearn").mkdir()
    (tmp_path / "sklearn" / "__init__.py").write_text("raise ImportError('no scikit-learn here')")
    code = (
        "from pathlib import Path; from bot.assistant import Assistant; "
        "print(Assistant.from_folder(Path('knowledge')).ask('combien coûte le permis ?')"
        ".result.decision)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert done.stdout.strip() == "answer"
    assert "no second opinion on matches: no scikit-learn here" in done.stderr
