"""Staff edit the knowledge while the bot runs: valid changes go live, broken ones never do.

The real Application runs against the fake Bot API; the knowledge folder is a copy in tmp_path,
watched by the bot; admins read the outcome in Telegram.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from tests.support.bot_runner import ROOT, make_settings, running_bot
from tests.support.events import closed_event, events_file
from tests.support.fake_telegram import FakeTelegram

ADMIN = 900
CITIZEN = 77
NEW_ENTRY = """\
entries:
  - id: test.zorblax
    category: permits
    questions:
      ar: [ما هي رخصة زوربلاكس الخاصة؟]
      fr: ["Qu'est-ce que la licence zorblax quantique ?"]
    answer:
      ar: جواب تجريبي عن زوربلاكس.
      fr: Réponse de test sur zorblax.
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    for source in (ROOT / "knowledge").glob("*.yml"):
        (knowledge / source.name).write_text(source.read_text(encoding="utf-8"))
    # As shipped, the examples' folder exists before the bot starts watching.
    (knowledge / "examples").mkdir()
    return knowledge


@pytest.fixture
async def bot(tg, tmp_path, folder, clock):
    settings = replace(
        make_settings(tg.base_url, tmp_path / "bot.sqlite3"),
        knowledge_dir=folder,
        watch_debounce_ms=200,
    )
    async with running_bot(settings, clock) as app:
        await asyncio.sleep(0.3)  # the watcher is up
        yield app


async def ask(tg: FakeTelegram, text: str) -> str:
    await tg.send_text(CITIZEN, text, language_code="fr")
    [answer] = await tg.wait_for(CITIZEN)
    return answer["plain_text"]


async def test_a_valid_change_goes_live_and_admins_get_a_summary(tg, bot, folder):
    assert not (await ask(tg, "licence zorblax quantique")).startswith("Réponse de test")
    (folder / "test.yml").write_text(NEW_ENTRY, encoding="utf-8")
    [summary] = await tg.wait_for(ADMIN, timeout=15)
    assert summary["plain_text"].startswith("\u200fتم تحديث المعلومات: 1 جديدة، 0 معدلة، 0 محذوفة")
    assert (await ask(tg, "licence zorblax quantique")) == "Réponse de test sur zorblax."
    # A deleted file is a change like any other: its entries are removed.
    (folder / "test.yml").unlink()
    [summary] = await tg.wait_for(ADMIN, timeout=15)
    assert "0 جديدة، 0 معدلة، 1 محذوفة" in summary["plain_text"]


async def test_a_saved_example_message_is_read_and_a_bad_one_is_reported(tg, bot, folder):
    lines = [
        '{"text": "ana f belgique, ch7al taxe dyal rokhsa?", "expected": "permit.fees"}',
        '{"text": "combien de temps pour le permis", "expected": "permit.delay"}',
    ]
    (folder / "examples" / "new.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # A reload refits the classifier: on a busy 2-core machine that can take over 15 s.
    [summary] = await tg.wait_for(ADMIN, timeout=40)
    text = summary["plain_text"]
    assert text.startswith("\u200fتم تحديث المعلومات: 0 جديدة، 0 معدلة، 0 محذوفة (1 ملاحظة)")
    assert "new.jsonl:2" in text
    assert "'permit.delay' is not an entry id" in text


async def test_saved_events_whose_booking_has_closed_are_accepted_with_a_warning(
    tg, bot, folder, clock
):
    (folder / "events.yml").write_text(events_file(closed_event(clock.now)), encoding="utf-8")
    [summary] = await tg.wait_for(ADMIN, timeout=15)
    text = summary["plain_text"]
    assert text.startswith("\u200fتم تحديث المعلومات: 0 جديدة، 0 معدلة، 0 محذوفة (1 ملاحظة)")
    assert "events.yml:3 — انتهت مدة الحجز في هذا اللقاء" in text
    assert "closed-day: booking closed on" in text


@pytest.mark.parametrize(
    ("broken", "where", "hint"),
    [
        ("entries:\n  - id: test.x\n    category: [permits\n", "test.yml:", "خطأ في الكتابة"),
        (NEW_ENTRY.replace("    questions:", "    questons:"), "test.yml:4", "حقل غير معروف"),
        (
            NEW_ENTRY.replace("      fr: Réponse de test sur zorblax.\n", ""),
            "test.yml:7",
            "ينقص النص",
        ),
        (NEW_ENTRY.replace("id: test.zorblax", "id: permit.fees"), "test.yml:2", "نفس المعرف"),
        (NEW_ENTRY + "    follow_ups: [permit.nope]\n", "test.yml:10", "يشير إلى معرف"),
        (
            NEW_ENTRY + "    links:\n      - {title: x, url: 'rokhas point ma'}\n",
            "test.yml:11",
            "رابط غير صحيح",
        ),
    ],
)
async def test_a_broken_change_is_refused_and_the_old_knowledge_keeps_answering(
    tg, bot, folder, broken, where, hint
):
    (folder / "test.yml").write_text(broken, encoding="utf-8")
    [refused] = await tg.wait_for(ADMIN, timeout=15)
    text = refused["plain_text"]
    assert "لم يتم قبول التعديل" in text
    assert where in text and hint in text
    answer = await ask(tg, "Quels documents pour le permis de construire ?")
    services = bot.bot_data["services"]
    assert answer == services.assistant.knowledge["permit.documents"].answer["fr"]
    assert services.assistant.knowledge.get("test.zorblax") is None


async def test_a_half_written_file_waits_for_the_rest(tg, bot, folder):
    half = NEW_ENTRY[: NEW_ENTRY.index("    answer:")]
    (folder / "test.yml").write_text(half, encoding="utf-8")
    [refused] = await tg.wait_for(ADMIN, timeout=15)
    assert "لم يتم قبول التعديل" in refused["plain_text"]
    (folder / "test.yml").write_text(NEW_ENTRY, encoding="utf-8")
    [accepted] = await tg.wait_for(ADMIN, timeout=15)
    assert "1 جديدة" in accepted["plain_text"]


async def test_reload_command_is_for_admins_only(tg, bot):
    await tg.send_command(CITIZEN, "/reload", language_code="fr")
    [refused] = await tg.wait_for(CITIZEN)
    assert refused["plain_text"] == "Cette commande n'est pas disponible."
    await tg.send_command(ADMIN, "/reload", language_code="fr")
    [summary] = await tg.wait_for(ADMIN, timeout=15)
    # The admin who asks is answered in the language of their app, like any command.
    assert summary["plain_text"].startswith("Connaissances mises à jour : 0 ajoutées")


async def test_a_saved_question_that_leads_elsewhere_is_reported_to_admins(tg, bot, folder):
    permits = folder / "permits.yml"
    text = permits.read_text(encoding="utf-8")
    anchor = "  - id: permit.fees\n"
    assert anchor in text
    # A staff member adds to permit.fees a question that is really about the housing aid.
    misplaced = '        - "montant de l\'aide directe au logement pour un appartement"\n'
    start = text.index(anchor)
    french = text.index("      fr:\n", start) + len("      fr:\n")
    permits.write_text(text[:french] + misplaced + text[french:], encoding="utf-8")
    [summary] = await tg.wait_for(ADMIN, timeout=20)
    plain = summary["plain_text"]
    assert "1 معدلة" in plain
    assert "permit.fees is closer to housing_aid" in plain
