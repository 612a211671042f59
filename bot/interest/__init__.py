"""The interest poll by reaction and the member profile.

Flow: /interest open (cogs/interest.py) posts the poll (posts.py) and stores it with its
closing work item → reactions arrive in votes.py (batched, reconciled from the message
at start-up) → at the deadline the engine hands the item to jobs.py, which closes the
poll and posts the results, with their picture (posts.py), once. refusals.py:
non-members' reactions, live or found at start-up, removed and the person told once
(work items). rules.py: the tally (pure).
files.py: the CSV export. views.py: the profile's select menus. Storage in
storage/interest.py.
"""
