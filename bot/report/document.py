"""The report as a document people open (bot/kit/documents: one self-contained HTML file
and a PDF): the same text as the Markdown file, chapter by chapter, and the pictures of
participation as a chapter of their own after the figures.

The Markdown's title and its "generated on" line become the document's title and
subtitle; each of its level-2 sections (the figures, each theme, the accountability,
the experiments) a chapter, which starts a new page when printed. Each picture's caption
is its description: the figures drawn are also there to read.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.kit.charts import Chart
from bot.kit.documents import Document, Heading, Markdown, Picture, Section
from bot.kit.i18n import Tr


def chapters(text: str) -> tuple[str, str, list[tuple[str, str]]]:
    """The Markdown's title, its first paragraph (the generated line, emphasis taken
    off) and its level-2 sections as (heading, body)."""
    lines = text.splitlines()
    title = lines[0].removeprefix("# ").strip() if lines and lines[0].startswith("# ") else ""
    rest = lines[1:] if title else lines
    subtitle = ""
    found: list[tuple[str, list[str]]] = []
    for line in rest:
        if line.startswith("## "):
            found.append((line[3:].strip(), []))
        elif found:
            found[-1][1].append(line)
        elif line.strip() and not subtitle:
            subtitle = line.strip().strip("_")
    return title, subtitle, [(head, "\n".join(body).strip() + "\n") for head, body in found]


def document(tr: Tr, language: str, text: str, pictures: Sequence[Chart]) -> Document:
    title, subtitle, found = chapters(text)
    sections: list[Section] = []
    for index, (head, body) in enumerate(found):
        sections += [Heading(head), Markdown(body)]
        if index == 0 and pictures:
            sections.append(Heading(tr("report.pictures")))
            sections += [Picture(chart, chart.description) for chart in pictures]
    return Document(title=title, language=language, sections=sections, subtitle=subtitle)
