"""sipbot: the application (entry point, Bot subclass, wiring, checks, i18n)."""
