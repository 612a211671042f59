"""Loading of the data files shipped in config/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from bot.cycles.rules import PhaseTemplate


@dataclass(frozen=True)
class OfficeSeed:
    name: str
    country: str
    region: str


def default_offices() -> list[OfficeSeed]:
    raw = json.loads(resources.files("config").joinpath("offices.json").read_text("utf-8"))
    return [OfficeSeed(o["name"], o["country"], o["region"]) for o in raw["offices"]]


def cycle_template() -> list[PhaseTemplate]:
    raw = json.loads(resources.files("config").joinpath("cycle_template.json").read_text("utf-8"))
    return [
        PhaseTemplate(
            p["key"],
            (p["start"][0], p["start"][1], p["start"][2]),
            (p["end"][0], p["end"][1], p["end"][2]),
        )
        for p in raw["phases"]
    ]
