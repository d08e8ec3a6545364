"""The question-answering service that every channel calls: one question in, one reply out.

It owns the loaded knowledge, its match index and the texts, so the Telegram bot, the terminal
chat and the `ask`/`eval` commands give exactly the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.analysis import Analyzer, load_stopwords
from bot.i18n import Texts
from bot.knowledge import KnowledgeBase
from bot.knowledge_loader import load_knowledge
from bot.language import Language, detect_language, reply_language
from bot.matching import MatchIndex, MatchResult, MatchSettings
from bot.replies import Reply, ReplyBuilder

__all__ = ["Answer", "Assistant"]


@dataclass(frozen=True)
class Answer:
    """A reply together with how it was reached (for logs, eval and staff review)."""

    reply: Reply
    result: MatchResult
    detected: Language


class Assistant:
    def __init__(
        self,
        knowledge: KnowledgeBase,
        settings: MatchSettings | None = None,
        texts: Texts | None = None,
        analyzer: Analyzer | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.texts = texts or Texts.load()
        self.index = MatchIndex(knowledge, analyzer or Analyzer(load_stopwords()), settings)
        self.replies = ReplyBuilder(knowledge, self.texts)

    @classmethod
    def from_folder(cls, folder: Path, settings: MatchSettings | None = None) -> Assistant:
        return cls(load_knowledge(folder), settings)

    def ask(self, question: str, chosen_language: str | None = None) -> Answer:
        detected = detect_language(question)
        result = self.index.match(question)
        available = ("ar", "fr", "en")
        if result.entry_id:
            entry = self.knowledge[result.entry_id]
            available = tuple(lang for lang in available if entry.has_answer_in(lang))
        lang = reply_language(detected, chosen_language, available)
        return Answer(self.replies.for_match(result, lang), result, detected)

    def show(self, entry_id: str, lang: str) -> Reply | None:
        """The reply for a topic the user picked from a menu or a suggestion."""
        entry = self.knowledge.get(entry_id)
        if entry is None:
            return None
        return self.replies.for_entry(entry, lang)
