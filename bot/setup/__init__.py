"""/setup: the server's settings and the check of what is missing.

rules.py validates what organisers type (offsets, language, time zone); checkup.py is
`/setup check` (setup's own checks; the features' are registered in bot/kit/checkup.py).
Commands in cogs/setup.py; storage in storage/setup.py.
"""
