"""The cycle report for the board.

files.py: the Markdown report and the participation CSV. Commands in cogs/report.py;
what it reads in storage/report.py.
"""
