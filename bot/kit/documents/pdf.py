"""The report's sections as a PDF, written by fpdf2 (pure Python: no browser, no system
library), with the same page rules as the HTML file's print style: A4, 18 mm margins,
each chapter (a level-1 heading) on a new page, a picture never split (it moves to the
next page whole), table headers repeated on every page.

Text is set in DejaVu Sans, embedded from the copy matplotlib ships (found on disk, not
imported), so French and Dutch accents and the report's typographic signs print as
typed; characters it lacks (emoji, CJK) are left out, keycap emoji become their digit
("1️⃣ Accompagnement" prints "1 Accompagnement"), so nothing prints as an empty box.
Markdown goes through markdown-it-py (raw HTML off, no images: nothing is ever fetched)
and fpdf2's HTML writer. Pictures carry their description as alt text.
"""

from __future__ import annotations

import functools
import importlib.util
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.kit.charts.model import KEYCAP
from bot.kit.documents.html import markdown
from bot.kit.documents.model import (
    Document,
    Heading,
    Markdown,
    Paragraph,
    Picture,
    Table,
    cell_text,
)

if TYPE_CHECKING:
    from fpdf import FPDF

MARGIN = 18.0  # mm, as the HTML's @page
FAMILY = "DejaVu"
MONO = "DejaVuMono"
INK_RGB = (31, 35, 40)
GREY_RGB = (74, 80, 89)
LINK_RGB = (11, 92, 173)
FACES = {
    (FAMILY, ""): "DejaVuSans.ttf",
    (FAMILY, "B"): "DejaVuSans-Bold.ttf",
    (FAMILY, "I"): "DejaVuSans-Oblique.ttf",
    (FAMILY, "BI"): "DejaVuSans-BoldOblique.ttf",
    (MONO, ""): "DejaVuSansMono.ttf",
}


def font_folder() -> Path:
    """matplotlib's copy of the DejaVu fonts, found without importing matplotlib."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib is not installed: the PDF has no font")
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


@functools.cache
def _covered() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    faces = [TTFont(font_folder() / name) for name in FACES.values()]
    return frozenset.intersection(*(frozenset(face.getBestCmap()) for face in faces))


def printable(text: str) -> str:
    """`text` without the characters DejaVu Sans cannot print."""
    covered = _covered()
    return "".join(c for c in KEYCAP.sub(r"\1", text) if c in "\n\t" or ord(c) in covered)


def _writer(document: Document) -> FPDF:
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    folder = font_folder()
    for (family, style), name in FACES.items():
        pdf.add_font(family, style, str(folder / name))
    pdf.set_title(printable(document.title))
    pdf.set_lang(document.language)
    pdf.set_creator("sipbot")
    pdf.set_text_color(*INK_RGB)
    return pdf


def pdf(document: Document) -> bytes:
    writer = _writer(document)
    writer.add_page()
    _text(writer, document.title, 20, "B", 9)
    if document.subtitle:
        writer.set_text_color(*GREY_RGB)
        _text(writer, document.subtitle, 11, "", 5.5)
        writer.set_text_color(*INK_RGB)
    writer.ln(4)
    chapters = 0
    for section in document.sections:
        if isinstance(section, Heading):
            if section.level == 1 and chapters:
                writer.add_page()
            chapters += section.level == 1
            _heading(writer, section)
        elif isinstance(section, Paragraph):
            _text(writer, section.text, 11, "", 5.5)
            writer.ln(2)
        elif isinstance(section, Markdown):
            _markdown(writer, section.text)
        elif isinstance(section, Table):
            _table(writer, section)
        else:
            _picture(writer, section)
    return bytes(writer.output())


def _text(writer: FPDF, text: str, size: float, style: str, height: float) -> None:
    writer.set_font(FAMILY, style, size)
    writer.multi_cell(0, height, printable(text), new_x="LMARGIN", new_y="NEXT")


def _heading(writer: FPDF, heading: Heading) -> None:
    size = {1: 16.0, 2: 13.0}.get(heading.level, 11.5)
    writer.ln(3)
    # keep a heading with what follows it: start a page when less than 30 mm remain
    if writer.get_y() > writer.h - MARGIN - 30:
        writer.add_page()
    _text(writer, heading.text, size, "B", size * 0.5)
    writer.ln(1.5)


@functools.cache
def _tag_styles() -> dict[str, Any]:
    """fpdf2's HTML styles in the report's look: dark headings as in the HTML file (not
    fpdf2's dark red), code in DejaVu Sans Mono, links in the HTML's blue."""
    from fpdf.fonts import FontFace, TextStyle

    sizes = {"h1": 16, "h2": 14, "h3": 12.5, "h4": 11.5, "h5": 11, "h6": 11}
    styles: dict[str, Any] = {
        tag: TextStyle(
            font_family=FAMILY,
            font_style="B",
            font_size_pt=size,
            color=INK_RGB,
            t_margin=4,
            b_margin=1,
        )
        for tag, size in sizes.items()
    }
    styles["code"] = FontFace(family=MONO)
    styles["pre"] = TextStyle(font_family=MONO, t_margin=3)
    styles["a"] = FontFace(color=LINK_RGB, emphasis="UNDERLINE")
    styles["blockquote"] = TextStyle(color=GREY_RGB, t_margin=3, b_margin=3, l_margin=6)
    return styles


def _markdown(writer: FPDF, text: str) -> None:
    writer.set_font(FAMILY, "", 11)
    writer.write_html(
        markdown().render(printable(text)), font_family=FAMILY, tag_styles=_tag_styles(),
        li_prefix_color=INK_RGB, warn_on_tags_not_matching=False,
    )  # fmt: skip
    writer.ln(2)


def _table(writer: FPDF, table: Table) -> None:
    from fpdf.fonts import FontFace

    if table.caption:
        _text(writer, table.caption, 11, "B", 5.5)
    writer.set_font(FAMILY, "", 9.5)
    headings = FontFace(emphasis="BOLD", fill_color=(238, 240, 243))
    with writer.table(headings_style=headings, line_height=5, text_align="LEFT",
                      repeat_headings=1, first_row_as_headings=True) as grid:  # fmt: skip
        row = grid.row()
        for header in table.headers:
            row.cell(printable(header))
        for values in table.rows:
            row = grid.row()
            for value in values:
                align = "RIGHT" if isinstance(value, int | float) else "LEFT"
                row.cell(printable(cell_text(value)), align=align)
    writer.ln(3)


def _picture(writer: FPDF, picture: Picture) -> None:
    chart = picture.chart
    width = writer.epw
    height = width * chart.height / chart.width if chart.width else width / 2
    caption = 6.0 if picture.caption else 0.0
    if writer.get_y() + height + caption > writer.h - MARGIN:
        writer.add_page()
    writer.image(io.BytesIO(chart.png), w=width, h=height, alt_text=printable(chart.description))
    if picture.caption:
        writer.set_text_color(*GREY_RGB)
        _text(writer, picture.caption, 9, "I", 4.5)
        writer.set_text_color(*INK_RGB)
    writer.ln(3)
