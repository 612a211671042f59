"""Themes and their Discord objects.

rules.py: titles, links, countries, emojis (pure). objects.py: the category, info
channel, forum and role of a theme, each recorded as soon as it exists; a prolonged
theme's card links to its history. service.py: making them (`/theme add`, `/theme
edit`, and a cycle created from the assembly's vote, which reaches it through this
package: `ThemeBuilder`, `check_room_for`).
Commands in cogs/themes.py; storage in storage/themes.py.
"""

from bot.themes.objects import check_room_for
from bot.themes.service import Built, ThemeBuilder

__all__ = ["Built", "ThemeBuilder", "check_room_for"]
