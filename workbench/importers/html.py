"""HTML full texts: visible text only, one paragraph per block element."""

from __future__ import annotations

from html.parser import HTMLParser

from workbench.importers.encoding import decode_text
from workbench.importers.text_types import ExtractedText

HTML_MEDIA_TYPE = "text/html"
_BLOCKS = {
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "section",
    "article",
    "blockquote",
    "pre",
    "table",
    "ul",
    "ol",
    "header",
    "footer",
    "title",
}
_SKIP = {"script", "style", "noscript", "template", "head"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.skipping = 0

    def _flush(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.append(data)


def extract_html(filename: str, data: bytes) -> ExtractedText:
    """The visible text of an HTML page, paragraphs separated by blank lines."""
    decoded = decode_text(filename, data)
    parser = _Text()
    parser.feed(decoded.text)
    parser.close()
    parser._flush()
    return ExtractedText("\n\n".join(parser.blocks), HTML_MEDIA_TYPE, warnings=decoded.warnings)
