"""The report as HTML and PDF, from a sample of two chapters with a chart each: read back
by the standard library's HTML parser and by pypdf."""

from __future__ import annotations

import base64
import io

from pypdf import PdfReader

from bot.kit import documents
from bot.kit.documents import Document, Heading, Paragraph, Picture
from tests.charts.images import keep, png
from tests.charts.reports import read, sample_charts, sample_report


def test_the_html_report_is_one_self_contained_file_in_the_guilds_language() -> None:
    calendar, interest = sample_charts()
    text = documents.html(sample_report(calendar, interest))
    keep("report.html", text.encode())
    page = read(text)
    (root,) = page.all("html")
    assert root.attrs["lang"] == "fr"
    policy = next(m for m in page.all("meta") if m.attrs.get("http-equiv"))
    assert policy.attrs["content"] == "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    assert page.all("title")[0].text == "Rapport du cycle 2020-2021"
    # both charts embedded, with their size and their description as alt text
    images = page.all("img")
    assert len(images) == 2
    for image, chart in zip(images, (calendar, interest), strict=True):
        prefix, data = image.attrs["src"].split(",", 1)
        assert prefix == "data:image/png;base64" and base64.b64decode(data) == chart.png
        assert image.attrs["alt"] == chart.description
        assert (image.attrs["width"], image.attrs["height"]) == (
            str(chart.width),
            str(chart.height),
        )
        assert png(chart.png).size == (chart.width, chart.height)
    # chapters: the first follows the title, the next starts a printed page
    chapters = [h for h in page.all("h2")]
    assert [h.text for h in chapters] == ["Calendrier", "Intérêt des sociétaires"]
    assert [h.attrs["class"] for h in chapters] == ["chapter first", "chapter"]
    assert "h2.chapter { break-before: page; }" in text and "@media print" in text
    # the table, numbers aligned as numbers
    assert [c.text for c in page.all("th")] == ["Thématique", "Répondants"]
    assert [c.attrs.get("class") for c in page.all("td")] == [None, "number"] * 2


def test_nothing_in_a_report_runs_or_fetches_anything() -> None:
    text = documents.html(sample_report(*sample_charts()))
    page = read(text)
    assert page.all("script") == [] and page.all("b") == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;b&gt;brut&lt;/b&gt;" in text
    assert [i.attrs["src"][:22] for i in page.all("img")] == ["data:image/png;base64,"] * 2
    links = [a.attrs["href"] for a in page.all("a")]
    assert "https://example.org/charte" in links
    assert not any(link.startswith("javascript:") for link in links)
    assert [s.text for s in page.all("strong")] == ["sociétaires"]


def test_the_pdf_has_a_page_per_chapter_with_its_chart_and_its_accents() -> None:
    calendar, interest = sample_charts()
    data = documents.pdf(sample_report(calendar, interest))
    keep("report.pdf", data)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    first, second = (page.extract_text() for page in reader.pages)
    assert "Rapport du cycle 2020-2021" in first and "Calendrier" in first
    assert "Intérêt des sociétaires" in second and "Égalité de genre" in second
    assert "<script>alert(1)</script>" in first  # a paragraph's text, printed as typed
    assert [len(page.images) for page in reader.pages] == [1, 1]
    assert reader.metadata is not None and reader.metadata.title == "Rapport du cycle 2020-2021"


def test_a_long_report_runs_over_pages_and_pictures_are_never_cut() -> None:
    calendar, _interest = sample_charts()
    sections: list[documents.Section] = []
    for chapter in range(3):
        sections.append(Heading(f"Chapitre {chapter + 1}"))
        sections += [Picture(calendar)] * 3 + [Paragraph("Texte. " * 40)]
    reader = PdfReader(io.BytesIO(documents.pdf(Document("Long", "nl", sections))))
    # a chapter's three pictures of 174 x 98 mm do not fit its first page (261 mm high):
    # the third moves whole to the next page, and the next chapter starts a page of its own
    assert len(reader.pages) == 6
    assert all(page.images for page in reader.pages)
    texts = [page.extract_text() for page in reader.pages]
    assert [n for n, t in enumerate(texts) if "Chapitre" in t] == [0, 2, 4]
    assert all("Texte." in texts[n] for n in (1, 3, 5))


async def test_the_files_are_an_html_and_a_pdf_made_off_the_loop() -> None:
    made = await documents.attachments(sample_report(*sample_charts()), "rapport-2020-2021")
    assert [f.filename for f in made] == ["rapport-2020-2021.html", "rapport-2020-2021.pdf"]
    html, pdf = (f.fp.read() for f in made)
    assert html.startswith(b"<!DOCTYPE html>") and pdf.startswith(b"%PDF-")
    only = await documents.attachments(sample_report(*sample_charts()), "r", with_pdf=False)
    assert [f.filename for f in only] == ["r.html"]
