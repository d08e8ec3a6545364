"""Reading what a user typed: a command typed as a word, or a question asked in the middle of
a booking. Plain functions, so every channel reads typed text the same way."""

from __future__ import annotations

from bot.matching import Decision

__all__ = ["reads_as_question", "typed_command"]

# Words typed alone that act as commands: channels without a command menu (WhatsApp) need them,
# and they mean the same everywhere.
_COMMAND_WORDS = {
    "start": "start",
    "menu": "menu",
    "القائمة": "menu",
    "قائمة": "menu",
    "book": "book",
    "réserver": "book",
    "reserver": "book",
    "حجز": "book",
    "mybookings": "mybookings",
    "حجوزاتي": "mybookings",
    "cancel": "cancel",
    "annuler": "cancel",
    "إلغاء": "cancel",
    "help": "help",
    "aide": "help",
    "مساعدة": "help",
    "contact": "contact",
    "forget": "forget",
    "language": "language",
    "langue": "language",
    "اللغة": "language",
}


def typed_command(text: str) -> tuple[str, list[str]] | None:
    """("book", []) for "/book" or "Réserver" typed alone; None for anything else."""
    words = text.strip().split()
    if not words:
        return None
    if words[0].startswith("/") and len(words[0]) > 1:
        return words[0][1:].split("@")[0].lower(), words[1:]
    if len(words) == 1:
        name = _COMMAND_WORDS.get(words[0].strip(".!?؟،").lower())
        return (name, []) if name else None
    return None


def reads_as_question(text: str, decision: Decision, waiting_for_text: bool) -> bool:
    """Whether a message typed during a booking asks something rather than answers the step.
    A typed step (name, phone, country) takes anything but a clear question; a step that waits
    for a choice treats whatever the FAQ recognises as a question."""
    if "?" in text or "؟" in text:
        return True
    if waiting_for_text:
        return decision is Decision.ANSWER and len(text.split()) >= 4
    return decision in (Decision.ANSWER, Decision.CLARIFY)
