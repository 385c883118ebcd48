"""Page scripts routed by app.py."""
