"""The general assembly's vote.

rules.py: options, ballots, the count (pure). views.py: the post, its components and
ballots. jobs.py: closing at the deadline and posting the results once.
Commands in cogs/assembly.py; storage in storage/assembly.py.
"""
