"""/setup: the server's settings and the check of what is missing.

rules.py validates what organisers type (offsets, language, time zone); checkup.py is
`/setup check`. Commands in cogs/setup.py; storage in storage/setup.py.
"""
