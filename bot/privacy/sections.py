"""How each stored row is told to the member whose row it is: one function per table that
storage/privacy.py exports, each naming what the row is about (the theme's title, the
group's name, the session's date in its server's time zone and in UTC, the vote's title
and the options of the member's own ballot) under field codes that files.py puts in the
reader's words. Dates are ISO 8601 with the server's offset, so that no reader has to
guess the zone; a stored code (`in_person`, `closed`) is told in the reader's words.
"""

from __future__ import annotations

from collections.abc import Callable
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


# ------------------------------------------------------------------ one function per table
def _profile(r: Reader, row: Row) -> Row:
    return {
        "office": row.get("office"),
        "mode": r.word("profile.mode.", row.get("mode")),
        "facilitate": r.yes_no(bool(row.get("facilitate"))),
        "take_notes": r.yes_no(bool(row.get("take_notes"))),
        "updated_at": r.local(row.get("updated_at"), row.get("guild_id")),
    }


def _group_member(r: Reader, row: Row) -> Row:
    group = r.get("work_group", row.get("group_id"))
    return {
        "group": group.get("name"),
        "theme": r.theme(group.get("theme_id")),
        "role": r.roles(group),
        "mode": r.word("profile.mode.", group.get("mode")),
        "office": group.get("office"),
        "added_as": r.word("privacy.export.source.", row.get("source")),
        "recorded_at": r.local(row.get("added_at"), group.get("guild_id")),
    }


def _invitation(r: Reader, row: Row) -> Row:
    group = r.get("work_group", row.get("group_id"))
    return {
        "group": group.get("name"),
        "theme": r.theme(group.get("theme_id")),
        "status": r.word("privacy.export.invitation.", row.get("state")),
        "reason": row.get("reason"),
        "deadline": r.local(row.get("deadline"), row.get("guild_id")),
        "answered_at": r.local(row.get("answered_at"), row.get("guild_id")),
        "recorded_at": r.local(row.get("created_at"), row.get("guild_id")),
    }


def _work_group(r: Reader, row: Row) -> Row:
    return {
        "group": row.get("name"),
        "theme": r.theme(row.get("theme_id")),
        "role": r.roles(row),
        "mode": r.word("profile.mode.", row.get("mode")),
        "office": row.get("office"),
    }


def _interest_vote(r: Reader, row: Row) -> Row:
    poll = r.get("interest_poll", row.get("poll_id"))
    return {
        "theme": r.theme(row.get("theme_id")),
        "cycle": r.cycle(poll.get("cycle_id")),
        "recorded_at": r.local(row.get("created_at"), poll.get("guild_id")),
    }


def _poll_notice(r: Reader, row: Row) -> Row:
    poll = r.get("interest_poll", row.get("poll_id"))
    return {
        "cycle": r.cycle(poll.get("cycle_id")),
        "deadline": r.local(poll.get("deadline"), poll.get("guild_id")),
        "recorded_at": r.local(row.get("created_at"), poll.get("guild_id")),
    }


def _time_vote(r: Reader, row: Row) -> Row:
    poll = r.get("time_poll", row.get("poll_id"))
    starts = r.get("time_slot", row.get("slot_id")).get("starts_at")
    return {
        "group": r.group(poll.get("group_id")),
        "slot": r.local(starts, poll.get("guild_id")),
        "slot_utc": r.utc(starts),
        "recorded_at": r.local(row.get("created_at"), poll.get("guild_id")),
    }


def _rsvp(r: Reader, row: Row) -> Row:
    session = r.get("group_session", row.get("session_id"))
    return {
        **r.session(session),
        "answer": r.word("rsvp.", row.get("answer")),
        "updated_at": r.local(row.get("updated_at"), session.get("guild_id")),
    }


def _ballot(r: Reader, row: Row) -> Row:
    vote = r.get("assembly_vote", row.get("vote_id"))
    return {
        "vote": vote.get("title"),
        "method": r.word("choice.", vote.get("method")),
        # the labels chosen (ranked: from the favourite down), not the indexes stored
        "ballot": _labels(vote.get("options"), row.get("choices")),
        "status": r.word("assembly.status.", vote.get("status")),
        "deadline": r.local(vote.get("deadline"), vote.get("guild_id")),
        "updated_at": r.local(row.get("updated_at"), vote.get("guild_id")),
    }


def _labels(options: Any, choices: Any) -> list[str]:
    known: list[str] = options if isinstance(options, list) else []
    chosen: list[Any] = choices if isinstance(choices, list) else []
    return [known[i] if isinstance(i, int) and 0 <= i < len(known) else str(i) for i in chosen]


def _endorsement(r: Reader, row: Row) -> Row:
    draft = r.get("draft", row.get("draft_id"))
    return {
        "draft": draft.get("title"),
        "group": r.group(draft.get("group_id")),
        "recorded_at": r.local(row.get("created_at"), draft.get("guild_id")),
    }


def _draft(r: Reader, row: Row) -> Row:
    return {
        "title": row.get("title"),
        "theme": r.theme(row.get("theme_id")),
        "group": r.group(row.get("group_id")),
        "status": r.word("draft.status.", row.get("status")),
        "version": row.get("version"),
        "recorded_at": r.local(row.get("created_at"), row.get("guild_id")),
    }


