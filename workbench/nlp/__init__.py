"""spaCy-based excerpt suggestion (filled by a later issue)."""
