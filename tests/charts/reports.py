"""A sample report of two chapters with a chart each, and an HTML reader (the standard
library's parser) for what the tests check of its structure."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from bot.kit import charts
from bot.kit.charts import Chart
from bot.kit.documents import Document, Heading, Markdown, Paragraph, Picture, Table
from tests.charts import samples


def sample_charts() -> tuple[Chart, Chart]:
    return charts.render(samples.calendar()), charts.render(samples.interest())


def sample_report(calendar: Chart, interest: Chart) -> Document:
    return Document(
        title="Rapport du cycle 2020-2021",
        language="fr",
        subtitle="Smart in Progress — généré le 25 janv. 2021",
        sections=[
            Heading("Calendrier"),
            Paragraph(
                "Les sept phases du cycle et leurs chevauchements. <script>alert(1)</script>"
            ),
            Picture(calendar, "Le calendrier au 25 janvier 2021."),
            Heading("Intérêt des sociétaires"),
            Markdown(
                "Les **sociétaires** ont répondu : voir [la charte](https://example.org/charte).\n\n"
                "- Égalité de genre\n- Modèle économique\n\n"
                "<b>brut</b> ![image](http://example.org/x.png) [piège](javascript:alert(1))"
            ),
            Picture(interest, "Répondants par thématique, par région et par mode."),
            Heading("Totaux", level=2),
            Table(
                ["Thématique", "Répondants"],
                [["Accompagnement", 15], ["Égalité de genre", 15]],
                caption="Répondants par thématique",
            ),
        ],
    )


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Page(HTMLParser):
    """The elements of an HTML page in order, each with its attributes and text."""

    elements: list[Element] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()
        self._open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if tag not in ("img", "meta", "br", "hr"):
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            if self._open.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data

    def all(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]


def read(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page