def _draft_version(r: Reader, row: Row) -> Row:
    draft = r.get("draft", row.get("draft_id"))
    return {
        "draft": draft.get("title"),
        "version": row.get("number"),
        "text": row.get("text"),
        "recorded_at": r.local(row.get("created_at"), draft.get("guild_id")),
    }


def _minutes(r: Reader, row: Row) -> Row:
    session = r.get("group_session", row.get("session_id"))
    return {
        **r.session(session),
        "summary": row.get("summary"),
        "decisions": row.get("decisions"),
        "attendees": row.get("attendees"),
        "recorded_at": r.local(row.get("created_at"), session.get("guild_id")),
    }


def _session(r: Reader, row: Row) -> Row:
    return {
        **r.session(row),
        "duration": row.get("minutes"),
        "place": row.get("place"),
        "visio": row.get("visio_url"),
        "status": r.word("session.status.", row.get("status")),
        "recorded_at": r.local(row.get("created_at"), row.get("guild_id")),
    }


def _experiment(r: Reader, row: Row) -> Row:
    guild = row.get("guild_id")
    return {
        "title": row.get("title"),
        "goal": row.get("goal"),
        "group": r.group(row.get("group_id")),
        "starts": r.local(row.get("starts_at"), guild),
        "ends": r.local(row.get("ends_at"), guild),
        "status": r.word("experiment.status.", row.get("status")),
    }


def _checkin(r: Reader, row: Row) -> Row:
    experiment = r.get("experiment", row.get("experiment_id"))
    return {
        "experiment": experiment.get("title"),
        "text": row.get("text"),
        "recorded_at": r.local(row.get("created_at"), experiment.get("guild_id")),
    }


def _evaluation(r: Reader, row: Row) -> Row:
    experiment = r.get("experiment", row.get("experiment_id"))
    return {
        "experiment": experiment.get("title"),
        **{name: row.get(name) for name in ("done", "worked", "failed", "lessons")},
        "recorded_at": r.local(row.get("created_at"), experiment.get("guild_id")),
    }


def _time_poll(r: Reader, row: Row) -> Row:
    return {
        "group": r.group(row.get("group_id")),
        "deadline": r.local(row.get("deadline"), row.get("guild_id")),
        "status": r.word("privacy.export.poll.", row.get("status")),
        "recorded_at": r.local(row.get("created_at"), row.get("guild_id")),
    }


def _interest_poll(r: Reader, row: Row) -> Row:
    return {
        "cycle": r.cycle(row.get("cycle_id")),
        "deadline": r.local(row.get("deadline"), row.get("guild_id")),
        "status": r.word("privacy.export.poll.", row.get("status")),
        "recorded_at": r.local(row.get("created_at"), row.get("guild_id")),
    }


def _assembly_vote(r: Reader, row: Row) -> Row:
    return {
        "title": row.get("title"),
        "options": row.get("options"),
        "method": r.word("choice.", row.get("method")),
        "deadline": r.local(row.get("deadline"), row.get("guild_id")),
        "status": r.word("assembly.status.", row.get("status")),
    }


def _theme(r: Reader, row: Row) -> Row:
    return {
        "title": row.get("title"),
        "description": row.get("description"),
        "cycle": r.cycle(row.get("cycle_id")),
        "status": r.word("privacy.export.theme.", row.get("status")),
        "recorded_at": r.local(row.get("created_at"), row.get("guild_id")),
    }


def _cycle(r: Reader, row: Row) -> Row:
    return {
        "name": row.get("name"),
        "status": r.word("cycle.status.", row.get("status")),
        "recorded_at": r.local(row.get("created_at"), row.get("guild_id")),
    }


def _synthesis(r: Reader, row: Row) -> Row:
    return {
        "theme": r.theme(row.get("theme_id")),
        "recorded_at": r.local(row.get("created_at"), row.get("guild_id")),
        "updated_at": r.local(row.get("updated_at"), row.get("guild_id")),
    }


def _audit(r: Reader, row: Row) -> Row:
    return {
        "action": row.get("action"),
        "detail": row.get("detail") or None,
        "recorded_at": r.local(row.get("at"), row.get("guild_id")),
    }


# table -> how one of its rows is told, in the order the file shows them (every table
# storage/privacy.py exports has one: tests/privacy/test_store.py checks it)
SECTIONS: dict[str, Callable[[Reader, Row], Row]] = {
    "member_profile": _profile,
    "group_member": _group_member,
    "invitation": _invitation,
    "work_group": _work_group,
    "interest_vote": _interest_vote,
    "time_vote": _time_vote,
    "rsvp": _rsvp,
    "ballot": _ballot,
    "endorsement": _endorsement,
    "draft": _draft,
    "draft_version": _draft_version,
    "session_minutes": _minutes,
    "group_session": _session,
    "experiment": _experiment,
    "experiment_checkin": _checkin,
    "experiment_evaluation": _evaluation,
    "time_poll": _time_poll,
    "interest_poll": _interest_poll,
    "assembly_vote": _assembly_vote,
    "theme": _theme,
    "cycle": _cycle,
    "synthesis": _synthesis,
    "poll_notice": _poll_notice,
    "audit_log": _audit,
}
