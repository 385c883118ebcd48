"""Adapters that write tables, figures and REFI-QDA files."""
