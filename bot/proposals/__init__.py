"""Next themes proposed by members, carried to the general assembly's vote.

rules.py: when proposals are taken, titles, statuses and their order, the work items
(pure). service.py: the call (calendar, opened or closed by hand), the cycle's forum, a
proposal stored then posted, an organiser's decision stored with its work. posts.py: the
forum, the post, its status tag, what a decision says. forms.py: the form a theme is
proposed in. views.py: the list. endorsements.py: 👍 on the post, batched and reconciled
(the kit's recorder). jobs.py: the tag and the telling of a decision, for the engine.
Commands in cogs/proposals.py; storage in storage/proposals.py. The assembly reads the
shortlist from storage (`/assembly open source:`), and a cycle created from the vote
takes the winners' titles and descriptions as its themes.
"""
