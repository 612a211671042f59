"""Recommendation drafts in the theme's forum.

service.py: who may write, what is stored, what the post shows. posts.py: the forum
post, the text across messages, the status tag. forms.py: the forms drafts are typed
in. views.py: history, diffs, lists. endorsements.py: 👍 on the starter message,
batched and reconciled. rules.py: statuses and transitions (pure).
A draft another feature moves (the synthesis) comes as `draft_status_changed`: the cog
makes the post's tag follow (service.follow_status).
Commands in cogs/drafts.py; storage in storage/drafts.py.
"""
