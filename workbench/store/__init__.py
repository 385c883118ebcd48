"""Persistence: SQLAlchemy 2 schema, engine setup and queries that never commit."""
