"""The cycle report for the board: a Markdown file readable without Discord, and the table of
participation per theme and region (written as .xlsx and .csv by `bot.kit.sheets`, in one
workbook with the accountability sheet of bot/report/accountability.py).

Dates are written in the guild's time zone (a file has no Discord timestamps), people
by their display name when the guild cache knows them, else by their id. A session
counts as held when its minutes were written or when it ended without being cancelled.

Wording: every count goes through a plural family of the catalogue ("Aucune séance
tenue", "1 séance tenue", "2 séances tenues"), every state through its catalogue key.
Themes are headed as Discord names them (emoji and title, "1️⃣ Accompagnement"): the
keycaps the themes are voted with are their numbers, so the report adds none of its own.
What people typed (minutes, drafts, answers, goals, evaluations) is quoted with its line
breaks kept (bot/report/writing.py).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.kit.i18n import Tr
from bot.kit.sheets import Cell, Column, Kind, Table
from bot.report import accountability
from bot.report.writing import Names, Writer, cell, hard_breaks, quote, theme_heading
from storage.models import Draft, Theme, WorkGroup
from storage.report import ReportData

CSV_COLUMNS = ("theme", "region", "groups", "members", "sessions_held", "attendees", "drafts", "endorsements")  # fmt: skip


def markdown(
    tr: Tr, data: ReportData, name: Names, zone: str, now: datetime, only: Theme | None
) -> str:
    w = Writer(tr, data, name, ZoneInfo(zone), now)
    title = tr("report.title.theme", cycle=data.cycle.name, theme=only.title) if only else tr("report.title", cycle=data.cycle.name)  # fmt: skip
    parts = [f"# {title}", "", f"_{tr('report.generated', when=w.when(now))}_", "", summary(w)]
    parts += [theme_section(w, theme) for theme in data.themes]
    parts.append(accountability.section(w))
    if data.experiments:
        parts.append(experiments(w))
    return "\n".join(parts).rstrip() + "\n"


def summary(w: Writer) -> str:
    tr, data = w.tr, w.data
    members = {m for ids in data.members.values() for m in ids}
    held = sum(w.held(s) for rows in data.sessions.values() for s in rows)
    counts = [len(data.themes), len(data.groups), len(members), held, len(data.drafts),
              sum(data.endorsements.values()), len(data.syntheses), len(data.experiments)]  # fmt: skip
    keys = ["themes", "groups", "members", "sessions", "drafts", "endorsements", "syntheses", "experiments"]  # fmt: skip
    head = "| " + " | ".join(tr(f"report.count.{k}") for k in keys) + " |"
    return "\n".join([f"## {tr('report.summary')}", "", head, "|" + "---|" * len(keys),
                      "| " + " | ".join(str(c) for c in counts) + " |", ""])  # fmt: skip


def theme_section(w: Writer, theme: Theme) -> str:
    tr, data = w.tr, w.data
    groups = [g for g in data.groups if g.theme_id == theme.id]
    drafts = [d for d in data.drafts if d.theme_id == theme.id]
    held = sum(w.held(s) for g in groups for s in data.sessions.get(g.id, []))
    lines = [f"## {theme_heading(theme)}", ""]
    if theme.description:
        lines += [*hard_breaks(theme.description), ""]
    countries = " · ".join(tr(f"country.{c}") for c in theme.country_list)
    lines += [tr("report.theme.meta", countries=countries, groups=w.count("groups", len(groups)),
                 sessions=w.count("sessions", held), drafts=w.count("drafts", len(drafts))), ""]  # fmt: skip
    lines += group_table(w, groups)
    lines += sessions_held(w, groups)
    lines += drafts_of(w, drafts, groups)
    lines += synthesis_of(w, theme)
    return "\n".join(lines)


def group_table(w: Writer, groups: list[WorkGroup]) -> list[str]:
    tr = w.tr
    lines = [f"### {tr('report.groups')}", ""]
    if not groups:
        return [*lines, tr("report.groups.none"), ""]
    lines += ["| " + " | ".join(tr(f"report.group.{k}") for k in ("name", "region", "mode", "facilitator", "secretary", "members")) + " |",
              "|---|---|---|---|---|---|"]  # fmt: skip
    for g in groups:
        people = ", ".join(w.name(m) for m in w.data.members.get(g.id, []))
        row = [g.name, g.region or tr("report.region.none"), tr(f"report.mode.{g.mode}"),
               w.name(g.facilitator_id), w.name(g.secretary_id), people]  # fmt: skip
        lines.append("| " + " | ".join(cell(x) for x in row) + " |")
    return [*lines, ""]


def sessions_held(w: Writer, groups: list[WorkGroup]) -> list[str]:
    tr = w.tr
    lines = [f"### {tr('report.sessions')}", ""]
    found = False
    for g in groups:
        for s in (s for s in w.data.sessions.get(g.id, []) if w.held(s)):
            found = True
            minutes = w.data.minutes.get(s.id)
            when = w.when(s.starts_at)
            if minutes is None:
                heading = tr("report.session.unknown", group=g.name, number=s.number, when=when)
                lines += [f"#### {heading}", "", f"_{tr('report.minutes.none')}_", ""]
                continue
            attendees = w.count("attendees", minutes.attendees)
            heading = tr("report.session", group=g.name, number=s.number, when=when, attendees=attendees)  # fmt: skip
            lines += [f"#### {heading}", "", f"**{tr('report.minutes.summary')}**", ""]
            lines += [quote(minutes.summary), ""]
            if minutes.decisions:
                lines += [f"**{tr('report.minutes.decisions')}**", "", quote(minutes.decisions), ""]
    return lines if found else [*lines, tr("report.sessions.none"), ""]


def drafts_of(w: Writer, rows: list[Draft], groups: list[WorkGroup]) -> list[str]:
    tr = w.tr
    names = {g.id: g.name for g in groups}
    lines = [f"### {tr('report.drafts')}", ""]
    if not rows:
        return [*lines, tr("report.drafts.none"), ""]
    for d in rows:
        endorsements = w.count("endorsements", w.data.endorsements.get(d.id, 0))
        lines += [f"#### {d.title} — {names.get(d.group_id, '?')}", ""]
        lines += [tr("report.draft.meta", status=tr(f"draft.status.{d.status}"), version=d.version,
                     endorsements=endorsements, when=w.when(d.updated_at)), ""]  # fmt: skip
        lines += [quote(w.data.texts.get(d.id, "")), ""]
        lines += accountability.answers_of(w, d)
    return lines


def synthesis_of(w: Writer, theme: Theme) -> list[str]:
    tr = w.tr
    found = w.data.syntheses.get(theme.id)
    lines = [f"### {tr('report.synthesis')}", ""]
    if found is None:
        return [*lines, tr("report.synthesis.none"), ""]
    gathered = w.data.gathered.get(found.id, {})
    titles = {d.id: d.title for d in w.data.drafts}
    lines += [tr.plural("report.synthesis.meta", len(gathered), when=w.when(found.updated_at)), ""]
    if not gathered:
        return lines
    lines += [f"- {titles.get(d, '?')} (v{v})" for d, v in sorted(gathered.items())]
    return [*lines, ""]


def experiments(w: Writer) -> str:
    tr = w.tr
    names = {g.id: g.name for g in w.data.groups}
    lines = [f"## {tr('report.experiments')}", ""]
    for e in w.data.experiments:
        lines += [f"### {e.title} — {names.get(e.group_id, '?')}", ""]
        lines += [tr("report.experiment.meta", start=w.when(e.starts_at), end=w.when(e.ends_at),
                     status=tr(f"experiment.status.{e.status}"),
                     checkins=w.count("checkins", w.data.checkins.get(e.id, 0))), ""]  # fmt: skip
        typed = [("goal", e.goal)]
        evaluation = w.data.evaluations.get(e.id)
        if evaluation is not None:
            typed += [(key, getattr(evaluation, key)) for key in ("done", "worked", "failed", "lessons")]  # fmt: skip
        for key, text in typed:
            if text:
                lines += [f"**{tr(f'report.experiment.{key}')}**", "", quote(text), ""]
    return "\n".join(lines)


def ready(tr: Tr, data: ReportData) -> str:
    """The reply that comes with the files: what the report covers, counted in words."""
    return tr("report.ready", themes=tr.plural("report.themes.count", len(data.themes)),
              groups=tr.plural("report.groups.count", len(data.groups)),
              drafts=tr.plural("report.drafts.count", len(data.drafts)))  # fmt: skip


def attached(tr: Tr, names: list[str], left: list[str]) -> str:
    """The files the reply carries, and those one message could not take (Discord's 10
    files and 10 MiB)."""
    text = tr("report.files", count=len(names), files=", ".join(f"`{n}`" for n in names))
    if left:
        text += "\n" + tr(
            "report.files.left", count=len(left), files=", ".join(f"`{n}`" for n in left)
        )
    return text


def tables(tr: Tr, data: ReportData, now: datetime) -> list[Table]:
    """The report's workbook: participation, then accountability."""
    groups = {g.id: g.name for g in data.groups}
    return [participation(tr, data, now), accountability.table(tr, data, groups)]


