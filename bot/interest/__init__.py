"""The interest poll by reaction and the member profile.

Flow: /interest open (cogs/interest.py) posts the poll (polls.py) → reactions arrive in
votes.py (batched, reconciled from the message at start-up) → the deadline's work item
(polls.py) closes it and posts the results. views.py: the profile's select menus.
Storage in storage/interest.py.
"""
