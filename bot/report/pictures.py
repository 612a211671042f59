"""The report's pictures, in the language the report is written in: sessions held per
month and theme, people present, recommendations and their endorsements by status,
proposals of next themes, meetings and their registrations (counted by figures.py).

Each picture's description lists its figures (it is the image's alt text and its
caption in the HTML and PDF files); a picture with nothing to show is not made. Themes
keep their emoji's number ("1 Accompagnement", `charts.clean_label`), so bars and the
report's headings are read together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.kit import charts
from bot.kit.charts import Bar, BarSection, Chart, Columns, GroupedBars, Panel, Spec, StackedBars
from bot.kit.i18n import Tr
from bot.report import figures
from bot.report.figures import Monthly
from bot.report.writing import Writer, theme_heading

MOST_BARS = 24  # proposals, meetings: beyond, the alt text and the Markdown carry them
SERIES = 7  # themes drawn apart in the monthly pictures; the rest summed as "other themes"


def _more(tr: Tr) -> Callable[[int], str]:
    return lambda n: tr("chart.more", count=n)


def month_label(tr: Tr, months: Sequence[figures.Month], index: int) -> str:
    year, month = months[index]
    name = tr(f"month.short.{month}")
    return f"{name} {year}" if index == 0 or month == 1 else name


def _themes(tr: Tr, found: Monthly, values: list[list[int]]) -> tuple[list[str], list[list[int]]]:
    """The themes as series (the largest kept), [series][month]."""
    names = [charts.clean_label(theme_heading(t), 40) for t in found.themes]
    by_month = [list(column) for column in zip(*values, strict=True)]  # [month][theme]
    series, folded = charts.fold(names, by_month, SERIES, tr("report.picture.other_themes"))
    return series, [list(row) for row in zip(*folded, strict=True)]


def sessions(tr: Tr, found: Monthly) -> Columns:
    months = [month_label(tr, found.months, n) for n in range(len(found.months))]
    series, values = _themes(tr, found, found.sessions)
    lines = [
        tr("report.picture.month", month=months[n], count=sum(row[n] for row in found.sessions),
           parts=_parts(tr, [charts.clean_label(t.title) for t in found.themes],
                        [row[n] for row in found.sessions]))
        for n in range(len(months))
    ]  # fmt: skip
    total = sum(map(sum, found.sessions))
    return Columns(
        title=tr("report.picture.sessions"), categories=months, series=series, values=values,
        filename="report-sessions.png",
        description=charts.alt_text(tr("report.picture.sessions.head", count=total), lines, _more(tr)),
        axis=tr("report.picture.sessions.axis"),
    )  # fmt: skip


def attendance(tr: Tr, found: Monthly) -> Columns | None:
    total = sum(map(sum, found.attendees))
    if not total:
        return None
    months = [month_label(tr, found.months, n) for n in range(len(found.months))]
    series, values = _themes(tr, found, found.attendees)
    lines = [
        tr("report.picture.present", month=months[n], count=sum(row[n] for row in found.attendees),
           parts=_parts(tr, [charts.clean_label(t.title) for t in found.themes],
                        [row[n] for row in found.attendees]))
        for n in range(len(months))
    ]  # fmt: skip
    return Columns(
        title=tr("report.picture.attendance"), categories=months, series=series, values=values,
        filename="report-attendance.png", lines=True,
        description=charts.alt_text(tr("report.picture.attendance.head", count=total), lines, _more(tr)),
        axis=tr("report.picture.attendance.axis"),
    )  # fmt: skip


def _parts(tr: Tr, labels: Sequence[str], counts: Sequence[int]) -> str:
    shown = [tr("report.picture.part", label=label, count=n)
             for label, n in zip(labels, counts, strict=True) if n]  # fmt: skip
    return ", ".join(shown) or tr("report.picture.none")


def drafts(tr: Tr, found: figures.ByStatus) -> StackedBars:
    names = [tr(f"draft.status.{s}") for s in found.statuses]
    muted = frozenset(n for n, s in enumerate(found.statuses) if s == "withdrawn")
    lines = [
        tr("report.picture.theme_drafts", title=theme.title, count=sum(counts),
           parts=_parts(tr, names, counts), endorsements=sum(endorsed))
        for theme, counts, endorsed in zip(found.themes, found.drafts, found.endorsements, strict=True)
    ]  # fmt: skip
    total = sum(map(sum, found.drafts))
    return StackedBars(
        title=tr("report.picture.drafts"),
        categories=[charts.clean_label(theme_heading(t)) for t in found.themes],
        panels=[Panel(tr("report.picture.drafts.count"), names, found.drafts, muted),
                Panel(tr("report.picture.drafts.endorsements"), names, found.endorsements, muted)],
        filename="report-drafts.png",
        description=charts.alt_text(tr("report.picture.drafts.head", count=total), lines, _more(tr)),
    )  # fmt: skip


def proposals(tr: Tr, w: Writer) -> GroupedBars | None:
    found = figures.proposals(w)
    if not found:
        return None
    sections: dict[str, list[Bar]] = {}
    for proposal, endorsed in found[:MOST_BARS]:
        label = tr(f"proposal.status.{proposal.status}")
        sections.setdefault(label, []).append(Bar(charts.clean_label(proposal.title), [endorsed]))
    lines = [tr("report.picture.proposal", title=p.title, status=tr(f"proposal.status.{p.status}"),
                count=n) for p, n in found]  # fmt: skip
    return GroupedBars(
        title=tr("report.picture.proposals"), series=[tr("report.picture.endorsements")],
        sections=[BarSection(label, bars) for label, bars in sections.items()],
        filename="report-proposals.png", axis=tr("report.picture.endorsements"),
        description=charts.alt_text(tr("report.picture.proposals.head", count=len(found)), lines, _more(tr)),
    )  # fmt: skip


def meetings(tr: Tr, w: Writer) -> GroupedBars | None:
    found = figures.registrations(w)
    if not found:
        return None
    sections: dict[str, list[Bar]] = {}
    lines = []
    for row in found:
        m = row.meeting
        local = m.starts_at.astimezone(w.zone)
        month = f"{tr(f'month.short.{local.month}')} {local.year}"
        day = charts.day(tr, m.starts_at, str(w.zone))
        total = row.seated + row.waitlisted + row.online
        note = (
            tr("report.picture.capacity", count=total, seated=row.seated, capacity=m.capacity)
            if m.capacity
            else ""
        )
        if sum(len(b) for b in sections.values()) < MOST_BARS:
            short = tr("chart.day_month", day=local.day, month=tr(f"month.short.{local.month}"))
            bar = Bar(
                charts.clean_label(f"{short} · {m.title}"),
                [row.seated, row.waitlisted, row.online],
                note,
            )
            sections.setdefault(month, []).append(bar)
        lines.append(tr("report.picture.meeting", title=m.title, day=day, kind=tr(f"meeting.kind.{m.kind}"),
                        seated=row.seated, waitlisted=row.waitlisted, online=row.online))  # fmt: skip
    return GroupedBars(
        title=tr("report.picture.meetings"),
        series=[tr("report.picture.seated"), tr("report.picture.waitlisted"), tr("report.picture.online")],
        sections=[BarSection(label, bars) for label, bars in sections.items()],
        filename="report-meetings.png", axis=tr("report.picture.registered"),
        description=charts.alt_text(tr("report.picture.meetings.head", count=len(found)), lines, _more(tr)),
    )  # fmt: skip


def specs(tr: Tr, w: Writer) -> list[Spec]:
    """The pictures there is something to show in, in the report's order."""
    found: list[Spec | None] = []
    monthly = figures.monthly(w)
    if monthly is not None:
        found += [sessions(tr, monthly), attendance(tr, monthly)]
    statuses = figures.by_status(w)
    if statuses is not None:
        found.append(drafts(tr, statuses))
    found += [proposals(tr, w), meetings(tr, w)]
    return [spec for spec in found if spec is not None]


async def draw(tr: Tr, w: Writer) -> list[Chart]:
    """The pictures drawn (one at a time, in the charts' worker); one that did not come
    in time is left out, its figures stay in the Markdown and the sheets."""
    drawn = [await charts.draw(spec) for spec in specs(tr, w)]
    return [chart for chart in drawn if chart is not None]
