"""Themes and their Discord objects.

rules.py: titles, links, countries, emojis (pure). objects.py: the category, info
channel, forum and role of a theme, each recorded as soon as it exists.
Commands in cogs/themes.py; storage in storage/themes.py.
"""
