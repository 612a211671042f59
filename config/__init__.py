"""Settings and shipped data files (default offices, cycle template)."""
