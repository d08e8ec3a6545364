"""Which language a question is in, and which language the reply comes in."""

import pytest

from bot.language import Language, detect_language, reply_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("واش خاصني رخصة باش نزيد طابق؟", Language.ARABIC),
        ("ما هي وثائق رخصة البناء؟", Language.ARABIC),
        ("wach khasni rokhsa bach nzid tabaq", Language.DARIJA_LATIN),
        ("ch7al kayakhod lpermis?", Language.DARIJA_LATIN),
        ("Quels documents pour le permis de construire ?", Language.FRENCH),
        ("permis de construire", Language.FRENCH),
        ("How do I apply for a building permit?", Language.ENGLISH),
    ],
)
def test_detect_language(text, language):
    assert detect_language(text) is language


@pytest.mark.parametrize(
    ("detected", "chosen", "available", "expected"),
    [
        (Language.ARABIC, None, ("ar", "fr", "en"), "ar"),
        (Language.DARIJA_LATIN, None, ("ar", "fr", "en"), "ar"),
        (Language.DARIJA_LATIN, "fr", ("ar", "fr", "en"), "fr"),
        (Language.FRENCH, None, ("ar", "fr", "en"), "fr"),
        (Language.ENGLISH, None, ("ar", "fr", "en"), "en"),
        (Language.ENGLISH, None, ("ar", "fr"), "fr"),
        (Language.FRENCH, "ar", ("ar", "fr"), "ar"),
    ],
)
def test_reply_language(detected, chosen, available, expected):
    assert reply_language(detected, chosen, available) == expected


def test_assistant_answers_in_the_question_language(assistant):
    fr = assistant.ask("Quels documents faut-il pour le permis de construire ?")
    ar = assistant.ask("wach khassni rokhsa bach nzid tabaq fo9 dar?")
    en = assistant.ask("How much is the direct housing aid?")
    assert (fr.reply.lang, ar.reply.lang, en.reply.lang) == ("fr", "ar", "en")
    assert fr.reply.text == assistant.knowledge[fr.result.entry_id].answer["fr"]
    assert en.reply.text == assistant.knowledge[en.result.entry_id].answer["en"]
