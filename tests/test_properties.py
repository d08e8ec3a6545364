"""Properties that hold for any input: generated texts and YAML documents, not chosen examples.

A citizen can type anything and staff can save anything; these check that the normaliser, the
matcher and the checkers never raise and answer the same way twice.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.events_check import check_events
from bot.knowledge_loader import check_folder
from bot.matching import Decision
from bot.normalize import normalize
from bot.person_fields import clean_country, clean_name
from bot.phones import parse_phone, shared_contact_phone
from bot.redaction import MAX_STORED_CHARS, stored_text

# Arabic, Latin with accents, digits, punctuation, emojis and invisible characters.
ALPHABET = st.characters(
    codec="utf-8",
    categories=("L", "M", "N", "P", "S", "Zs", "Cf"),
    exclude_characters="\x00",
)
MESSAGES = st.text(ALPHABET, max_size=300)
QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@QUICK
@given(MESSAGES)
def test_normalising_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


@QUICK
@given(MESSAGES)
def test_the_matcher_always_decides_and_the_same_way_twice(assistant, text):
    first, second = assistant.index.match(text), assistant.index.match(text)
    assert first.decision in set(Decision)
    assert first == second
    assert (first.entry_id is not None) == (first.decision is Decision.ANSWER)
    assert 0.0 <= first.score <= 1.0 + 1e-9


@QUICK
@given(MESSAGES)
def test_typed_fields_never_raise_and_stay_bounded(text):
    assert len(stored_text(text)) <= MAX_STORED_CHARS
    for cleaned in (clean_name(text), clean_country(text)):
        assert cleaned is None or (cleaned == cleaned.strip() and len(cleaned) <= 80)
    for phone in (parse_phone(text), shared_contact_phone(text)):
        assert phone is None or (phone.startswith("+") and phone[1:].isdigit())


YAML_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20))
YAML_VALUES = st.recursive(
    YAML_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
DOCUMENTS = st.one_of(
    st.text(max_size=200),  # any text, mostly not valid YAML
    YAML_VALUES.map(lambda value: yaml.safe_dump(value, allow_unicode=True)),
    st.dictionaries(
        st.sampled_from(["entries", "groups", "out_of_scope", "agency", "events"]),
        YAML_VALUES,
        max_size=3,
    ).map(lambda value: yaml.safe_dump(value, allow_unicode=True)),
)


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(DOCUMENTS)
def test_any_saved_file_gives_problems_never_an_exception(tmp_path_factory, document):
    folder: Path = tmp_path_factory.mktemp("kb")
    (folder / "topics.yml").write_text(document, encoding="utf-8")
    (folder / "events.yml").write_text(document, encoding="utf-8")
    knowledge, problems = check_folder(folder)
    assert knowledge is not None or problems
    check_events(folder / "events.yml")
