"""Realist evidence synthesis workbench: code studies into context-mechanism-outcome configurations."""

__version__ = "0.1.0"
