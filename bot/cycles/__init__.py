"""The cycle and its calendar of phases.

rules.py: the template's phases, the cycle's window, what is current (pure).
jobs.py: phase start announcements, one work item per phase.
posts.py: the calendar's card and its timeline picture.
Commands in cogs/cycles.py; storage in storage/cycles.py.
"""
