"""Recommendation drafts in the theme's forum.

service.py: who may write, what is stored, what the post shows. posts.py: the forum
post, the text across messages, the status tag. forms.py: the forms drafts are typed
in. views.py: history, diffs, lists. endorsements.py: 👍 on the starter message,
batched and reconciled. rules.py: statuses and transitions (pure), and the
work item making a post's tag follow its status. jobs.py: that item's handler, for the
engine; a feature that moves a draft (the synthesis) adds the item through rules.py.
Commands in cogs/drafts.py; storage in storage/drafts.py.
"""
