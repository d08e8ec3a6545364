"""Finding the question in a message: the situation told first is set apart, a second question
is kept for later, a short message is its own question."""

from __future__ import annotations

import pytest

from bot.question_focus import Focus, focus


@pytest.mark.parametrize(
    ("message", "question"),
    [
        (
            "Bonjour, je vis en Belgique depuis vingt ans et mon père nous a laissé une maison "
            "près de Fquih Ben Salah. Est-ce que mon frère peut ajouter un étage sans permis ?",
            "est ce que mon frere peut ajouter un etage sans permis",
        ),
        (
            "ana f italia mn 2010 w 3ndi ard f douar qrib l kasba tadla bghit nbni fiha dar "
            "sghira wach khasni rokhsa dyal lbni mn lwakala",
            "wach khasni rokhsa dyal lbni mn lwakala",
        ),
        (
            "أقيم في كندا وأخي يتابع الأمور هناك، وقد اشترينا بقعة قبل سنتين في بني ملال. "
            "كم تستغرق دراسة ملف رخصة البناء؟",
            "كم تستغرق دراسه ملف رخصه البناء",
        ),
    ],
)
def test_the_situation_told_first_is_set_apart(message, question):
    assert focus(message) == Focus(question)


def test_two_questions_keep_their_order():
    found = focus("شنو هي الوثائق ديال رخصة البناء؟ وشحال كتاخد باش تخرج؟")
    assert found == Focus("شنو هي الوثايق ديال رخصه البناء", "وشحال كتاخد باش تخرج")


def test_two_questions_give_the_message_without_the_second():
    found = focus("Salam, je vis à Lyon. Quels papiers faut-il ? Et combien ça coûte ?")
    assert found.second == "et combien ca coute"
    assert found.rest == "salam je vis a lyon quels papiers faut il"
    one = focus(
        "Je vis à Lyon depuis dix ans avec ma femme et nos trois enfants, nous rentrons "
        "chaque été. Quels papiers faut-il ?"
    )
    assert one.second is None and one.rest is None


def test_and_if_with_its_hamza_opens_a_second_question():
    # "وإلا" is "and if"; typed plain, "والا" is "or" and goes on with the same question.
    found = focus("فوقاش غادي يكون نهار الجالية؟ وإلا ما قدرتش نجي، كيفاش نلغي الموعد؟")
    assert found.question == "فوقاش غادي يكون نهار الجاليه"
    assert found.second is not None and "نلغي" in found.second
    assert focus("واش الوكالة هي الجماعة؟ والا كل وحدة عندها الخدمة ديالها؟") is None


@pytest.mark.parametrize(
    "message",
    [
        "kifach nhjez f nhar l3alam w ila ma9dertch nji kifach nbeddel lmaw3id?",
        "how do I book a slot and if I cannot come how do I cancel it?",
    ],
)
def test_and_if_followed_by_a_question_is_a_second_question(message):
    found = focus(message)
    assert found is not None and found.second is not None
    assert "book" in found.question or "nhjez" in found.question


def test_a_short_second_question_keeps_the_clause_that_names_its_subject():
    found = focus("Que fait l'agence urbaine ? Et la journée de communication, c'est quand ?")
    assert found.question == "que fait agence urbaine"
    assert found.second == "et la journee de communication est quand"
    assert found.rest == "que fait agence urbaine"


def test_an_or_goes_on_with_the_same_question():
    found = focus("واش الوكالة الحضرية هي الجماعة؟ ولا كل وحدة عندها الخدمة ديالها؟")
    assert found is None  # one question, said in two sentences


def test_a_question_mark_alone_makes_the_whole_sentence_the_question():
    found = focus(
        "J'ai construit chez mes parents à Béni Mellal il y a longtemps. Qui délivre le permis "
        "d'habiter, la commune ou l'agence ?"
    )
    assert found == Focus("qui delivre le permis habiter la commune ou agence")


@pytest.mark.parametrize(
    "message",
    [
        "quels documents pour le permis de construire ?",
        "rokhsa dyali salat, wach n9der njaddedha",
        "Combien coûte le permis, en gros ?",
    ],
)
def test_a_short_message_is_its_own_question(message):
    assert focus(message) is None


def test_a_short_question_keeps_the_clause_that_names_its_subject():
    found = focus(
        "J'habite à Lyon et ma mère vit dans un douar près de Béni Mellal. On m'a parlé d'une "
        "aide gratuite d'un architecte à la campagne. Comment l'obtenir ?"
    )
    assert found == Focus(
        "on a parle une aide gratuite un architecte a la campagne comment obtenir"
    )


def test_a_question_pointing_back_keeps_the_clause_before_it():
    found = focus(
        "J'habite à Gand depuis dix ans. Mon dossier d'aide au logement a été refusé sans "
        "explication. Comment puis-je contester ça auprès de quelqu'un ?"
    )
    assert found == Focus(
        "mon dossier aide au logement a ete refuse sans explication comment puis je contester ca "
        "aupres de quelqu un"
    )


