"""What the calendar shows in Discord: the card listing the phases (the text that screen
readers and search read) and the timeline picture drawn beside it.

The picture has one bar per phase in the order they start, so overlapping phases show
as bars over the same months; today is a dashed line; months and dates are in the
reader's language (the catalogues' month names) and the guild's time zone. Its alt text
lists every phase with its dates and state, as the card does.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import discord

from bot.kit import charts, ui
from bot.kit.charts import Span, Timeline
from bot.kit.charts.model import State
from bot.kit.i18n import Tr
from storage.models import Cycle, Phase

FILENAME = "cycle-calendar.png"


def state_of(phase: Phase, now: datetime) -> State:
    if phase.ends_at < now:
        return "past"
    return "current" if phase.starts_at <= now else "future"


def calendar_card(tr: Tr, cycle: Cycle, phases: list[Phase], now: datetime) -> discord.Embed:
    markers = {"current": "▶️", "past": "✅", "future": "🗓️"}
    lines = []
    for phase in phases:
        state = state_of(phase, now)
        lines.append(
            f"{markers[state]} **{tr(f'phase.{phase.key}.name')}**"
            + (f" — *{tr('cycle.calendar.current')}*" if state == "current" else "")
            + f"\n{ui.timestamp(phase.starts_at)} → {ui.timestamp(phase.ends_at)}"
        )
    status = tr(f"cycle.status.{cycle.status}")
    return ui.embed(tr("cycle.calendar.title", name=cycle.name, status=status), "\n".join(lines))


def _day_month(tr: Tr, moment: datetime, zone: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    return tr("chart.day_month", day=local.day, month=tr(f"month.short.{local.month}"))


def calendar_picture(
    tr: Tr, cycle: Cycle, phases: list[Phase], now: datetime, zone: str
) -> Timeline:
    spans, lines = [], []
    for phase in phases:
        state = state_of(phase, now)
        name = tr(f"phase.{phase.key}.name")
        dates = tr(
            "cycle.picture.dates",
            start=_day_month(tr, phase.starts_at, zone),
            end=_day_month(tr, phase.ends_at, zone),
        )
        spans.append(
            Span(charts.clean_label(name, 80), phase.starts_at, phase.ends_at, state, dates)
        )
        lines.append(
            tr(
                "cycle.picture.phase",
                phase=name,
                start=charts.day(tr, phase.starts_at, zone),
                end=charts.day(tr, phase.ends_at, zone),
                state=tr(f"cycle.picture.state.{state}"),
            )
        )
    today = charts.day(tr, now, zone)
    head = tr("cycle.picture.head", name=cycle.name, today=today)
    return Timeline(
        title=charts.clean_label(tr("cycle.picture.title", name=cycle.name), 80),
        spans=spans,
        today=now,
        zone=zone,
        months=charts.month_names(tr),
        today_label=tr("cycle.picture.today", day=today),
        legend={s: tr(f"cycle.picture.state.{s}") for s in ("past", "current", "future")},
        filename=FILENAME,
        description=charts.alt_text(head, lines, lambda n: tr("chart.more", count=n)),
    )
