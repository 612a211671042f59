"""Drawing the specs of `model` with matplotlib (Agg), in the charts' worker thread.

Imported by `run.render` inside that thread only: matplotlib and numpy (about 30 MB) are loaded
the first time a chart is drawn, never at start-up. Each chart is its own `Figure` on
its own Agg canvas (pyplot and its global figure registry are never used); the rc
settings below are set once, when this module is first imported.

Text is drawn in DejaVu Sans (shipped with matplotlib, so the same on every machine),
which has the accents of French and Dutch; characters it lacks are dropped from labels
(emoji were already taken out by `model.clean_label`), and `$` is escaped so that a
theme called "10 $ / 20 $" is not read as mathematics.
"""

from __future__ import annotations

import functools
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import matplotlib
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from bot.kit.charts.model import (
    BLUE,
    CARD,
    DPI,
    FRAME,
    GRID,
    INK,
    MUTED,
    ORANGE,
    VERMILLION,
    Chart,
    Spec,
    StackedBars,
    Timeline,
    series_colours,
    text_on,
    wrapped,
)  # fmt: skip

FONT = "DejaVu Sans"
STATE_COLOURS = {"past": MUTED, "current": ORANGE, "future": BLUE}
EPOCH = datetime(1970, 1, 1)  # noqa: DTZ001 - local wall time, as the axis shows it

matplotlib.rcParams.update(
    {
        "font.family": FONT,
        "font.size": 12,
        "axes.titlesize": 13,
        "axes.titleweight": "bold",
        "figure.titlesize": 15,
        "figure.titleweight": "bold",
        "text.color": INK,
        "axes.labelcolor": INK,
        "axes.edgecolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "axes.facecolor": CARD,
        "figure.facecolor": CARD,
        "savefig.facecolor": CARD,
        "legend.frameon": False,
        "svg.fonttype": "none",
    }
)


@functools.cache
def _glyphs() -> frozenset[int]:
    path = font_manager.findfont(font_manager.FontProperties(family=FONT), fallback_to_default=True)
    return frozenset(FT2Font(path).get_charmap())


def plain(text: str) -> str:
    """What DejaVu Sans can draw of `text`, never read as mathtext."""
    drawable = "".join(c for c in text if c in "\n " or ord(c) in _glyphs())
    return drawable.replace("$", r"\$")


def draw(spec: Timeline | StackedBars) -> Chart:
    return finish(timeline(spec) if isinstance(spec, Timeline) else stacked(spec), spec)


def finish(figure: Figure, spec: Spec) -> Chart:
    """The figure as a PNG of the spec's size."""
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    width, height = spec.size
    return Chart(buffer.getvalue(), spec.description, spec.filename, width, height)


def figure_of(size: tuple[int, int], title: str) -> Figure:
    width, height = size
    figure = Figure(
        figsize=(width / DPI, height / DPI), dpi=DPI, facecolor=CARD, edgecolor=FRAME,
        linewidth=2, layout=ConstrainedLayoutEngine(w_pad=0.12, h_pad=0.08),
    )  # fmt: skip
    figure.suptitle(plain(title), x=0.012, ha="left")
    return figure


def tidy(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_axisbelow(True)


# ------------------------------------------------------------------ timeline
def _days(moment: datetime, zone: ZoneInfo) -> float:
    local = moment.astimezone(zone).replace(tzinfo=None)
    return (local - EPOCH).total_seconds() / 86400


def _month_starts(first: date, last: date) -> list[date]:
    months, current = [], date(first.year, first.month, 1)
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def _local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def timeline(spec: Timeline) -> Figure:
    zone = ZoneInfo(spec.zone)
    figure = figure_of(spec.size, spec.title)
    ax = figure.add_subplot()
    tidy(ax)
    starts = [_days(s.starts_at, zone) for s in spec.spans]
    ends = [_days(s.ends_at, zone) for s in spec.spans]
    first = min(_local_day(s.starts_at, zone) for s in spec.spans)
    last = max(_local_day(s.ends_at, zone) for s in spec.spans)
    today = _local_day(spec.today, zone)
    if first - timedelta(days=62) <= today < first:
        first = today
    if last < today <= last + timedelta(days=62):
        last = today
    ticks = _month_starts(first, last)
    ticks.append(_month_starts(ticks[-1] + timedelta(days=32), ticks[-1] + timedelta(days=32))[0])
    tick_x = [(datetime.combine(t, datetime.min.time()) - EPOCH).days for t in ticks]
    ax.set_xlim(tick_x[0], tick_x[-1])
    labels = [
        spec.months[t.month - 1] + (f"\n{t.year}" if i == 0 or t.month == 1 else "")
        for i, t in enumerate(ticks)
    ]
    ax.set_xticks(tick_x, [plain(label) for label in labels])
    ax.grid(axis="x", color=GRID, linewidth=1)
    rows = range(len(spec.spans))
    colours = [STATE_COLOURS[s.state] for s in spec.spans]
    ax.barh(
        rows, [e - s for s, e in zip(starts, ends, strict=True)], left=starts, height=0.62,
        color=colours, edgecolor=INK, linewidth=0.8,
    )  # fmt: skip
    span_px = (figure.get_figwidth() * DPI - 300) / (tick_x[-1] - tick_x[0])
    for row, span, start, end, colour in zip(rows, spec.spans, starts, ends, colours, strict=True):
        _dates_label(ax, row, span.dates, start, end, colour, span_px, tick_x[-1])
    ax.set_yticks(list(rows), [plain(wrapped(s.label, 28, 3)) for s in spec.spans])
    ax.set_ylim(len(spec.spans) - 0.4, -0.6)
    ax.tick_params(axis="y", length=0)
    today_x = _days(spec.today, zone)
    handles: list[Patch | Line2D] = [
        Patch(facecolor=STATE_COLOURS[state], edgecolor=INK, label=plain(name))
        for state, name in spec.legend.items()
    ]
    if tick_x[0] <= today_x <= tick_x[-1]:
        ax.axvline(today_x, color=VERMILLION, linewidth=2.4, linestyle=(0, (5, 2)))
        handles.append(Line2D([], [], color=VERMILLION, linewidth=2.4, linestyle=(0, (5, 2)),
                              label=plain(spec.today_label)))  # fmt: skip
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.01), ncol=len(handles),
              handlelength=2.2, borderaxespad=0.2)  # fmt: skip
    return figure


