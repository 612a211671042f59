"""Drawing `GroupedBars` and `Columns` with matplotlib (Agg), in the charts' worker thread.

Imported by `run.render` inside that thread only, beside drawing.py whose look it shares
(the card, the ink, the Okabe–Ito palette, numbers on the bars, the title at the left).

Grouped bars: the sections' headings are rows of their own, in bold, a rule above each;
a band (the bounds a bar is read against) is shaded behind the bars, with a dashed line
at each end, and named in the legend. Columns: series stacked per category with the
total above each column, or lines with one marker shape per series, so two series stay
apart without their colours.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from bot.kit.charts.drawing import figure_of, finish, number, plain, segments, tidy
from bot.kit.charts.model import (
    DPI,
    GREEN,
    GRID,
    INK,
    Chart,
    Columns,
    GroupedBars,
    series_colours,
    text_on,
    wrapped,
)  # fmt: skip

MARKERS = ("o", "s", "^", "D", "v", "P", "X")
BAND_FILL = "#D5EDE4"  # the palette's green, pale: behind the bars, never mistaken for one


def draw(spec: GroupedBars | Columns) -> Chart:
    return finish(grouped(spec) if isinstance(spec, GroupedBars) else columns(spec), spec)


def _legend(ax: object, handles: list[Patch | Line2D], columns: int) -> None:
    ax.legend(  # type: ignore[attr-defined]
        handles=handles, loc="lower left", bbox_to_anchor=(0, 1.01), ncol=max(columns, 1),
        handlelength=1.6, borderaxespad=0.2, fontsize=11,
    )  # fmt: skip


# ------------------------------------------------------------------ grouped bars
def grouped(spec: GroupedBars) -> Figure:
    figure = figure_of(spec.size, spec.title)
    ax = figure.add_subplot()
    tidy(ax)
    colours = series_colours(len(spec.series), spec.muted)
    rows: list[int] = []  # the bars' rows, headings in between
    labels: list[str] = []
    headings: list[int] = []
    bars = []
    for section in spec.sections:
        if section.label:
            headings.append(len(labels))
            labels.append(section.label)
        for bar in section.bars:
            rows.append(len(labels))
            labels.append(bar.label)
            bars.append(bar)
    totals = [sum(bar.values) for bar in bars]
    top = max([*totals, spec.band.high if spec.band else 0, 1])
    # room past the longest bar for its note (bold, about 8 px a character)
    room = max([8.2 * len(b.note or str(t)) + 14 for b, t in zip(bars, totals, strict=True)] or [0])
    width = figure.get_figwidth() * DPI - 300
    right = max(top * 1.18, max([t * width / max(width - room, 1) for t in totals] or [0]))
    ax.set_xlim(0, right)
    px = width / right
    if spec.band is not None:
        ax.axvspan(spec.band.low, spec.band.high, color=BAND_FILL, zorder=0)
        for edge in (spec.band.low, spec.band.high):
            ax.axvline(edge, color=GREEN, linewidth=1.8, linestyle=(0, (4, 2)), zorder=1)
    left = [0] * len(bars)
    handles: list[Patch | Line2D] = []
    for index, (name, colour) in enumerate(zip(spec.series, colours, strict=True)):
        widths = [bar.values[index] for bar in bars]
        segments(ax, rows, left, widths, colour)
        handles.append(Patch(facecolor=colour, edgecolor=INK, linewidth=0.6, label=plain(name)))
        for row, start, width in zip(rows, left, widths, strict=True):
            if width and width * px >= 9 * len(str(width)) + 8:
                number(ax, start + width / 2, row, str(width), "center", text_on(colour))
        left = [a + b for a, b in zip(left, widths, strict=True)]
    for row, bar, total in zip(rows, bars, totals, strict=True):
        number(ax, total + 5 / px, row, plain(bar.note or str(total)), "left", INK, bold=True)
    if spec.band is not None:
        handles.append(Patch(facecolor=BAND_FILL, edgecolor=GREEN, linestyle="--",
                             label=plain(spec.band.label)))  # fmt: skip
    for heading in headings[1:]:
        ax.axhline(heading - 0.5, color=GRID, linewidth=1.2)
    ax.set_yticks(range(len(labels)), [plain(wrapped(label, 30, 2)) for label in labels])
    for index, tick in enumerate(ax.get_yticklabels()):
        if index in headings:
            tick.set_fontweight("bold")
    ax.set_ylim(len(labels) - 0.4, -0.6)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color=GRID, linewidth=1)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if spec.axis:
        ax.set_xlabel(plain(spec.axis))
    _legend(ax, handles, min(len(handles), 4))
    return figure


# ------------------------------------------------------------------ columns
def columns(spec: Columns) -> Figure:
    figure = figure_of(spec.size, spec.title)
    ax = figure.add_subplot()
    tidy(ax)
    colours = series_colours(len(spec.series), spec.muted)
    x = list(range(len(spec.categories)))
    handles: list[Patch | Line2D] = []
    if spec.lines:
        top = max((v for row in spec.values for v in row), default=0) or 1
        annotate = len(spec.series) * len(x) <= 48
        for index, (name, row) in enumerate(zip(spec.series, spec.values, strict=True)):
            marker = MARKERS[index % len(MARKERS)]
            colour = colours[index]
            ax.plot(x, row, color=colour, marker=marker, markersize=8, linewidth=2.4,
                    markeredgecolor=INK, markeredgewidth=0.8)  # fmt: skip
            handles.append(Line2D([], [], color=colour, marker=marker, markeredgecolor=INK,
                                  linewidth=2.4, label=plain(name)))  # fmt: skip
            for at, value in zip(x, row, strict=True):
                if annotate and value:
                    ax.annotate(f"{value:g}", (at, value), textcoords="offset points",
                                xytext=(0, 9), ha="center", fontsize=10, color=INK)  # fmt: skip
    else:
        totals = [sum(row[i] for row in spec.values) for i in x]
        top = max(totals, default=0) or 1
        px = (figure.get_figheight() * DPI - 230) / (top * 1.15)
        bottom = [0.0] * len(x)
        for name, row, colour in zip(spec.series, spec.values, colours, strict=True):
            ax.bar(x, row, bottom=bottom, width=0.66, color=colour, edgecolor=INK, linewidth=0.6)
            handles.append(Patch(facecolor=colour, edgecolor=INK, linewidth=0.6, label=plain(name)))
            for at, base, value in zip(x, bottom, row, strict=True):
                if value and value * px >= 16:
                    ax.text(at, base + value / 2, f"{value:g}", ha="center", va="center",
                            fontsize=10, color=text_on(colour), in_layout=False)  # fmt: skip
            bottom = [a + b for a, b in zip(bottom, row, strict=True)]
        for at, total in zip(x, totals, strict=True):
            if total:
                ax.text(at, total + 3 / px, f"{total:g}", ha="center", va="bottom", fontsize=11,
                        fontweight="bold", color=INK, in_layout=False)  # fmt: skip
    ax.set_ylim(0, top * 1.15)
    ax.set_xlim(-0.6, len(x) - 0.4)
    ax.set_xticks(x, [plain(wrapped(c, 14, 2)) for c in spec.categories])
    ax.grid(axis="y", color=GRID, linewidth=1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if spec.axis:
        ax.set_ylabel(plain(spec.axis))
    _legend(ax, handles, min(len(handles), 4))
    return figure
