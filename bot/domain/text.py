"""Long texts are split across messages, never cut."""

from __future__ import annotations

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
