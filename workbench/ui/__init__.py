"""Streamlit pages and the small helpers they share."""
