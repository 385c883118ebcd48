"""Adapters that suggest excerpts and codes with spaCy: the pipeline, per-unit features, rule scores, a
project's learned model and the ranking that explains each suggestion."""
