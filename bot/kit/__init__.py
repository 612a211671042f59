"""What the features share, and nothing feature-specific.

- clock.py: the one clock (tests move it); scheduler.py: the event loop as an alarm clock.
- work.py: the one engine for scheduled and must-happen work (claim, send with a nonce,
  finish, or release with back-off); features register a handler per kind (jobs.py).
- errors.py: how failures become messages; user_error.py: UserError (pure).
- checks.py, access.py: who may do what (organisers, members, who manages a group).
- i18n.py, translator.py: catalogues and localised command names.
- ui.py, text.py: timestamps, embeds, replies; long texts split under Discord's limits,
  quotes of what members typed cut to excerpts.
- fit.py: Discord's limits on everything sent (content, embeds, components, forms,
  choices), applied once beneath discord.py's message builders.
- inputs.py: every command's options cleaned (invisible and control characters) and
  numbers held to their declared range, before any command runs.
- host.py: the bot as the kit and the features know it (bot.app.SipBot fills it in).
- forms.py, formwatch.py: modals that survive a restart; reactions.py: reaction batches;
  endorsements.py: 👍 on a forum post's first message, one per member, reconciled.
- forums.py: a forum and its posts found again from stored ids; a post's status tag.
- checkup.py: the checks features register for `/setup check`.
- limits.py: Discord's limits on a server's channels, roles and forum tags.
- events.py: the Discord scheduled events of sessions and meetings, found again, moved,
  cancelled.
- dates.py: dates as members type them; choices.py: shared autocompletes.
- jsonout.py: every JSON handed to people, ids written as strings (as Discord writes them).
- sheets.py: every tabular export as an .xlsx with typed columns and a formula-safe .csv.
- charts/: pictures beside the texts (matplotlib, loaded on the first chart, drawn in a
  worker thread within a time budget, Okabe–Ito colours on a light card, alt text).
- documents/: a report as one self-contained HTML file and a PDF, from sections.
- permissions.py, logs.py, firstrun.py: the bot's permissions, logging, the first run.
- metrics.py, watch.py: what the bot counts (one Prometheus registry per bot), and
  /healthz and /metrics over HTTP when SIPBOT_HTTP_PORT is set.
"""
