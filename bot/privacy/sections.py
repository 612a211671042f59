"""How each stored row is told to the member whose row it is: one function per table that
storage/privacy.py exports, each naming what the row is about (the theme's title, the
group's name, the session's date in its server's time zone and in UTC, the vote's title
and the options of the member's own ballot) under field codes that files.py puts in the
reader's words. Dates are ISO 8601 with the server's offset, so that no reader has to
guess the zone; a stored code (`in_person`, `closed`) is told in the reader's words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.privacy.group_sections import group_guest, group_member, invitation, work_group
from bot.privacy.reader import Reader, Row


# ------------------------------------------------------------------ one function per table
def _profile(r: Reader, row: Row) -> Row:
    return {
        "office": row.get("office"),
        "mode": r.word("profile.mode.", row.get("mode")),
        "facilitate": r.yes_no(bool(row.get("facilitate"))),
        "take_notes": r.yes_no(bool(row.get("take_notes"))),
        "updated_at": r.local(row.get("updated_at"), row.get("guild_id")),
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


def _meeting_registration(r: Reader, row: Row) -> Row:
    meeting = r.get("meeting", row.get("meeting_id"))
    return {
        "meeting": meeting.get("title"),
        "kind": r.word("meeting.kind.", meeting.get("kind")),
        "date": r.local(meeting.get("starts_at"), meeting.get("guild_id")),
        "date_utc": r.utc(meeting.get("starts_at")),
        "mode": r.word("meeting.mode.", row.get("mode")),
        "registration": r.word("meeting.state.", row.get("state")),
        "recorded_at": r.local(row.get("registered_at"), meeting.get("guild_id")),
        "updated_at": r.local(row.get("updated_at"), meeting.get("guild_id")),
    }


def _meeting(r: Reader, row: Row) -> Row:
    return {
        "title": row.get("title"),
        "kind": r.word("meeting.kind.", row.get("kind")),
        "theme": r.theme(row.get("theme_id")),
        "date": r.local(row.get("starts_at"), row.get("guild_id")),
        "date_utc": r.utc(row.get("starts_at")),
        "status": r.word("meeting.status.", row.get("status")),
        "recorded_at": r.local(row.get("created_at"), row.get("guild_id")),
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


def _proposal(r: Reader, row: Row) -> Row:
    return {
        "title": row.get("title"),
        "description": row.get("description"),
        "cycle": r.cycle(row.get("cycle_id")),
        "status": r.word("proposal.status.", row.get("status")),
        "recorded_at": r.local(row.get("created_at"), row.get("guild_id")),
    }


def _proposal_endorsement(r: Reader, row: Row) -> Row:
    proposal = r.get("proposal", row.get("proposal_id"))
    return {
        "proposal": proposal.get("title"),
        "cycle": r.cycle(proposal.get("cycle_id")),
        "recorded_at": r.local(row.get("created_at"), proposal.get("guild_id")),
    }


def _proposal_decision(r: Reader, row: Row) -> Row:
    proposal = r.get("proposal", row.get("proposal_id"))
    return {
        "proposal": proposal.get("title"),
        "status": r.word("proposal.status.", row.get("status")),
        "note": row.get("note") or None,
        "recorded_at": r.local(row.get("decided_at"), proposal.get("guild_id")),
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


def _draft_answer(r: Reader, row: Row) -> Row:
    draft = r.get("draft", row.get("draft_id"))
    return {
        "draft": draft.get("title"),
        "group": r.group(draft.get("group_id")),
        "decision": r.word("draft.decision.", row.get("decision")),
        "text": row.get("text"),
        "recorded_at": r.local(row.get("created_at"), draft.get("guild_id")),
    }


def _followup_update(r: Reader, row: Row) -> Row:
    draft = r.get("draft", row.get("draft_id"))
    return {
        "draft": draft.get("title"),
        "group": r.group(draft.get("group_id")),
        "state": r.word("followup.state.", row.get("state")),
        "note": row.get("note"),
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
    "group_member": group_member,
    "invitation": invitation,
    "group_guest": group_guest,
    "work_group": work_group,
    "interest_vote": _interest_vote,
    "time_vote": _time_vote,
    "rsvp": _rsvp,
    "ballot": _ballot,
    "meeting_registration": _meeting_registration,
    "endorsement": _endorsement,
    "proposal_endorsement": _proposal_endorsement,
    "draft": _draft,
    "draft_version": _draft_version,
    "draft_answer": _draft_answer,
    "followup_update": _followup_update,
    "proposal": _proposal,
    "proposal_decision": _proposal_decision,
    "session_minutes": _minutes,
    "group_session": _session,
    "experiment": _experiment,
    "experiment_checkin": _checkin,
    "experiment_evaluation": _evaluation,
    "time_poll": _time_poll,
    "interest_poll": _interest_poll,
    "assembly_vote": _assembly_vote,
    "meeting": _meeting,
    "theme": _theme,
    "cycle": _cycle,
    "synthesis": _synthesis,
    "poll_notice": _poll_notice,
    "audit_log": _audit,
}
