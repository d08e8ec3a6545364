"""A knowledge folder with one answer of five long paragraphs (just under Telegram's 4,096
characters, far over WhatsApp's 1,024 for an interactive body): the adapters must split it."""

from __future__ import annotations

from pathlib import Path

__all__ = ["QUESTION", "long_answer_folder"]

QUESTION = "question tres longue"


def long_answer_folder(parent: Path) -> tuple[Path, str]:
    """The folder and the French answer as written."""
    folder = parent / "knowledge"
    folder.mkdir()
    paragraphs = "\n\n".join(f"Paragraphe {n} : " + "texte " * 131 for n in range(5))
    (folder / "long.yml").write_text(
        "entries:\n"
        "  - id: long.answer\n"
        "    category: permits\n"
        "    action: contact\n"
        f"    questions: {{ar: [سؤال طويل جدا], fr: [{QUESTION}]}}\n"
        "    answer:\n"
        "      ar: جواب\n"
        f"      fr: {paragraphs!r}\n".replace("\\n", "\n"),
        encoding="utf-8",
    )
    return folder, paragraphs
