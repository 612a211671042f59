"""Rules for themes: titles, links, countries and the emoji each theme is voted with."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.kit.user_error import UserError

TITLE_MAX = 100
DESCRIPTION_MAX = 4000
LINK_MAX = 500
COUNTRIES = {"FR,BE": ("FR", "BE"), "FR": ("FR",), "BE": ("BE",)}
# One distinct emoji per theme, in order: keycaps, then coloured squares.
DEFAULT_EMOJIS = (
    "1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟",
    "🟥", "🟧", "🟨", "🟩", "🟦", "🟪", "🟫", "⬛", "⬜",
)  # fmt: skip
_CUSTOM = re.compile(r"^<(a?):([A-Za-z0-9_~]{2,32}):(\d{15,21})>$")
_KEYCAP = re.compile(r"^[0-9#*]\ufe0f?\u20e3$")


@dataclass(frozen=True)
class ThemeEmoji:
    text: str  # what is stored and shown: "1️⃣" or "<:name:id>"
    custom_id: int | None = None


def clean_title(raw: str) -> str:
    title = " ".join(raw.split())
    if not title:
        raise UserError("error.theme.title_empty")
    if len(title) > TITLE_MAX:
        raise UserError("error.theme.title_long", max=TITLE_MAX, length=len(title))
    return title


def clean_description(raw: str) -> str:
    text = raw.strip()
    if not text:
        raise UserError("error.theme.description_empty")
    if len(text) > DESCRIPTION_MAX:
        raise UserError("error.theme.description_long", max=DESCRIPTION_MAX, length=len(text))
    return text


def clean_link(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    link = raw.strip()
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", link) or len(link) > LINK_MAX:
        raise UserError("error.theme.link", value=link)
    return link


def countries(raw: str | None) -> str:
    key = (raw or "FR,BE").upper().replace(" ", "")
    if key == "BE,FR":
        key = "FR,BE"
    if key not in COUNTRIES:
        raise UserError("error.theme.countries", value=raw)
    return key


def _is_unicode_emoji(text: str) -> bool:
    if _KEYCAP.match(text):
        return True
    if len(text) > 12 or any(ch.isascii() for ch in text):
        return False
    base = [ch for ch in text if unicodedata.category(ch) not in ("Mn", "Me", "Cf", "Sk")]
    return bool(base) and all(
        unicodedata.category(ch) == "So" or 0x1F1E6 <= ord(ch) <= 0x1F1FF for ch in base
    )


def parse_emoji(raw: str) -> ThemeEmoji:
    text = raw.strip()
    custom = _CUSTOM.match(text)
    if custom:
        return ThemeEmoji(text, int(custom.group(3)))
    if _is_unicode_emoji(text):
        return ThemeEmoji(text)
    raise UserError("error.theme.emoji", value=text)


def choose_emoji(raw: str | None, used: set[str]) -> ThemeEmoji:
    """The given emoji if free, else the first default one no other theme uses."""
    if raw is not None and raw.strip():
        emoji = parse_emoji(raw)
        if emoji.text in used:
            raise UserError("error.theme.emoji_taken", emoji=emoji.text)
        return emoji
    for candidate in DEFAULT_EMOJIS:
        if candidate not in used:
            return ThemeEmoji(candidate)
    raise UserError("error.theme.emoji_exhausted")
