"""Experiments: a group's experiment, its check-ins, nudges and evaluation.

rules.py: windows and when to nudge (pure). jobs.py: the nudges, one work item each.
Commands in cogs/experiments.py; storage in storage/experiments.py.
"""
