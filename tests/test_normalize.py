"""Each normalisation rule, on the way people really type."""

import pytest

from bot.normalize import Script, detect_script, fold_arabizi, normalize, tokenize
from bot.terms import stem


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("رُخْصَةُ البِنَاءِ", "رخصه البناء"),  # diacritics
        ("رخـــصة", "رخصه"),  # tatweel
        ("أحمد إبراهيم آمن ٱلله", "احمد ابراهيم امن الله"),  # alef and hamza forms
        ("مدينة", "مدينه"),  # ta marbuta
        ("على", "علي"),  # alef maqsura becomes ya, never alef
        ("مسؤول", "مسوول"),  # hamza on waw
        ("رئيس", "رييس"),  # hamza on ya
        ("٢٠٢٥ و ۱۲", "2025 و 12"),  # Arabic-Indic and Persian digits
        ("کتاب یوم", "كتاب يوم"),  # Persian kaf and ya
        ("ڭاراج", "كاراج"),  # Moroccan gaf
        ("واش كاين؟", "واش كاين"),  # Arabic question mark
    ],
)
def test_arabic_rules(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Permis de CONSTRUIRE", "permis de construire"),  # case
        ("réfection élevée à Béni Mellal", "refection elevee a beni mellal"),  # accents
        ("l'agence d'urbanisme", "agence urbanisme"),  # elisions
        ("qu'il n'est", "il est"),
        ("l’architecte", "architecte"),  # typographic apostrophe
        ("merciiii!!!", "merci"),  # stretched letters and punctuation
        ("salaaam", "salam"),
        ("œuvre", "oeuvre"),
    ],
)
def test_latin_rules(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ch7al", "chhal"),  # 7 = h
        ("9bel", "qbel"),  # 9 = q
        ("ro5sa", "rokhsa"),  # 5 = kh
        ("3afak", "aafak"),  # 3 = ain, written a
        ("49cc", "49cc"),  # a number with a unit stays a number
        ("100", "100"),
        ("m2", "m2"),
    ],
)
def test_arabizi_digits_inside_words_are_letters(raw, expected):
    assert fold_arabizi(raw) == expected


def test_arabizi_variants_meet_after_stemming():
    assert stem(normalize("ro5sa")) == stem(normalize("rokhssa")) == stem("rokhsa")
    assert stem(normalize("3afak")) == stem("afak")


def test_numbers_on_their_own_stay_numbers():
    assert tokenize("9 dyal lbitat") == ["9", "dyal", "lbitat"]


def test_scripts_are_split_when_glued():
    assert tokenize("fالدار") == ["f", "الدار"]


@pytest.mark.parametrize(
    ("text", "script"),
    [("رخصة البناء", Script.ARABIC), ("rokhsa dyal lbni", Script.LATIN), ("123 ?", Script.NONE)],
)
def test_detect_script(text, script):
    assert detect_script(text) is script


@pytest.mark.parametrize(
    ("word", "variant"),
    [("البناء", "بناء"), ("الرخصة", "رخصه"), ("والوثائق", "وثائق"), ("وبالرخصة", "رخصة")],
)
def test_arabic_clitics_are_stripped_to_one_stem(word, variant):
    assert stem(normalize(word)) == stem(normalize(variant))


def test_short_arabic_words_keep_their_letters():
    # "بني" must not lose a root letter to the suffix rule.
    assert stem("بني") == "بني"
