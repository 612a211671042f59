"""One cog per feature: the slash commands (options, checks), calling the feature's service in bot/<feature>/, and the reply."""
