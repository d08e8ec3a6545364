"""Phone numbers: the ways users really type them, in the countries they really live in."""

from __future__ import annotations

import pytest

from bot.phones import mask_phone, parse_phone, shared_contact_phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # France
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+33612345678", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("+33 (0)6 12 34 56 78", "+33612345678"),
        ("+33.6.12.34.56.78", "+33612345678"),
        # Italy: the leading 0 of a landline is part of the number
        ("+39 312 345 6789", "+393123456789"),
        ("+39 06 1234 5678", "+390612345678"),
        ("0039 312 345 6789", "+393123456789"),
        # Spain
        ("+34 612 34 56 78", "+34612345678"),
        ("0034-612-345-678", "+34612345678"),
        # Belgium
        ("+32 470 12 34 56", "+32470123456"),
        ("0032 470 12.34.56", "+32470123456"),
        # Netherlands
        ("+31 6 12345678", "+31612345678"),
        ("+31 (0)6-12345678", "+31612345678"),
        # Germany
        ("+49 151 23456789", "+4915123456789"),
        ("0049 (151) 234-56789", "+4915123456789"),
        # Canada
        ("+1 (514) 555-0199", "+15145550199"),
        ("001 514 555 0199", "+15145550199"),
        # Morocco, international and national
        ("+212 6 12 34 56 78", "+212612345678"),
        ("00212 6 12 34 56 78", "+212612345678"),
        ("+212 06 12 34 56 78", "+212612345678"),
        ("06 12 34 56 78", "+212612345678"),
        ("0612345678", "+212612345678"),
        ("06-12-34-56-78", "+212612345678"),
        ("07 12 34 56 78", "+212712345678"),
        ("0523 48 12 34", "+212523481234"),
        # what phones and Arabic keyboards produce
        ("  +33 6 12 34 56 78\n", "+33612345678"),
        ("+33\u00a06\u00a012\u00a034\u00a056\u00a078", "+33612345678"),
        ("\u200e+212 6 12 34 56 78\u200f", "+212612345678"),
        ("٠٦١٢٣٤٥٦٧٨", "+212612345678"),
        ("۰۶۱۲۳۴۵۶۷۸", "+212612345678"),
    ],
)
def test_valid_numbers_become_e164(text, expected):
    assert parse_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "+",
        "00",
        "0",
        "+33 6 12",  # too short
        "06 12 34",  # too short
        "+33 6 12 34 56 78 90 12",  # too long
        "+212 1 12 34 56 78",  # no such Moroccan number
        "+33 0 00 00 00 00",  # no such French number
        "+999 612345678",  # no such country
        "0212612345678",  # 0 then a country code: neither form
        "612345678",  # no country code and no trunk 0: not guessed
        "33612345678",  # country code without + or 00: not guessed
        "1-800-FLOWERS",  # letters are not read as digits
        "+33 6 12 34 56 78 ext 12",
        "06 12 34 56 7a",
        "tel: 0612345678",
        "+33 6 12 34 56 78 +1",  # a second plus
        "06+12345678",
        "+33/6/12/34/56/78",
        "06 12 34 56 78, 07 12 34 56 78",  # two numbers
    ],
)
def test_invalid_text_is_refused(text):
    assert parse_phone(text) is None


@pytest.mark.parametrize(
    ("e164", "masked"),
    [
        ("+212612345678", "+2126••••5678"),
        ("+33612345678", "+336••••5678"),
        ("+4915123456789", "+491••••••6789"),
        ("+15145550199", "+15•••••0199"),
        ("+390612345678", "+390•••••5678"),
    ],
)
def test_mask_phone_keeps_country_first_and_last_four_digits(e164, masked):
    assert mask_phone(e164) == masked


def test_mask_phone_hides_all_of_a_short_number():
    assert mask_phone("+33612") == "+33•••"


@pytest.mark.parametrize("text", ["", "0612345678", "+", "+33 6 12 34 56 78", "+٠٦١٢٣٤", "abc"])
def test_mask_phone_never_echoes_what_is_not_e164(text):
    assert mask_phone(text) == "••••"


def test_mask_phone_of_a_parsed_number():
    number = parse_phone("06 12 34 56 78")
    assert number is not None
    assert mask_phone(number) == "+2126••••5678"


@pytest.mark.parametrize(
    ("shared", "expected"),
    [
        ("33612345678", "+33612345678"),
        ("+33612345678", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("212 612 34 56 78", "+212612345678"),
        ("32470123456", "+32470123456"),
        ("612345678", None),
        ("not a number", None),
    ],
)
def test_a_shared_contact_always_carries_its_country_code(shared, expected):
    assert shared_contact_phone(shared) == expected
