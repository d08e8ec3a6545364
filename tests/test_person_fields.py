"""Names and countries as phones type them: accepted when real, stored without invisibles."""

from __future__ import annotations

import unicodedata

import pytest

from bot.person_fields import clean_country, clean_name


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("M’hamed Alaoui", "M'hamed Alaoui"),  # the iPhone's curly apostrophe
        ("مُحَمَّد العلوي", "مُحَمَّد العلوي"),  # vowel marks
        (unicodedata.normalize("NFD", "Hélène Dupré"), "Hélène Dupré"),  # decomposed accents
        ("Karim\u200b\u200b  Alaoui", "Karim Alaoui"),
        ("Abd. Karim Aït-Ali", "Abd. Karim Aït-Ali"),
    ],
)
def test_real_names_pass_whatever_the_keyboard(typed, stored):
    assert clean_name(typed) == stored


@pytest.mark.parametrize("typed", ["A", "Karim123", "-- --", "\u200b\u200b\u200b", "x" * 81])
def test_what_cannot_be_a_name_is_refused(typed):
    assert clean_name(typed) is None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Pays-Bas", "Pays-Bas"),
        ("Côte d’Ivoire", "Côte d'Ivoire"),
        ("هولندا", "هولندا"),
        ("\u202eFrance\u202c", "France"),  # a right-to-left override
        ("Bel\u200bgi\u200dque", "Belgique"),
        ("Ital\x07ie", "Italie"),
    ],
)
def test_countries_keep_only_visible_characters(typed, stored):
    assert clean_country(typed) == stored


@pytest.mark.parametrize("typed", ["3", "France 75", "\u200b\u200b", "?"])
def test_what_cannot_be_a_country_is_refused(typed):
    assert clean_country(typed) is None
