"""The Coding page's parts: the desk (study, reader and panel), its commands, suggestions in the reader."""
