"""Persistence: the tables (SQLAlchemy's declarative mapping), the engine, repositories and migrations."""
