"""Custom Streamlit components (inline HTML, CSS and JavaScript; no build step)."""
