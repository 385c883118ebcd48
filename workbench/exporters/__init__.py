"""Adapters that write tables, figures and REFI-QDA files (filled by later issues)."""