def test_a_short_question_cut_from_a_long_sentence_keeps_the_words_before_it():
    found = focus(
        "My cousin in Lyon wants to divide the family land near Souk Sebt into four plots — what "
        "does he need? And how long does the review take?"
    )
    assert found == Focus(
        "my cousin in lyon wants to divide the family land near souk sebt into four plots what "
        "does he need",
        "and how long does the review take",
    )


def test_a_question_word_after_and_opens_a_second_question():
    found = focus("What is the Rokhas platform, and where do I see the zoning plan of my street?")
    assert found == Focus(
        "what is the rokhas platform", "and where do i see the zoning plan of my street"
    )


def test_where_with_its_accent_opens_a_new_question_not_an_alternative():
    found = focus("Quel est le délai pour le permis d'habiter ? Sinon, où trouver le formulaire ?")
    assert found == Focus(
        "quel est le delai pour le permis habiter", "sinon ou trouver le formulaire"
    )
    # Without the accent, "ou" is "or": the same question goes on.
    assert focus("C'est 15 jours pour le permis d'habiter ? ou un mois ?") is None


def test_two_question_words_joined_ask_one_question():
    found = focus(
        "Le promoteur dit que l'aide va au notaire. Je vis à Gênes et je ne suis pas sûr. "
        "Comment et quand l'aide est-elle versée ?"
    )
    assert found == Focus("comment et quand aide est elle versee")


def test_and_after_a_question_opens_a_second_one_even_without_a_question_word():
    found = focus("ما هي الوثائق المطلوبة لرخصة البناء، ومدة معالجة الملف؟")
    assert found == Focus("ما هي الوثايق المطلوبه لرخصه البناء", "ومده معالجه الملف")


def test_a_request_before_and_is_the_first_question():
    found = focus("bghit nbeddel lmaw3id dyali, w bghit n3ref fin kayna lwkala")
    assert found == Focus("bghit nbeddel lmawaid dyali", "w bghit naref fin kayna lwkala")


def test_where_with_its_accent_opens_a_question_on_its_own_line():
    found = focus("Où se trouve le guichet des MRE\nEst-ce que je peux payer les frais en ligne")
    assert found == Focus(
        "ou se trouve le guichet des mre", "est ce que je peux payer les frais en ligne"
    )


def test_a_lone_also_before_a_comma_still_says_the_sentence_before_asked():
    found = focus(
        "Je dois annuler mon rendez-vous du mois d'août. Aussi, est-ce que je peux parler à un "
        "agent ?"
    )
    assert found == Focus(
        "je dois annuler mon rendez vous du mois aout", "est ce que je peux parler a un agent"
    )


def test_a_lone_or_is_no_question():
    assert focus("OU") is None


def test_what_before_a_definite_noun_asks_but_not_before_a_verb():
    found = focus("ما المدة التي يستغرقها البت في طلب رخصة البناء، وكيف أتتبع حالة الطلب؟")
    assert found.question == "ما المده التي يستغرقها البت في طلب رخصه البناء"
    assert found.second == "وكيف اتتبع حاله الطلب"
    # Darija's "ما" before a verb is "not": the story goes on, the question comes after.
    told = focus(
        "ما كنعرفش هاد الأمور مزيان وأنا ساكن فألمانيا، كيفاش نقدر نتبع الملف ديال الرخصة من تما؟"
    )
    assert told.question == "كيفاش نقدر نتبع الملف ديال الرخصه من تما"


@pytest.mark.parametrize(
    ("message", "first", "second"),
    [
        (
            "I'd like to file a complaint about a delay, and also to know how to track my "
            "application online.",
            "i d like to file a complaint about a delay",
            "how to track my application online",
        ),
        (
            "Je veux déposer une plainte contre un agent. Sinon, quels sont les autres "
            "services en ligne ?",
            "je veux deposer une plainte contre un agent",
            "quels sont les autres services en ligne",
        ),
    ],
)
def test_also_or_otherwise_before_a_question_says_the_request_before_was_asked_first(
    message, first, second
):
    found = focus(message)
    assert (found.question, found.second) == (first, second)


def test_and_far_from_the_question_word_is_part_of_the_story():
    found = focus(
        "Moi je travaille en Italie, et je ne comprends pas qui fait quoi entre l'architecte "
        "et la commune. Pouvez-vous m'expliquer les étapes ?"
    )
    assert found.question != "moi je travaille en italie"


def test_a_question_word_a_few_words_after_and_asks_a_second_question():
    found = focus("Combien de temps pour avoir le permis et il reste valable combien de temps ?")
    assert found.question == "combien de temps pour avoir le permis"
    assert found.second == "et il reste valable combien de temps"
    # Without a question word before "and", the sentence asks one thing.
    assert focus("Je veux construire une maison et je me demande combien de temps il faut") is None


def test_where_and_how_ask_one_question():
    found = focus("Où et comment déposer la demande d'aide au logement ? Et c'est payé quand ?")
    assert found.question == "ou et comment deposer la demande aide au logement"
