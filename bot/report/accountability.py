"""The report's accountability: what became of every recommendation handed to the board
— recommendation → decision → answer → state → last update — as a Markdown section
(the answer's excerpt in the table, whole in the recommendation's own section above;
each adopted recommendation's follow-up timeline below the table) and as a sheet of the
report's workbook (the answer whole: a cell holds 32,767 characters, an answer 8,000).

Handed to the board: submitted, adopted or not retained, or answered at least once. The
decision is the board's last answer; a draft an organiser marked adopted or not
retained with `/draft status`, without an answer, shows its status instead.
"""

from __future__ import annotations

from datetime import datetime

from bot.kit.i18n import Tr
from bot.kit.sheets import Cell, Column, Kind, Table
from bot.kit.text import excerpt
from bot.report.writing import Writer, cell, quote
from storage.models import Draft, DraftAnswer, FollowupUpdate
from storage.report import ReportData

HANDED = ("submitted", "adopted", "not_retained")
ANSWER_EXCERPT = 160
NOTE_EXCERPT = 120
SHEET_COLUMNS = (
    ("theme", Kind.TEXT), ("group", Kind.TEXT), ("recommendation", Kind.TEXT),
    ("status", Kind.TEXT), ("decision", Kind.TEXT), ("answered_at", Kind.MOMENT),
    ("answer", Kind.TEXT), ("state", Kind.TEXT), ("updates", Kind.INTEGER),
    ("updated_at", Kind.MOMENT), ("note", Kind.TEXT),
)  # fmt: skip


def handed(data: ReportData) -> list[Draft]:
    """The recommendations the board has to account for, in the report's order."""
    order = {t.id: n for n, t in enumerate(data.themes)}
    rows = [d for d in data.drafts if d.status in HANDED or data.answers.get(d.id)]
    return sorted(rows, key=lambda d: (order.get(d.theme_id, len(order)), d.group_id, d.id))


def current(data: ReportData, draft: Draft) -> tuple[DraftAnswer | None, FollowupUpdate | None]:
    answers, updates = data.answers.get(draft.id, []), data.updates.get(draft.id, [])
    return (answers[-1] if answers else None), (updates[-1] if updates else None)


def decision(tr: Tr, draft: Draft, answer: DraftAnswer | None) -> str:
    if answer is not None:
        return tr(f"draft.decision.{answer.decision}")
    if draft.status == "submitted":
        return tr("report.accountability.awaiting")
    return tr(f"draft.status.{draft.status}")


def state(tr: Tr, draft: Draft, update: FollowupUpdate | None) -> str:
    """Only adopted recommendations are followed; the others have no state."""
    if draft.status != "adopted":
        return "—"
    return tr(f"followup.state.{update.state}") if update else tr("followup.state.none")


def section(w: Writer) -> str:
    tr, data = w.tr, w.data
    lines = [f"## {tr('report.accountability')}", ""]
    rows = handed(data)
    if not rows:
        return "\n".join([*lines, tr("report.accountability.none"), ""])
    names = {g.id: g.name for g in data.groups}
    keys = ("recommendation", "group", "decision", "answer", "state", "last_update")
    lines += ["| " + " | ".join(tr(f"report.accountability.{k}") for k in keys) + " |",
              "|" + "---|" * len(keys)]  # fmt: skip
    for draft in rows:
        answer, update = current(data, draft)
        last = (
            f"{w.when(update.created_at)} — {excerpt(update.note, NOTE_EXCERPT)}" if update else "—"
        )
        row = [draft.title, names.get(draft.group_id, "?"), decision(tr, draft, answer),
               excerpt(answer.text, ANSWER_EXCERPT) if answer else "—", state(tr, draft, update), last]  # fmt: skip
        lines.append("| " + " | ".join(cell(x) for x in row) + " |")
    lines.append("")
    followed = [d for d in rows if data.updates.get(d.id)]
    if followed:
        lines += [f"### {tr('report.accountability.timelines')}", ""]
    for draft in followed:
        lines += [f"#### {draft.title} — {names.get(draft.group_id, '?')}", ""]
        for update in data.updates[draft.id]:
            head = tr("report.accountability.step", when=w.when(update.created_at),
                      state=tr(f"followup.state.{update.state}"), author=w.name(update.author_id))  # fmt: skip
            lines += [f"**{head}**", "", quote(update.note), ""]
    return "\n".join(lines)


def answers_of(w: Writer, draft: Draft) -> list[str]:
    """The board's answers to one recommendation, whole, for its section of the report."""
    lines: list[str] = []
    for answer in w.data.answers.get(draft.id, []):
        head = w.tr("report.answer", decision=w.tr(f"draft.decision.{answer.decision}"),
                    when=w.when(answer.created_at), author=w.name(answer.author_id))  # fmt: skip
        lines += [f"**{head}**", "", quote(answer.text), ""]
    return lines


def table(tr: Tr, data: ReportData, groups: dict[int, str]) -> Table:
    """The accountability sheet: one row per recommendation handed to the board."""
    titles = {t.id: t.title for t in data.themes}
    rows: list[list[Cell]] = []
    for draft in handed(data):
        answer, update = current(data, draft)
        answered_at: datetime | None = answer.created_at if answer else None
        rows.append([
            titles.get(draft.theme_id, "?"), groups.get(draft.group_id, "?"), draft.title,
            tr(f"draft.status.{draft.status}"), decision(tr, draft, answer), answered_at,
            answer.text if answer else None, state(tr, draft, update) if draft.status == "adopted" else None,
            len(data.updates.get(draft.id, [])), update.created_at if update else None,
            update.note if update else None,
        ])  # fmt: skip
    columns = [
        Column(tr(f"report.sheet.accountability.{key}"), kind) for key, kind in SHEET_COLUMNS
    ]
    return Table("accountability", tr("report.sheet.accountability.title"), columns, rows)
