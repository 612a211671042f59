"""Meetings open to every member: open meetings, webinars, presentations of
recommendations, with registration, an in-person capacity and a waitlist.

Flow: /meeting schedule (cogs/meetings.py) → service.py stores the meeting and the work
item of its Discord event, tries the event, posts the announcement (posts.py card,
views.py buttons) in the announcements channel and the theme's info channel. A click
(views.py) → seats.py decides the member's place in one transaction (rules.py `move`:
seats, waitlist, promotion) and plans their reminders → jobs.py sends reminders and
notices by DM, one work item each, at a pace under Discord's limits. Reschedule and
cancel (service.py) re-plan or cancel the reminders and tell every registrant.
forms.py: the report after the meeting, posted under the announcement. files.py: the
attendees' workbook and CSV. Storage in storage/meetings.py; `/session ics` adds a
member's meetings (bot/sessions/calendar.py).
"""
