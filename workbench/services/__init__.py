"""Use cases. Each function owns its transaction; the UI and the CLI call only these."""
