"""Reproducible interest-poll respondents, for the composition benchmark and tests.

The shape imitates a large cycle: 20 offices in 8 regions of France and Belgium with
uneven sizes (Paris and Bruxelles are big, Mons is tiny), each member voting for one
to three themes, about one in ten without a profile, and a few volunteers.
"""

from __future__ import annotations

import random

from bot.groups.rules import Mode, Respondent

# (office, region, country, weight)
OFFICES: tuple[tuple[str, str, str, int], ...] = (
    ("Paris", "Île-de-France", "FR", 30),
    ("Rennes", "Ouest", "FR", 6),
    ("Nantes", "Ouest", "FR", 8),
    ("Bordeaux", "Sud-Ouest", "FR", 7),
    ("Toulouse", "Sud-Ouest", "FR", 6),
    ("Montpellier", "Sud-Est", "FR", 4),
    ("Marseille", "Sud-Est", "FR", 6),
    ("Nice", "Sud-Est", "FR", 2),
    ("Lyon", "Centre-Est", "FR", 10),
    ("Grenoble", "Centre-Est", "FR", 3),
    ("Saint-Étienne", "Centre-Est", "FR", 1),
    ("Lille", "Nord-Est", "FR", 6),
    ("Strasbourg", "Nord-Est", "FR", 3),
    ("Bruxelles", "Bruxelles", "BE", 20),
    ("Liège", "Wallonie", "BE", 4),
    ("Namur", "Wallonie", "BE", 2),
    ("Charleroi", "Wallonie", "BE", 2),
    ("Mons", "Wallonie", "BE", 1),
    ("Antwerpen", "Vlaanderen", "BE", 5),
    ("Gent", "Vlaanderen", "BE", 4),
)
MODES: tuple[Mode | None, ...] = ("in_person", "online", "either", None)
MODE_WEIGHTS = (40, 25, 25, 10)
FIRST_MEMBER_ID = 400_000_000_000_000_000  # snowflake-sized, like Discord user ids


def synthetic_population(n: int, themes: int, seed: int) -> list[Respondent]:
    """`n` respondents voting for themes 1..`themes`; the same seed gives the same list."""
    rng = random.Random(seed)  # noqa: S311 - reproducible sample data, not security
    theme_ids = list(range(1, themes + 1))
    weights = [weight for *_, weight in OFFICES]
    people: list[Respondent] = []
    for index in range(n):
        voted = frozenset(rng.sample(theme_ids, rng.randint(1, min(3, themes))))
        mode = rng.choices(MODES, weights=MODE_WEIGHTS)[0]
        office = region = country = None
        if mode is not None:
            office, region, country, _ = rng.choices(OFFICES, weights=weights)[0]
        people.append(
            Respondent(
                member_id=FIRST_MEMBER_ID + index,
                themes=voted,
                office=office,
                region=region,
                country=country,
                mode=mode,
                facilitate=rng.random() < 0.15,
                take_notes=rng.random() < 0.15,
            )
        )
    return people
