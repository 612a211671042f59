"""What is stored about a member, for them to read (`/privacy export`) or to forget.

files.py: the export's JSON file, in the member's language, the rows themselves beside it,
ids as strings; sections.py: how each table's rows are told (what each record is about).
Commands in cogs/privacy.py; what is gathered and what forgetting does, table by table,
in storage/privacy.py.
"""