def participation(tr: Tr, data: ReportData, now: datetime) -> Table:
    """One row per theme × region (online groups: their own row), every theme of the
    report included: one without a group has a row of zeros. Members are counted once
    per row; attendees add up the minutes' counts; endorsements, those of the row's
    drafts. Themes in the report's order, regions alphabetically."""
    w = Writer(tr, data, str, ZoneInfo("UTC"), now)
    rows: dict[tuple[int, str | None], dict[str, int]] = {}
    members: dict[tuple[int, str | None], set[int]] = defaultdict(set)
    for g in data.groups:
        key = (g.theme_id, g.region or tr("report.region.none"))
        row = rows.setdefault(key, dict.fromkeys(CSV_COLUMNS[2:], 0))
        members[key].update(data.members.get(g.id, []))
        held = [s for s in data.sessions.get(g.id, []) if w.held(s)]
        own = [d for d in data.drafts if d.group_id == g.id]
        row["groups"] += 1
        row["sessions_held"] += len(held)
        row["attendees"] += sum(m.attendees for s in held if (m := data.minutes.get(s.id)))
        row["drafts"] += len(own)
        row["endorsements"] += sum(data.endorsements.get(d.id, 0) for d in own)
    for theme in data.themes:
        if not any(theme_id == theme.id for theme_id, _region in rows):
            rows[(theme.id, None)] = dict.fromkeys(CSV_COLUMNS[2:], 0)
    order = {t.id: n for n, t in enumerate(data.themes)}
    titles = {t.id: t.title for t in data.themes}
    lines: list[list[Cell]] = []
    for (theme_id, region), row in sorted(
        rows.items(), key=lambda item: (order.get(item[0][0], len(order)), collation(item[0][1]))
    ):
        row["members"] = len(members[(theme_id, region)])
        lines.append([titles.get(theme_id, "?"), region, *(row[c] for c in CSV_COLUMNS[2:])])
    columns = [Column(tr(f"report.sheet.{c}"), Kind.INTEGER if n >= 2 else Kind.TEXT)
               for n, c in enumerate(CSV_COLUMNS)]  # fmt: skip
    return Table("participation", tr("report.sheet.title"), columns, lines)


def collation(text: str | None) -> str:
    """Alphabetical as a reader expects it: "Île-de-France" before "Nord"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
