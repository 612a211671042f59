"""Group sessions: time polls, scheduling, RSVPs, reminders, minutes, calendar files.

Flow: /session schedule (cogs/sessions.py) → service.py stores the session and its
reminders, then its event and post (posts.py) → jobs.py sends each reminder when the
engine hands it over. polls.py: time polls by reaction, closed at their deadline by a
work item (the winner posted once), and the winner's button.
minutes.py: the minutes form. files.py / calendar.py: RFC 5545 files.
rules.py: lengths, links, slots, the reminder decision (pure).
voice.py: what the bot needs in a session's voice channel (View Channel, Connect), for
/session schedule and /setup check.
Storage in storage/sessions.py (sessions, RSVPs, minutes, time polls).
"""
