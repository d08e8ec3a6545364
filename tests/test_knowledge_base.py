"""The shipped knowledge: every required topic, in every language, short, sourced, no invention."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from bot.i18n import Texts
from bot.knowledge import AgencyDetails, KnowledgeBase
from bot.replies import ReplyBuilder

REQUIRED_TOPICS = """
permit.when_required permit.documents permit.how_to_apply permit.processing_time permit.fees
permit.validity permit.from_abroad permit.occupancy permit.repairs permit.rural
permit.subdivision permit.violations urban.info_note urban.zoning_plan digital.rokhas
digital.track_application digital.eservices digital.complaints housing_aid.overview
housing_aid.amounts housing_aid.eligibility housing_aid.mre housing_aid.how_to_apply
housing_aid.payment housing_aid.eligible_homes housing_aid.obligations agency.contact agency.role
event.communication_day event.booking event.cancel_booking smalltalk.greeting smalltalk.thanks
handoff.human
""".split()

OFFICIAL_DOMAINS = ("rokhas.ma", "daamsakane.ma", "aubm.ma", "mhpv.gov.ma", "cdg.ma")
# A Moroccan or international phone number written in an answer would be an invented fact: the
# agency's numbers are unverified and belong in agency_details.yml only.
PHONE = re.compile(r"(?:\+212|\b0[5-7])[\s.-]?\d{1,2}(?:[\s.-]?\d{2}){3}")


def test_every_required_topic_is_answered(knowledge):
    ids = {entry.id for entry in knowledge.entries}
    assert set(REQUIRED_TOPICS) <= ids


@pytest.mark.parametrize("topic", REQUIRED_TOPICS)
def test_topic_is_asked_in_every_language_and_answered_short(knowledge, topic):
    entry = knowledge[topic]
    for lang in ("ar", "ary", "ary_latn", "fr", "en"):
        assert len(entry.questions.get(lang, ())) >= 3, (topic, lang)
    for lang in ("ar", "fr"):
        answer = entry.answer[lang]
        assert 0 < len(answer) < 1000, (topic, lang, len(answer))
        assert not PHONE.search(answer), (topic, lang)
    assert entry.reviewed is not None
    if entry.category not in ("smalltalk",):
        assert entry.source, topic


def test_links_are_official_https_pages(knowledge):
    for entry in knowledge.entries:
        for link in entry.links:
            host = urlparse(link.url).netloc.removeprefix("www.")
            assert link.url.startswith("https://"), (entry.id, link.url)
            assert host.endswith(OFFICIAL_DOMAINS), (entry.id, link.url)
            assert link.title_in("ar") and link.title_in("fr")


def test_booking_topic_starts_the_booking(knowledge):
    assert knowledge["event.booking"].action == "book"
    assert knowledge["agency.contact"].action == "contact"
    assert knowledge["handoff.human"].action == "handoff"


def test_shipped_agency_details_have_no_placeholder(knowledge):
    agency = knowledge.agency
    assert agency.website == "https://aubm.ma"
    for value in (agency.email, *agency.phones, *agency.address.values()):
        assert "x" not in value.lower() or "@" in value


def test_contact_card_leaves_empty_fields_out():
    texts = Texts.load()
    empty = ReplyBuilder(
        KnowledgeBase((), agency=AgencyDetails(website="https://aubm.ma")), texts
    ).contact_card("fr")
    assert "Site web : https://aubm.ma" in empty
    assert "Adresse" not in empty and "Téléphone" not in empty and "E-mail" not in empty
    full = ReplyBuilder(
        KnowledgeBase(
            (),
            agency=AgencyDetails(
                address={"fr": "Avenue X, Béni Mellal"}, phones=("+212 500 000 000",)
            ),
        ),
        texts,
    ).contact_card("fr")
    assert "Adresse : Avenue X, Béni Mellal" in full
    assert "Téléphone : +212 500 000 000" in full


def test_every_text_exists_in_arabic_french_and_english():
    texts = Texts.load()
    assert texts.keys("ar") == texts.keys("fr") == texts.keys("en")
