"""Adapters that read study files, references and characteristics into domain values."""
