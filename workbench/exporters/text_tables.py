"""Publication tables as CSV, Markdown and LaTeX (booktabs), each with its own escaping.

CSV cells and header names that a spreadsheet would run as formulas get an apostrophe; Markdown cells
have HTML (``<script>``), pipes, and Markdown punctuation escaped; LaTeX cells have every special
character (``& % $ # _ { } ~ ^ \\``) escaped, so a quote can never run a command, and brackets
braced (``{[}``), so a row starting "[She] never judged me" is not read as the optional length of the
previous row's ``\\\\``.
"""

from __future__ import annotations

import csv
import io
import re

from workbench.domain.safety import neutralise_formula
from workbench.domain.tables import Cell, Table, text

_LATEX = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    # "\\ [x]" would read "[x]" as the row's optional skip: a braced bracket is just a bracket
    "[": "{[}",
    "]": "{]}",
}
_LATEX_PATTERN = re.compile("|".join(re.escape(k) for k in _LATEX))
_LATEX_TABLE = str.maketrans(_LATEX)
# Markdown: HTML's & < > as entities, then each punctuation mark that Markdown reads backslash-escaped
_MARKDOWN = {"&": "&amp;", "<": "&lt;", ">": "&gt;", **{c: "\\" + c for c in "\\`*_[]#|!"}}
_MARKDOWN_PATTERN = re.compile("|".join(re.escape(k) for k in _MARKDOWN))
_MARKDOWN_TABLE = str.maketrans(_MARKDOWN)


def latex_escape(value: Cell) -> str:
    """Text safe inside a LaTeX document: special characters escaped, line breaks as spaces."""
    flat = " ".join(text(value).split())
    return flat if _LATEX_PATTERN.search(flat) is None else flat.translate(_LATEX_TABLE)


def markdown_escape(value: Cell) -> str:
    """Text safe in a Markdown table cell: no raw HTML, no pipes, no emphasis or links."""
    flat = " ".join(text(value).split())
    return flat if _MARKDOWN_PATTERN.search(flat) is None else flat.translate(_MARKDOWN_TABLE)


def to_csv(table: Table) -> bytes:
    """CSV (UTF-8 with a byte order mark, so spreadsheets read accents), formulas neutralised in the
    header and every cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise_formula(name) for name in table.columns])
    for row in table.rows:
        writer.writerow([neutralise_formula(text(cell)) for cell in row])
    return out.getvalue().encode("utf-8-sig")


def to_markdown(table: Table) -> bytes:
    """A Markdown (GitHub) pipe table under the table's title, with its note below."""
    lines = [f"**{markdown_escape(table.title)}**", ""]
    lines.append("| " + " | ".join(markdown_escape(c) for c in table.columns) + " |")
    lines.append("|" + "|".join(" --- " for _ in table.columns) + "|")
    for row in table.rows:
        lines.append("| " + " | ".join(markdown_escape(cell) for cell in row) + " |")
    if table.note:
        lines += ["", f"*{markdown_escape(table.note)}*"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _column_spec(table: Table, text_width: float) -> str:
    total = sum(table.weights) or 1.0
    usable = text_width - 0.02 * len(table.columns)
    return "".join(f"p{{{usable * w / total:.3f}\\textwidth}}" for w in table.weights)


def to_latex(table: Table) -> bytes:
    """A ``longtable`` with booktabs rules (needs ``\\usepackage{booktabs,longtable}``);
    wide tables are wrapped in ``landscape`` (``\\usepackage{pdflscape}``)."""
    header = " & ".join(rf"\textbf{{{latex_escape(c)}}}" for c in table.columns) + r" \\"
    body = [" & ".join(latex_escape(cell) for cell in row) + r" \\" for row in table.rows]
    lines = [
        f"% {table.title}: needs \\usepackage{{booktabs,longtable}}" + (", pdflscape" if table.wide else ""),
        r"\begin{landscape}" if table.wide else "",
        r"{\footnotesize",
        rf"\begin{{longtable}}{{{_column_spec(table, 1.0)}}}",
        rf"\caption{{{latex_escape(table.title)}}}\label{{tab:{table.name}}} \\",
        r"\toprule", header, r"\midrule", r"\endfirsthead",
        r"\toprule", header, r"\midrule", r"\endhead",
        r"\bottomrule", r"\endfoot",
        *body,
        r"\end{longtable}}",
        rf"\par\footnotesize {latex_escape(table.note)}" if table.note else "",
        r"\end{landscape}" if table.wide else "",
    ]  # fmt: skip
    return ("\n".join(line for line in lines if line) + "\n").encode("utf-8")
