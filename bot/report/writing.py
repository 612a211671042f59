"""What every part of the report writes with: the reader's words, dates in the guild's
time zone, people by name, and what people typed quoted with its line breaks kept (a
Markdown line ending in two spaces is a hard break in CommonMark and in the original
Markdown alike, and stays invisible in Discord's preview of the file)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.kit.i18n import Tr
from storage.models import GroupSession, Theme
from storage.report import ReportData

Names = Callable[[int | None], str]
CUSTOM_EMOJI = re.compile(r"<a?:(\w+):\d+>")
HARD_BREAK = "  "


@dataclass
class Writer:
    tr: Tr
    data: ReportData
    name: Names
    zone: ZoneInfo
    now: datetime

    def when(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).strftime("%d/%m/%Y %H:%M")

    def held(self, session: GroupSession) -> bool:
        if session.status == "cancelled":
            return False
        return (
            session.id in self.data.minutes
            or session.status == "done"
            or (session.starts_at.timestamp() + session.minutes * 60 <= self.now.timestamp())
        )

    def count(self, what: str, count: int) -> str:
        """ "3 séances tenues", "aucune recommandation": `report.<what>.count` for `count`."""
        return self.tr.plural(f"report.{what}.count", count)


def hard_breaks(text: str) -> list[str]:
    """The text's lines, each one followed by another ending in a hard line break, so the
    line breaks typed in Discord survive a Markdown reader (fenced code is left as is)."""
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    fenced = False
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced and line and i + 1 < len(lines) and lines[i + 1]:
            lines[i] = line + HARD_BREAK
    return lines


def quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in hard_breaks(text)) or ">"


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def theme_heading(theme: Theme) -> str:
    """The theme as Discord names it; a custom emoji, unreadable in a file, by its name."""
    emoji = CUSTOM_EMOJI.sub(r":\1:", theme.emoji or "").strip()
    return f"{emoji} {theme.title}" if emoji else theme.title
