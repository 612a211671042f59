"""Everything the cycle report reads, in one pass: themes, groups and their members,
sessions and minutes, drafts with their last text, endorsements and the board's answers,
the follow-up of adopted ones, syntheses, experiments, the members' proposals of next
themes (a whole cycle's report only: they belong to no theme) and the meetings with
their registrations. Read-only.

A cycle's meetings: those of its themes, and those of no theme that start from the
cycle's creation to its closing (or without end while it is open)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import drafts as draft_store
from storage import followup as followup_store
from storage import groups as group_store
from storage import meetings as meeting_store
from storage import proposals as proposal_store
from storage import synthesis as syntheses
from storage import themes
from storage.models import (
    Cycle,
    Draft,
    DraftAnswer,
    Experiment,
    ExperimentCheckin,
    ExperimentEvaluation,
    FollowupUpdate,
    GroupSession,
    Meeting,
    Proposal,
    SessionMinutes,
    Synthesis,
    Theme,
    WorkGroup,
)


@dataclass
class ReportData:
    cycle: Cycle
    themes: list[Theme]
    groups: list[WorkGroup]
    members: dict[int, list[int]]  # group id -> member ids
    sessions: dict[int, list[GroupSession]]  # group id -> sessions, in order
    minutes: dict[int, SessionMinutes]  # session id -> minutes
    drafts: list[Draft]
    texts: dict[int, str]  # draft id -> last version's text
    endorsements: dict[int, int]  # draft id -> count
    syntheses: dict[int, Synthesis]  # theme id -> synthesis
    gathered: dict[int, dict[int, int]]  # synthesis id -> draft id -> version
    experiments: list[Experiment] = field(default_factory=list)
    checkins: dict[int, int] = field(default_factory=dict)  # experiment id -> count
    evaluations: dict[int, ExperimentEvaluation] = field(default_factory=dict)
    # draft id -> the board's answers, the follow-up's updates (each oldest first)
    answers: dict[int, list[DraftAnswer]] = field(default_factory=dict)
    updates: dict[int, list[FollowupUpdate]] = field(default_factory=dict)
    proposals: list[Proposal] = field(default_factory=list)
    proposal_endorsements: dict[int, int] = field(default_factory=dict)  # proposal id -> count
    meetings: list[Meeting] = field(default_factory=list)  # earliest first
    registrations: dict[int, meeting_store.Counts] = field(default_factory=dict)  # meeting id ->


async def load(db: AsyncSession, cycle: Cycle, theme_id: int | None = None) -> ReportData:
    cycle_id = cycle.id
    found_themes = [t for t in await themes.themes_of(db, cycle_id) if theme_id in (None, t.id)]
    wanted = {t.id for t in found_themes}
    found_groups = [
        g for g in await group_store.groups_of_cycle(db, cycle_id) if g.theme_id in wanted
    ]
    group_ids = [g.id for g in found_groups]
    rows = [d for d in await draft_store.drafts_of_cycle(db, cycle_id) if d.theme_id in wanted]
    found_syntheses = {
        s.theme_id: s for s in await syntheses.of_cycle(db, cycle_id) if s.theme_id in wanted
    }
    sessions, minutes = await _sessions(db, group_ids)
    data = ReportData(
        cycle=cycle, themes=found_themes, groups=found_groups,
        members=await group_store.members_of(db, group_ids), sessions=sessions, minutes=minutes,
        drafts=rows, texts=await draft_store.latest_texts(db, rows),
        endorsements=await draft_store.endorsement_counts(db, [d.id for d in rows]),
        syntheses=found_syntheses,
        gathered={s.id: await syntheses.drafts_of(db, s.id) for s in found_syntheses.values()},
    )  # fmt: skip
    await _experiments(db, data, group_ids)
    draft_ids = [d.id for d in rows]
    data.answers = await draft_store.answers(db, draft_ids)
    data.updates = await followup_store.updates(db, draft_ids)
    if theme_id is None:
        data.proposals = await proposal_store.of_cycle(db, cycle_id)
        data.proposal_endorsements = await proposal_store.endorsement_counts(
            db, [p.id for p in data.proposals]
        )
    data.meetings = [
        m
        for m in await meeting_store.of_guild(db, cycle.guild_id, cycle.created_at)
        if m.theme_id in wanted
        or (
            theme_id is None
            and m.theme_id is None
            and (cycle.closed_at is None or m.starts_at <= cycle.closed_at)
        )
    ]
    data.registrations = await meeting_store.counts(db, [m.id for m in data.meetings])
    return data


async def _sessions(
    db: AsyncSession, group_ids: list[int]
) -> tuple[dict[int, list[GroupSession]], dict[int, SessionMinutes]]:
    by_group: dict[int, list[GroupSession]] = defaultdict(list)
    if not group_ids:
        return {}, {}
    result = await db.execute(
        select(GroupSession)
        .where(GroupSession.group_id.in_(group_ids))
        .order_by(GroupSession.group_id, GroupSession.number)
    )
    for row in result.scalars():
        by_group[row.group_id].append(row)
    session_ids = [s.id for rows in by_group.values() for s in rows]
    minutes: dict[int, SessionMinutes] = {}
    if session_ids:
        found = await db.execute(
            select(SessionMinutes).where(SessionMinutes.session_id.in_(session_ids))
        )
        minutes = {m.session_id: m for m in found.scalars()}
    return dict(by_group), minutes


async def _experiments(db: AsyncSession, data: ReportData, group_ids: list[int]) -> None:
    if not group_ids:
        return
    result = await db.execute(
        select(Experiment)
        .where(Experiment.group_id.in_(group_ids))
        .order_by(Experiment.group_id, Experiment.id)
    )
    data.experiments = list(result.scalars())
    ids = [e.id for e in data.experiments]
    if not ids:
        return
    counts = await db.execute(
        select(ExperimentCheckin.experiment_id, func.count())
        .where(ExperimentCheckin.experiment_id.in_(ids))
        .group_by(ExperimentCheckin.experiment_id)
    )
    data.checkins = {e: int(n) for e, n in counts.all()}
    evaluations = await db.execute(
        select(ExperimentEvaluation).where(ExperimentEvaluation.experiment_id.in_(ids))
    )
    data.evaluations = {e.experiment_id: e for e in evaluations.scalars()}
