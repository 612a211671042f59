"""Working groups: composition, publication, their Discord objects.

rules.py: who meets whom (pure composition), in the terms of proposal.py (respondents,
size bounds, proposed groups; pure, re-exported by rules.py); sharing.py: members who
chose several themes shared out by load (pure); samples.py: reproducible respondents
for tests and benchmarks. service.py: between stored polls, profiles and groups and the rules.
objects.py: a group's role, private channel and welcome. jobs.py: a member's role
following their membership, as work for the engine. guests.py: a guest's access to the
group's channel, given and taken back on time by the engine; guest_rules.py: how long a
guest stays (pure). posts.py: previews and cards. Commands in cogs/groups/; storage in
storage/groups.py and storage/guests.py.
"""
