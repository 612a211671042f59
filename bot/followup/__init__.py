"""The follow-up of adopted recommendations: what became of what the board adopted.

rules.py: the states (planned, in progress, done, abandoned), the note's limits, which
drafts are followed (adopted, with or without changes), the work item of an update.
service.py: who may update (the board and organisers), what is stored, the list of a
cycle's followed recommendations. posts.py: the update as posted in the draft's forum
post, the list as embeds. jobs.py: the handler that posts an update, for the engine.
Commands in cogs/followup.py; storage in storage/followup.py; the report's
accountability table in bot/report/accountability.py.
"""
