"""Adapters that write the publication tables (DOCX, XLSX, CSV, Markdown, LaTeX) and the zip bundle,
each making cell text inert for its format."""
