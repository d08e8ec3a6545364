"""The question-answering service that every channel calls: one question in, one reply out.

It owns the loaded knowledge, its match index and the texts, so the Telegram bot, the terminal
chat and the `ask`/`eval` commands give exactly the same answers.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from bot.i18n import Texts
from bot.knowledge import KnowledgeBase
from bot.knowledge_loader import load_knowledge
from bot.language import Language, detect_language, reply_language
from bot.matching import MatchIndex, MatchResult, MatchSettings
from bot.replies import Reply, ReplyBuilder
from bot.terms import Analyzer, load_stopwords

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
        """The assistant of a knowledge folder, built once per process for the same files:
        reading and indexing take seconds, and every channel, command and test of the
        process asks for the same folder. A changed file gives a new fingerprint."""
        key = (_fingerprint(Path(folder)), settings)
        built = _BUILT.get(key)
        if built is None:
            built = cls(load_knowledge(folder), settings)
            _BUILT[key] = built
            while len(_BUILT) > _KEPT:
                _BUILT.popitem(last=False)
        _BUILT.move_to_end(key)
        return built

    def ask(self, question: str, chosen_language: str | None = None) -> Answer:
        detected = detect_language(question)
        result = self.index.match(question)
        available = ("ar", "fr", "en")
        if result.entry_id:
            entry = self.knowledge[result.entry_id]
            available = tuple(lang for lang in available if entry.has_answer_in(lang))
        lang = reply_language(detected, chosen_language, available)
        return Answer(self.replies.for_match(result, lang), result, detected)

    def entry_reply(self, entry_id: str, lang: str) -> Reply | None:
        """The reply for a topic the user picked from a menu or a suggestion."""
        entry = self.knowledge.get(entry_id)
        if entry is None:
            return None
        return self.replies.for_entry(entry, lang)


# Assistants already built in this process, by the fingerprint of their folder's files.
_BUILT: OrderedDict[tuple[str, MatchSettings | None], Assistant] = OrderedDict()
_KEPT = 2


def _fingerprint(folder: Path) -> str:
    """The names and contents of the knowledge files (events aside: they are not indexed)."""
    digest = hashlib.sha256()
    files = sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml"))
    for path in files:
        if path.name != "events.yml" and path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
