"""One cog per feature: parse input, call domain and storage, talk to Discord, reply."""
