"""sipbot: the application.

One package per feature, the same file names in each (see Layout in the README):
`rules.py` pure rules (no discord, no storage), `service.py` the use cases, `posts.py` /
`views.py` / `forms.py` what it shows in Discord, `jobs.py` its handlers of scheduled
work (bot/kit/work.py), `objects.py` the Discord objects it creates, `files.py` what it
attaches. `bot/kit/` holds what features share; `app.py` and
`services.py` are the wiring; `cli/` the command line (`__main__.py` calls it).
"""
