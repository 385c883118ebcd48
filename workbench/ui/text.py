"""Show user and document text through Markdown without it being read as Markdown."""

from __future__ import annotations

import re

_MARKUP = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&])")


def plain(text: str) -> str:
    """``text`` with every Markdown-significant character escaped, for st.markdown, captions and alerts."""
    return _MARKUP.sub(r"\\\1", text)
