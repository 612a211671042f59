"""Long texts are split across messages, never cut."""

from __future__ import annotations

from collections.abc import Sequence

MESSAGE_LIMIT = 2000


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Chunks of at most `limit` characters whose concatenation is the text, split at the
    last paragraph break, else line break, else space before the limit."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        cut = cut + 1 if cut > 0 else limit
        chunks.append(rest[:cut])
        rest = rest[cut:]
    if rest or not chunks:
        chunks.append(rest)
    return chunks


def pack(tokens: Sequence[str], limit: int, sep: str = "\n") -> list[str]:
    """Tokens (lines, mentions) joined into blocks of at most `limit` characters, a token
    never split between two blocks (one longer than the limit is shortened to it)."""
    blocks: list[str] = []
    current = ""
    for token in tokens:
        token = token[:limit]
        if current and len(current) + len(sep) + len(token) > limit:
            blocks.append(current)
            current = ""
        current = f"{current}{sep}{token}" if current else token
    if current:
        blocks.append(current)
    return blocks


ELLIPSIS = "…"
EXCERPT = 100


def cut(text: str, limit: int) -> str:
    """The text itself when it fits, else its first characters and an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + ELLIPSIS


def excerpt(value: object, limit: int = EXCERPT) -> str:
    """What a reply may quote of a member's input: one line, at most `limit` characters.

    A value is echoed back so its author recognises it, not to be reproduced: whatever was
    typed (6,000 characters, line breaks, a mention), the quote stays short and on one line.
    """
    flat = " ".join(str(value).split())
    return cut(flat, limit)
