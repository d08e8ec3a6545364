"""Long texts cut into messages a platform accepts: at paragraph breaks first, then at line
breaks, then at spaces, so that no chunk is over the limit and no word is cut in two."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["split_text"]


def split_text(text: str, limit: int, *, escape: Callable[[str], str] = str) -> list[str]:
    """The text in chunks of at most `limit` characters, each paragraph `escape`d first (the
    escaped length is what the platform counts)."""
    pieces = [
        piece
        for paragraph in text.split("\n\n")
        for piece in _pack(_lines_under(escape(paragraph), limit), "\n", limit)
    ]
    return _pack(pieces, "\n\n", limit) or [""]


def _lines_under(text: str, limit: int) -> list[str]:
    """The text's lines, each cut at spaces so that none is over the limit."""
    lines: list[str] = []
    for raw_line in text.split("\n"):
        line = raw_line
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            lines.append(line[:cut])
            line = line[cut:].lstrip()
        lines.append(line)
    return lines


def _pack(pieces: list[str], separator: str, limit: int) -> list[str]:
    """Join consecutive pieces with the separator into as few chunks under the limit as fit."""
    chunks: list[str] = []
    current: str | None = None
    for piece in pieces:
        candidate = piece if current is None else f"{current}{separator}{piece}"
        if len(candidate) <= limit:
            current = candidate
        else:
            if current is not None:
                chunks.append(current)
            current = piece
    if current is not None:
        chunks.append(current)
    return chunks
