"""Loading of the data files shipped in config/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class OfficeSeed:
    name: str
    country: str
    region: str


def default_offices() -> list[OfficeSeed]:
    raw = json.loads(resources.files("config").joinpath("offices.json").read_text("utf-8"))
    return [OfficeSeed(o["name"], o["country"], o["region"]) for o in raw["offices"]]
