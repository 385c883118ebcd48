"""The reader component's HTML, CSS and JavaScript (plain files beside this module, no build step)."""

from pathlib import Path

_HERE = Path(__file__).resolve().parent

HTML = (_HERE / "reader.html").read_text(encoding="utf-8")
CSS = (_HERE / "reader.css").read_text(encoding="utf-8")
JS = (_HERE / "reader.js").read_text(encoding="utf-8")
