"""Specs drawn by the kit's tests: a cycle's seven phases, respondents per theme."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.kit.charts import Panel, Span, StackedBars, Timeline

MONTHS = "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.".split()
TODAY = datetime(2021, 1, 25, 12, 0, tzinfo=UTC)


def at(month: int, day: int, year: int = 2021, hour: int = 8) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=UTC)


def calendar() -> Timeline:
    spans = [
        Span("Préparation", at(11, 1, 2020), at(12, 31, 2020, 22), "past", "1 nov. – 31 déc."),
        Span("Appropriation des thématiques", at(1, 1), at(1, 31, hour=22), "current", "1 – 31 janv."),
        Span("Émergence des idées", at(1, 15), at(2, 28, hour=22), "current", "15 janv. – 28 févr."),
        Span("Apports d'expertise", at(2, 1), at(3, 15, hour=22), "future", "1 févr. – 15 mars"),
        Span("Formulation et vérification de la faisabilité des recommandations", at(3, 1),
             at(4, 30, hour=21), "future", "1 mars – 30 avr."),
        Span("Expérimentations", at(1, 1), at(5, 30, hour=21), "current", "1 janv. – 30 mai"),
        Span("Proposition de l'étape suivante", at(5, 1), at(5, 30, hour=21), "future", "1 – 30 mai"),
    ]  # fmt: skip
    return Timeline(
        title="Calendrier du cycle 2020-2021", spans=spans, today=TODAY, zone="Europe/Paris",
        months=MONTHS, today_label="aujourd'hui, 25 janv. 2021",
        legend={"past": "terminée", "current": "en cours", "future": "à venir"},
        filename="cycle-calendar.png", description="Calendrier du cycle 2020-2021 : sept phases.",
    )  # fmt: skip


def interest(themes: int = 4) -> StackedBars:
    # as the feature gives them (clean_label made "1️⃣" a "1"), an emoji left for the font
    # check and dollars that must not become mathematics
    titles = ["1 Accompagnement", "2 Horizon post-crise 💡", "3 Égalité de genre",
              "4 Modèle économique : 10 $ ou 20 $ ?"]  # fmt: skip
    categories = [titles[n % 4] + ("" if n < 4 else f" {n}") for n in range(themes)]
    regions = Panel(
        "Par région", ["Ouest", "Sud", "Vlaanderen", "sans bureau"],
        [[5 + n % 3, 7, 2, 1] for n in range(themes)], frozenset({3}),
    )  # fmt: skip
    modes = Panel(
        "Par mode", ["en présentiel", "en visio", "indifférent", "sans profil"],
        [[4, 6 + n % 3, 4, 1] for n in range(themes)], frozenset({3}),
    )  # fmt: skip
    return StackedBars(
        title="Répondants par thématique", categories=categories, panels=[regions, modes],
        filename="interest-results.png", description="Répondants par thématique.",
    )  # fmt: skip
