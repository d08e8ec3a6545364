"""The knowledge validator: every kind of problem is reported, with its file and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.cli import main
from bot.errors import KnowledgeError, Severity
from bot.knowledge_loader import check_folder, load_knowledge

VALID = """\
entries:
  - id: permit.documents
    category: permits
    questions:
      ar:
        - ما هي وثائق رخصة البناء؟
      fr:
        - Quels documents pour le permis de construire ?
    answer:
      ar: الملف يضم وثائق الملكية والتصاميم.
      fr: Le dossier comprend le titre de propriété et les plans.
    links:
      - title: {ar: منصة رخص, fr: Plateforme Rokhas}
        url: https://www.rokhas.ma
    follow_ups: [permit.fees]
    reviewed: 2026-11-23
  - id: permit.fees
    category: permits
    questions:
      ar: [كم ثمن رخصة البناء؟]
      fr: ["Combien coûte le permis ?"]
    answer:
      ar: تؤدى رسوم البناء للجماعة.
      fr: La taxe est payée à la commune.
"""


def write(folder: Path, text: str, name: str = "permits.yml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(folder: Path) -> list[tuple[int, str]]:
    _, problems = check_folder(folder)
    return [(p.line, p.message) for p in problems if p.severity is Severity.ERROR]


def test_a_valid_folder_loads(tmp_path):
    write(tmp_path, VALID)
    knowledge = load_knowledge(tmp_path)
    assert [e.id for e in knowledge.entries] == ["permit.documents", "permit.fees"]
    assert knowledge["permit.documents"].links[0].title_in("fr") == "Plateforme Rokhas"


def test_bad_yaml_points_at_the_line(tmp_path):
    write(tmp_path, VALID.replace("    category: permits\n", "    category: [permits\n", 1))
    [(line, message)] = problems_of(tmp_path)
    assert line in (3, 4)
    assert "not valid YAML" in message


def test_unknown_field_is_named_with_a_suggestion(tmp_path):
    write(tmp_path, VALID.replace("    questions:\n", "    questons:\n", 1))
    found = problems_of(tmp_path)
    assert (4, "permit.documents: unknown field 'questons' (did you mean 'questions'?)") in found


def test_missing_required_language(tmp_path):
    broken = VALID.replace(
        "      fr: Le dossier comprend le titre de propriété et les plans.\n", ""
    )
    write(tmp_path, broken)
    [(line, message)] = problems_of(tmp_path)
    assert line == 9
    assert "add the answer in 'fr'" in message


def test_missing_question_language(tmp_path):
    broken = VALID.replace("      ar: [كم ثمن رخصة البناء؟]\n", "")
    write(tmp_path, broken)
    [(line, message)] = problems_of(tmp_path)
    assert line == 19
    assert "permit.fees: add at least one question in 'ar'" in message


def test_duplicate_id_names_both_places(tmp_path):
    write(tmp_path, VALID)
    write(
        tmp_path,
        VALID.split("  - id: permit.fees", maxsplit=1)[0],
        name="more.yml",
    )
    found = problems_of(tmp_path)
    assert any(
        line == 2 and "duplicate id 'permit.documents'" in m and "more.yml:2" in m
        for line, m in found
    ), found


def test_unknown_follow_up(tmp_path):
    write(tmp_path, VALID.replace("follow_ups: [permit.fees]", "follow_ups: [permit.feez]"))
    [(line, message)] = problems_of(tmp_path)
    assert line == 15
    assert "follow_up 'permit.feez' is not an entry id (did you mean 'permit.fees'?)" in message


def test_empty_answer(tmp_path):
    write(tmp_path, VALID.replace("      ar: تؤدى رسوم البناء للجماعة.", '      ar: ""'))
    [(line, message)] = problems_of(tmp_path)
    assert line == 23
    assert "the 'ar' answer is empty" in message


def test_answer_over_telegram_limit(tmp_path):
    long_answer = "أ" * 4100
    write(tmp_path, VALID.replace("تؤدى رسوم البناء للجماعة.", long_answer))
    [(line, message)] = problems_of(tmp_path)
    assert line == 23
    assert "4100 characters, over the 4096 of one chat message" in message


def test_long_answer_is_only_a_warning(tmp_path):
    write(tmp_path, VALID.replace("تؤدى رسوم البناء للجماعة.", "أ" * 1500))
    knowledge, problems = check_folder(tmp_path)
    assert knowledge is not None
    assert [p.severity for p in problems] == [Severity.WARNING]


def test_malformed_link(tmp_path):
    write(tmp_path, VALID.replace("url: https://www.rokhas.ma", "url: www rokhas ma"))
    [(line, message)] = problems_of(tmp_path)
    assert line == 14
    assert "malformed link url" in message


def test_every_problem_is_reported_at_once(tmp_path):
    broken = (
        VALID.replace("    questions:\n", "    questons:\n", 1)
        .replace("follow_ups: [permit.fees]", "follow_ups: [nope.nope]")
        .replace("url: https://www.rokhas.ma", "url: rokhas")
    )
    write(tmp_path, broken)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(tmp_path)
    assert len(caught.value.problems) >= 4


def test_unknown_category_and_action(tmp_path):
    write(
        tmp_path,
        VALID.replace("category: permits", "category: permit", 1).replace(
            "    reviewed: 2026-11-23", "    action: fly\n    reviewed: 2026-11-23"
        ),
    )
    found = problems_of(tmp_path)
    assert any(line == 3 and "'category' must be one of" in m for line, m in found)
    assert any(line == 16 and "'action' must be one of" in m for line, m in found)


def test_synonym_in_two_groups(tmp_path):
    write(tmp_path, VALID)
    write(tmp_path, "groups:\n  permit: [permis, rokhsa]\n  build: [bni, permis]\n", "syn.yml")
    [(line, message)] = problems_of(tmp_path)
    assert line == 3
    assert "'permis' is in group 'build' and in group 'permit'" in message


def test_agency_placeholder_values_are_refused(tmp_path):
    write(tmp_path, VALID)
    write(tmp_path, "agency:\n  email: to-be-filled\n  phones: ['XX XX']\n", "agency.yml")
    found = problems_of(tmp_path)
    assert (2, "agency e-mail 'to-be-filled' is not an e-mail address") in found
    assert any(line == 3 and "is not a phone number" in m for line, m in found)


def test_kb_check_command_exit_codes(tmp_path, capsys):
    write(tmp_path, VALID)
    assert main(["kb", "check", str(tmp_path)]) == 0
    assert "OK: 2 entries, 4 questions (ar 2, fr 2)" in capsys.readouterr().out
    (tmp_path / "events.yml").write_text("events:\n  - id: x\n    capacty: 3\n")
    assert main(["kb", "check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "events.yml:3: error:" in out and "capacty" in out
    write(tmp_path, VALID.replace("follow_ups: [permit.fees]", "follow_ups: [x.y]"))
    assert main(["kb", "check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "permits.yml:15: error:" in out
    assert "NOT accepted" in out


def test_shipped_knowledge_has_no_error(knowledge):
    assert len(knowledge.entries) >= 34


def test_overlong_id_is_refused(tmp_path):
    long_id = "permit." + "x" * 50
    write(
        tmp_path,
        VALID.replace("id: permit.fees", f"id: {long_id}").replace(
            "follow_ups: [permit.fees]", f"follow_ups: [{long_id}]"
        ),
    )
    [(line, message)] = problems_of(tmp_path)
    assert line == 17
    assert "over 50 characters" in message


def test_a_language_given_twice_is_reported(tmp_path):
    write(
        tmp_path,
        VALID.replace(
            "      fr:\n        - Quels documents pour le permis de construire ?\n",
            "      fr:\n        - Quels documents pour le permis de construire ?\n"
            "      fr:\n        - Quels papiers ?\n",
        ),
    )
    [(line, message)] = problems_of(tmp_path)
    assert line == 9
    assert "'fr' is given twice" in message


def test_editor_leftovers_and_hidden_files_are_ignored(tmp_path):
    write(tmp_path, VALID)
    # An Emacs lock is a dangling link; Vim's swap file and a backup sit beside the real file.
    (tmp_path / ".#permits.yml").symlink_to(tmp_path / "user@host.1234:1700000000")
    write(tmp_path, "entries: [broken", name=".permits.yml.swp")
    write(tmp_path, "entries: [broken", name="permits.yml~")
    write(tmp_path, "entries: [broken", name=".hidden.yml")
    assert [e.id for e in load_knowledge(tmp_path).entries] == ["permit.documents", "permit.fees"]


def test_an_unreadable_file_is_one_line_not_a_traceback(tmp_path, capsys):
    write(tmp_path, VALID)
    (tmp_path / "lost.yml").symlink_to(tmp_path / "nowhere.yml")
    assert main(["kb", "check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "lost.yml:1: error: the file cannot be read (No such file or directory)" in out


def test_aliases_that_expand_without_bound_are_refused_quickly(tmp_path):
    # A few hundred bytes that would expand to 9**9 values ("billion laughs").
    lines = ['link: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 9)]
    write(tmp_path, "\n".join(lines) + "\n", name="bomb.yml")
    write(tmp_path, VALID)
    [(line, message)] = problems_of(tmp_path)
    assert "anchors and aliases" in message and "expand to more than" in message
    assert line > 1


def test_an_oversized_file_is_refused_before_it_is_parsed(tmp_path):
    write(tmp_path, VALID)
    write(tmp_path, "# filler\n" * 300_000, name="huge.yml")
    [(line, message)] = problems_of(tmp_path)
    assert line == 1 and "the limit is 2 MB" in message


def test_a_long_list_of_errors_stops_after_fifty_lines(tmp_path):
    broken = "".join(
        f"  - id: permit.x{n}\n    category: nowhere\n    questions: {{}}\n    answer: {{}}\n"
        for n in range(200)
    )
    write(tmp_path, "entries:\n" + broken)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(tmp_path)
    lines = str(caught.value).splitlines()
    assert len(lines) == 51
    assert lines[-1].startswith("... and ") and lines[-1].endswith("more problem(s)")


def test_an_impossible_date_and_a_mapping_key_are_one_line_each(tmp_path):
    write(tmp_path, VALID.replace("reviewed: 2026-11-23", "reviewed: 2027-02-30"))
    write(tmp_path, "entries:\n  ? {a: 1}\n  : x\n", name="keys.yml")
    problems = problems_of(tmp_path)
    assert (16, "a date does not exist (day is out of range for month)") in problems
    assert any("keys must be plain words" in message for _, message in problems)


def test_example_messages_load_and_a_bad_line_is_left_out_with_a_warning(tmp_path):
    write(tmp_path, VALID)
    examples = tmp_path / "examples"
    examples.mkdir()
    lines = [
        '{"text": "salam, ana f Italia, ch7al kaykhalso f rokhsa?", "expected": "permit.fees"}',
        '{"text": "permis de conduire international", "expected": null}',
        '{"text": "Merci ! Autre chose : quels papiers ?", "expected": "smalltalk.thanks",'
        ' "also": "permit.documents"}',
        '{"text": "combien de temps pour le permis", "expected": "permit.delay"}',
        "not json",
    ]
    (examples / "messages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    knowledge, problems = check_folder(tmp_path)
    assert knowledge is not None
    assert [(e.text[:5], e.entry_id) for e in knowledge.examples] == [
        ("salam", "permit.fees"),
        ("permi", None),
        # A thanks asks nothing: the example is the question that follows it.
        ("Merci", "permit.documents"),
    ]
    warnings = [(p.line, p.message) for p in problems if p.severity is Severity.WARNING]
    assert warnings[0][0] == 4 and "'permit.delay' is not an entry id" in warnings[0][1]
    assert warnings[1][0] == 5 and "not a JSON object" in warnings[1][1]
    assert all(p.file.endswith("messages.jsonl") for p in problems)
