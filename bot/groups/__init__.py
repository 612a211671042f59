"""Working groups: composition, publication, their Discord objects, invitations.

rules.py: who meets whom (pure composition), in the terms of proposal.py (respondents,
size bounds, proposed groups; pure, re-exported by rules.py); sharing.py: members who
chose several themes shared out by load (pure); samples.py: reproducible respondents
for tests and benchmarks. service.py: between stored polls, profiles and groups and the rules.
objects.py: a group's role, private channel and welcome. jobs.py: a member's role
following their membership, as work for the engine. posts.py: previews and cards.

Consent to groups (the server's `consent` mode, SPEC §9): consent.py the pure rules
(deadline, reminder, the organisers' tally); invitations.py opening and answering them;
invitation_jobs.py their DM, reminder and expiry as work for the engine;
invitation_views.py their persistent buttons, decline form and the member's list;
invitation_posts.py their cards and the organisers' `/groups status`.
Commands in cogs/groups/; storage in storage/groups.py and storage/invitations.py.
"""

# The "My invitations" button other features may show (the interest poll's profile):
# a DynamicItem of bot/groups/invitation_views.py answers it, registered at start-up.
MY_INVITATIONS = "sip:inv:mine"
