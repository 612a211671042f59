"""The reader a section tells its rows with: the rows they point at, time zones, words."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.kit.i18n import Tr
from storage.privacy import Export

Row = dict[str, Any]


class Reader:
    """What a section needs to tell a row: the rows it points at, time zones, words."""

    def __init__(self, export: Export, member_id: int, tr: Tr, timezone: str) -> None:
        self.export, self.member_id, self.tr, self.timezone = export, member_id, tr, timezone

    def get(self, table: str, row_id: Any) -> Row:
        """The related row (an empty one when the id is missing: every lookup can chain)."""
        return self.export.related.get(table, {}).get(row_id, {}) if row_id is not None else {}

    def local(self, moment: datetime | None, guild_id: int | None) -> str | None:
        """ISO 8601 with the server's offset: "2027-01-20T18:00:00+01:00"."""
        if moment is None:
            return None
        zone = self.export.timezones.get(guild_id, self.timezone) if guild_id else self.timezone
        return _aware(moment).astimezone(ZoneInfo(zone)).isoformat()

    @staticmethod
    def utc(moment: datetime | None) -> str | None:
        if moment is None:
            return None
        return _aware(moment).astimezone(UTC).isoformat().replace("+00:00", "Z")

    def word(self, prefix: str, code: str | None) -> str | None:
        """A stored code (`in_person`, `closed`) in the reader's words; unknown ones as is."""
        if code is None:
            return None
        key = prefix + code
        return self.tr(key) if self.tr.catalog.has(self.tr.language, key) else code

    def yes_no(self, value: bool) -> str:
        return self.tr("privacy.export.yes" if value else "privacy.export.no")

    def group(self, group_id: Any) -> str | None:
        name: str | None = self.get("work_group", group_id).get("name")
        return name

    def theme(self, theme_id: Any) -> str | None:
        title: str | None = self.get("theme", theme_id).get("title")
        return title

    def cycle(self, cycle_id: Any) -> str | None:
        name: str | None = self.get("cycle", cycle_id).get("name")
        return name

    def roles(self, group: Row) -> str | None:
        """The member's own roles in a group ("animateur·trice, secrétaire"), if any."""
        mine = [
            self.tr(f"privacy.export.role.{role}")
            for role in ("facilitator", "secretary")
            if group.get(f"{role}_id") == self.member_id
        ]
        return ", ".join(mine) or None

    def session(self, session: Row) -> Row:
        """A session told by its group, its number and its date, local and UTC."""
        return {
            "group": self.group(session.get("group_id")),
            "session_number": session.get("number"),
            "date": self.local(session.get("starts_at"), session.get("guild_id")),
            "date_utc": self.utc(session.get("starts_at")),
        }


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
