"""plotly figures of configurations (filled by a later issue)."""
