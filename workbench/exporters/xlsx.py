"""A minimal XLSX writer: sheets of text and number cells, a bold frozen header, wrapped top-aligned cells.

Written as SpreadsheetML text directly (inline strings, two cell styles), several times faster than
openpyxl's per-cell objects on a table of thousands of rows; Excel, LibreOffice and openpyxl read it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from workbench.domain.safety import xml_text
from workbench.exporters.zipped import write_zip

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
BODY, HEADER = 1, 2  # the cellXfs indexes of STYLES
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/>\
<scheme val="minor"/></font><font><b val="1"/><sz val="11"/><name val="Calibri"/><family val="2"/>\
<scheme val="minor"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>\
<patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/>\
<diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>\
</cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" \
wrapText="1"/></xf><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" \
applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf></cellXfs><cellStyles count="1">\
<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""


@dataclass(frozen=True)
class Sheet:
    """One sheet: its name, column widths (characters), header row and body rows (text or numbers;
    text is written as it is, never read as a formula, so neutralise it beforehand if need be; what XML
    cannot hold is dropped, and ``& < >`` escaped, here)."""

    name: str
    widths: Sequence[float]
    header: Sequence[str]
    rows: Sequence[Sequence[str | int | float]]


def column_letter(index: int) -> str:
    """The spreadsheet name of the ``index``-th column, counted from 1: A, ..., Z, AA, AB, ..."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _cell(ref: str, value: str | int | float, style: int) -> str:
    if isinstance(value, str):
        if not value:
            return f'<c r="{ref}" s="{style}"/>'
        text = xml_text(value)
        return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if isinstance(value, float) and not math.isfinite(value):
        return _cell(ref, str(value), style)
    return f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>'


def _sheet_xml(sheet: Sheet) -> str:
    letters = [column_letter(i) for i in range(1, max(len(sheet.header), 1) + 1)]
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{width:.16g}" customWidth="1"/>'
        for i, width in enumerate(sheet.widths, start=1)
    )
    rows = []
    for number, (values, style) in enumerate(
        [(sheet.header, HEADER), *((row, BODY) for row in sheet.rows)], start=1
    ):
        cells = "".join(
            _cell(f"{letter}{number}", v, style) for letter, v in zip(letters, values, strict=False)
        )
        rows.append(f'<row r="{number}">{cells}</row>')
    view = (
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
        'state="frozen"/><selection pane="bottomLeft" activeCell="A1" sqref="A1"/></sheetView></sheetViews>'
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">{view}'
        f"{f'<cols>{cols}</cols>' if cols else ''}<sheetData>{''.join(rows)}</sheetData></worksheet>"
    )


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX file holding ``sheets`` in order (names must be valid and unique Excel sheet names)."""
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    entries = "".join(
        f'<sheet name={quoteattr(s.name)} sheetId="{i}" r:id="rId{i}"/>'
        for i, s in enumerate(sheets, start=1)
    )
    links = "".join(
        f'<Relationship Id="rId{i}" Type="{RELATIONS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    types = (
        f'{head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{overrides}</Types>"
    )
    parts = [
        ("[Content_Types].xml", types),
        (
            "_rels/.rels",
            f'{head}<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
            f'Type="{RELATIONS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        ),
        (
            "xl/workbook.xml",
            f'{head}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONS}"><sheets>{entries}</sheets></workbook>',
        ),
        (
            "xl/_rels/workbook.xml.rels",
            f'{head}<Relationships xmlns="{PACKAGE}">{links}<Relationship Id="rId{len(sheets) + 1}" '
            f'Type="{RELATIONS}/styles" Target="styles.xml"/></Relationships>',
        ),
        ("xl/styles.xml", STYLES),
        *((f"xl/worksheets/sheet{i}.xml", _sheet_xml(sheet)) for i, sheet in enumerate(sheets, start=1)),
    ]
    return write_zip([(name, text.encode("utf-8")) for name, text in parts])
