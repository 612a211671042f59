"""Reading back the pictures the bot attaches, with Pillow (an independent reader), and
keeping them for people to look at.

`keep(name, data)` writes a file under $SIPBOT_CHART_OUT when it is set (nothing
otherwise): `SIPBOT_CHART_OUT=/tmp/charts pytest tests/cycles tests/interest tests/charts`
leaves the calendar, the interest chart, the report's HTML, PDF and its screenshot there.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image, ImageChops

Colour = tuple[int, int, int]
OUT = "SIPBOT_CHART_OUT"


def rgb(hex_colour: str) -> Colour:
    return (int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16))


def png(data: bytes) -> Image.Image:
    """The attachment as an image, after checking it is a whole PNG file."""
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image.load()
    return image


def mask(image: Image.Image, colour: str, tolerance: int = 12) -> Image.Image:
    """White where a pixel is within `tolerance` (per channel) of `colour`, else black."""
    solid = Image.new("RGB", image.size, rgb(colour))
    difference = ImageChops.difference(image.convert("RGB"), solid)
    channels = [c.point(lambda v: 255 if v <= tolerance else 0) for c in difference.split()]
    return ImageChops.multiply(ImageChops.multiply(channels[0], channels[1]), channels[2])


def count_near(image: Image.Image, colour: str, tolerance: int = 12) -> int:
    """How many pixels are within `tolerance` (per channel) of `colour`."""
    return mask(image, colour, tolerance).histogram()[255]


def over(image: Image.Image, background: str) -> Image.Image:
    """The picture as Discord shows it on a background (its alpha composited)."""
    base = Image.new("RGBA", image.size, (*rgb(background), 255))
    return Image.alpha_composite(base, image.convert("RGBA")).convert("RGB")


def keep(name: str, data: bytes) -> Path | None:
    folder = os.environ.get(OUT)
    if not folder:
        return None
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
