"""What the features share, and nothing feature-specific.

- clock.py: the one clock (tests move it); scheduler.py: APScheduler as an alarm clock.
- errors.py: how failures become messages; user_error.py: UserError (pure).
- checks.py, access.py: who may do what (organisers, members, who manages a group).
- i18n.py, translator.py: catalogues and localised command names.
- ui.py, text.py: timestamps, embeds, replies; long texts split under Discord's limits.
- forms.py: modals that survive a restart; reactions.py: reaction batches.
- dates.py: dates as members type them; choices.py: shared autocompletes.
- permissions.py, logs.py, firstrun.py: the bot's permissions, logging, the first run.
"""