def _dates_label(
    ax: Axes, row: int, text: str, start: float, end: float, colour: str, px: float, right: float
) -> None:
    """The phase's dates on its bar when they fit, else beside it."""
    if not text:
        return
    needed = 7.2 * len(text) + 12
    if (end - start) * px >= needed:
        ax.text((start + end) / 2, row, plain(text), ha="center", va="center", fontsize=10.5,
                color=text_on(colour))  # fmt: skip
    elif (right - end) * px >= needed:
        ax.text(end + 3 / px, row, plain(text), ha="left", va="center", fontsize=10.5)
    else:
        ax.text(start - 3 / px, row, plain(text), ha="right", va="center", fontsize=10.5)


# ------------------------------------------------------------------ stacked bars
def segments(ax: Axes, rows: list[int], lefts: list[int], widths: list[int], colour: str) -> None:
    """One series' segments as one collection: a patch per bar makes matplotlib update the
    axes' limits for each (a quarter of a second for 20 themes), and the limits are set."""
    half = 0.33
    boxes = [
        [(x, y - half), (x + w, y - half), (x + w, y + half), (x, y + half)]
        for y, x, w in zip(rows, lefts, widths, strict=True)
        if w
    ]
    ax.add_collection(
        PolyCollection(boxes, facecolors=colour, edgecolors=INK, linewidths=0.6),
        autolim=False,
    )


def number(
    ax: Axes, x: float, y: float, text: str, align: str, colour: str, bold: bool = False
) -> None:
    """A figure on a bar. Left out of the layout's measurements (hundreds of them make
    constrained layout slow, and the axis keeps room for them: 15% past the longest)."""
    ax.text(x, y, text, ha=align, va="center", color=colour, in_layout=False,
            fontsize=11 if bold else 10, fontweight="bold" if bold else "normal")  # fmt: skip


def stacked(spec: StackedBars) -> Figure:
    figure = figure_of(spec.size, spec.title)
    count = len(spec.categories)
    axes = figure.subplots(1, len(spec.panels), sharey=True, squeeze=False)[0]
    rows = list(range(count))
    panel_px = (figure.get_figwidth() * DPI - 280) / len(spec.panels)
    for ax, panel in zip(axes, spec.panels, strict=True):
        tidy(ax)
        colours = series_colours(len(panel.series), panel.muted)
        totals = [sum(v) for v in panel.values]
        top = max(totals, default=0) or 1
        ax.set_xlim(0, top * 1.15)
        px = panel_px / (top * 1.15)
        left = [0] * count
        handles: list[Patch] = []
        for index, (name, colour) in enumerate(zip(panel.series, colours, strict=True)):
            widths = [panel.values[c][index] for c in rows]
            segments(ax, rows, left, widths, colour)
            handles.append(Patch(facecolor=colour, edgecolor=INK, linewidth=0.6, label=plain(name)))
            for row, start, width in zip(rows, left, widths, strict=True):
                if width and width * px >= 9 * len(str(width)) + 8:
                    number(ax, start + width / 2, row, str(width), "center", text_on(colour))
            left = [a + b for a, b in zip(left, widths, strict=True)]
        for row, total in zip(rows, totals, strict=True):
            number(ax, total + 5 / px, row, str(total), "left", INK, bold=True)
        ax.grid(axis="x", color=GRID, linewidth=1)
        ax.tick_params(axis="y", length=0)
        # two columns read row by row (matplotlib fills a legend column by column)
        order = [*range(0, len(handles), 2), *range(1, len(handles), 2)]
        legend = ax.legend(
            handles=[handles[i] for i in order], title=plain(panel.title),
            loc="lower left", bbox_to_anchor=(0, 1.0), ncol=min(len(handles), 2), fontsize=11,
            handlelength=1.2, alignment="left", borderaxespad=0.2,
        )  # fmt: skip
        legend.get_title().set_fontweight("bold")
        ax.xaxis.get_major_locator().set_params(integer=True)
    axes[0].set_yticks(rows, [plain(wrapped(c, 26, 2)) for c in spec.categories])
    axes[0].set_ylim(count - 0.4, -0.6)
    return figure
