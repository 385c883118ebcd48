"""Pure domain model: spans, codebook rules, configurations. No Streamlit, SQLAlchemy or spaCy here."""
