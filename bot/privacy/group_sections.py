"""How a member's rows about working groups are told: memberships, invitations, stays as
a guest, and the groups themselves (see sections.py)."""

from __future__ import annotations

from bot.privacy.reader import Reader, Row


def group_member(r: Reader, row: Row) -> Row:
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


def invitation(r: Reader, row: Row) -> Row:
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


def group_guest(r: Reader, row: Row) -> Row:
    """A stay as a guest of a group, or one the member gave someone (`added_by`)."""
    group = r.get("work_group", row.get("group_id"))
    guild = group.get("guild_id") or row.get("guild_id")
    return {
        "group": group.get("name"),
        "theme": r.theme(group.get("theme_id")),
        "guest_role": r.tr(
            "privacy.export.guest.self"
            if row.get("member_id") == r.member_id
            else "privacy.export.guest.host"
        ),
        "note": row.get("note"),
        "until": r.local(row.get("until"), guild),
        "status": r.word("privacy.export.guest.", row.get("state")),
        "recorded_at": r.local(row.get("created_at"), guild),
        "ended_at": r.local(row.get("removed_at"), guild),
    }


def work_group(r: Reader, row: Row) -> Row:
    return {
        "group": row.get("name"),
        "theme": r.theme(row.get("theme_id")),
        "role": r.roles(row),
        "mode": r.word("profile.mode.", row.get("mode")),
        "office": row.get("office"),
    }
