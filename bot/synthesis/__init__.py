"""The synthesis of a theme: one forum post gathering its drafts, updated in place.

service.py builds it. Commands in cogs/synthesis.py; storage in storage/synthesis.py.
"""
