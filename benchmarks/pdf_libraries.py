"""Compare PDF text libraries for fidelity and speed on generated test PDFs and the sample corpus.

Usage: .venv/bin/python benchmarks/pdf_libraries.py [--repeat N] [--pymupdf-python /tmp/venv/bin/python]

pypdf and pdfplumber are measured in this interpreter, each with its plain text call, and so is the
workbench's own ``extract_pdf`` (pdfplumber plus the reading-order and clean-up rules). PyMuPDF is
AGPL, so it is never a project dependency: it is measured only as a reference, and only when the
Python of a throwaway venv that has it is given (run in a subprocess, this file as its worker).

Fidelity, on text with every whitespace run collapsed to one space:
- sentences: share of the ground-truth sentences found verbatim;
- column order: share of pairs of consecutive lines of the two-column pages found one right after
  the other (a column read to its end, then the next);
- hyphen joins: share of words broken by a hyphen at a line end found whole, with their neighbours;
- ligatures: share of words drawn with ligature characters (ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ) found in plain letters;
- running lines left: how many of the running headers and footers drawn are still in the text.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import itertools
import json
import random
import re
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "sample_corpus"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
MARGIN, LINE_H = 20.0, 5.5
HEADER = "Journal of Peer Support Studies 2024; 12: 101-118"

SUBJECTS = ["Peer workers", "Mentors", "Participants", "Group members", "Volunteers", "Service users",
            "Facilitators", "Veterans", "Students", "Mothers", "Navigators", "Leaders"]  # fmt: skip
VERBS = ["described", "valued", "questioned", "recalled", "emphasised", "contrasted", "explained",
         "welcomed", "doubted", "reported", "appreciated", "criticised"]  # fmt: skip
OBJECTS = ["shared experience", "informal contact", "practical encouragement", "a sense of belonging",
           "mutual understanding", "hope for recovery", "trust in relationships", "regular meetings",
           "flexible support", "honest conversations", "peer-led groups", "self-management skills",
           "long-term friendships", "community-based activities", "recovery-oriented practice"]  # fmt: skip
TAILS = ["during the first months", "after discharge from hospital", "when other services failed",
         "in the weekly group", "at home and in the community", "throughout the intervention period",
         "despite considerable organisational difficulties", "alongside professional treatment"]  # fmt: skip
LIGATURE_WORDS = ["first", "confidence", "flexible", "efficient", "difficult", "office", "affect",
                  "baffled", "reflection", "benefit", "conflict", "effort", "staff", "sufficient",
                  "official", "shuffled", "trust", "most"]  # fmt: skip
LIGATURE_FORMS = [("ffi", "ﬃ"), ("ffl", "ﬄ"), ("ff", "ﬀ"), ("fi", "ﬁ"), ("fl", "ﬂ"),
                  ("ust", "uﬅ"), ("st", "ﬆ")]  # fmt: skip


@dataclass
class Doc:
    """A test PDF and what a faithful extraction of it must contain."""

    name: str
    path: Path
    sentences: list[str]
    line_pairs: list[tuple[str, str]] = field(default_factory=list)
    breaks: list[str] = field(default_factory=list)
    ligature_words: list[str] = field(default_factory=list)
    running: list[str] = field(default_factory=list)
    pages: int = 0


def sentences(count: int, seed: int, extra: list[str] | None = None) -> list[str]:
    """Unique, plausible sentences; ``extra`` words are worked in one per sentence when given."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        obj = rng.choice(OBJECTS) if not extra else f"{extra[i % len(extra)]} {rng.choice(OBJECTS)}"
        out.append(f"{rng.choice(SUBJECTS)} in cohort {seed * 1000 + i} {rng.choice(VERBS)} {obj} "
                   f"{rng.choice(TAILS)}.")  # fmt: skip
    return out


def new_pdf(font: str = "Helvetica") -> Any:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    if font == "DejaVu":
        pdf.add_font("DejaVu", "", str(DEJAVU))
    pdf.set_font(font, size=11)
    return pdf


def wrap(pdf: Any, text: str, width: float, hyphenate: bool = False) -> tuple[list[str], list[int]]:
    """Lines no wider than ``width`` (mm); with ``hyphenate``, long words are broken with a hyphen.

    Returns the lines and the index (among the words of ``text``) of each word broken.
    """
    tokens, lines, broken, line = text.split(), [], [], ""
    for i, token in enumerate(tokens):
        candidate = f"{line} {token}".strip()
        if pdf.get_string_width(candidate) <= width:
            line = candidate
            continue
        head, tail = split_word(pdf, line, token, width) if hyphenate else ("", token)
        if head:
            line = f"{line} {head}".strip()
            broken.append(i)
        lines.append(line)
        line = tail
    return [*lines, line] if line else lines, broken


def unique_window(tokens: list[str], i: int) -> str:
    """The shortest run of words around ``tokens[i]`` that occurs once in the text."""
    whole = " ".join(tokens)
    for k in range(1, 8):
        window = " ".join(tokens[max(0, i - k) : i + k + 1])
        if whole.count(window) == 1:
            return window
    return window


def split_word(pdf: Any, line: str, word: str, width: float) -> tuple[str, str]:
    """The longest head of ``word`` (with its hyphen) that still fits after ``line``; at least 3+3."""
    if "-" in word and pdf.get_string_width(f"{line} {word.split('-')[0]}-") <= width:
        first, rest = word.split("-", 1)
        return f"{first}-", rest
    letters = word.rstrip(".,;")
    for cut in range(len(letters) - 3, 2, -1):
        head = f"{word[:cut]}-"
        if word[:cut].isalpha() and pdf.get_string_width(f"{line} {head}") <= width:
            return head, word[cut:]
    return "", word


def write_lines(pdf: Any, lines: list[str], x: float = MARGIN) -> None:
    for line in lines:
        if pdf.get_y() > 297 - MARGIN - LINE_H:
            pdf.add_page()
        pdf.set_x(x)
        pdf.cell(0, LINE_H, line, new_x="LMARGIN", new_y="NEXT")


def single_column(folder: Path) -> Doc:
    pdf, truth = new_pdf(), sentences(300, 1)
    pdf.add_page()
    for start in range(0, len(truth), 6):
        pdf.multi_cell(0, LINE_H, " ".join(truth[start : start + 6]), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return save(pdf, Doc("single column", folder / "single.pdf", truth))


def two_column(folder: Path, by_rows: bool) -> Doc:
    pdf, truth = new_pdf(), sentences(120, 2 + by_rows)
    col_w, gutter, per_col = 80.0, 10.0, 42
    lines: list[str] = []
    for start in range(0, len(truth), 5):
        lines += [*wrap(pdf, " ".join(truth[start : start + 5]), col_w)[0], ""]
    name = "two columns, drawn row by row" if by_rows else "two columns, drawn column by column"
    doc = Doc(name, folder / f"two_column_{'rows' if by_rows else 'columns'}.pdf", truth)
    written = [line for line in lines if line]
    doc.line_pairs = [(a, b) for a, b in itertools.pairwise(written) if len(f"{a} {b}".split()) >= 6]
    for page_start in range(0, len(lines), 2 * per_col):
        pdf.add_page()
        pdf.text(MARGIN, MARGIN - 5, f"{name.capitalize()}: a full-width running title across both columns")
        chunk = lines[page_start : page_start + 2 * per_col]
        left, right = chunk[:per_col], chunk[per_col:]
        cells = [(0, i, t) for i, t in enumerate(left)] + [(1, i, t) for i, t in enumerate(right)]
        for column, row, text in sorted(cells, key=lambda c: (c[1], c[0])) if by_rows else cells:
            pdf.text(MARGIN + column * (col_w + gutter), MARGIN + 5 + row * LINE_H, text)
    return save(pdf, doc)


def hyphenated(folder: Path) -> Doc:
    pdf, truth = new_pdf(), sentences(90, 4)
    doc = Doc("hyphenated line ends", folder / "hyphenated.pdf", truth)
    tokens: list[str] = []
    broken_at: list[int] = []
    pdf.add_page()
    for start in range(0, len(truth), 5):
        paragraph = " ".join(truth[start : start + 5])
        lines, broken = wrap(pdf, paragraph, 95, hyphenate=True)
        broken_at += [len(tokens) + i for i in broken]
        tokens += paragraph.split()
        write_lines(pdf, [*lines, ""])
    doc.breaks = [unique_window(tokens, i) for i in broken_at]
    return save(pdf, doc)


def ligatures(folder: Path) -> Doc:
    pdf, truth = new_pdf("DejaVu"), sentences(80, 5, LIGATURE_WORDS)
    doc = Doc("ligatures", folder / "ligatures.pdf", truth)
    words = [LIGATURE_WORDS[i % len(LIGATURE_WORDS)] for i in range(len(truth))]
    doc.ligature_words = [re.search(rf"\S+ {w} \S+", s).group() for w, s in zip(words, truth, strict=True)]
    pdf.add_page()
    for start in range(0, len(truth), 5):
        text = " ".join(truth[start : start + 5])
        for plain, ligature in LIGATURE_FORMS:
            text = text.replace(plain, ligature)
        pdf.multi_cell(0, LINE_H, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return save(pdf, doc)


def running_lines(folder: Path) -> Doc:
    from fpdf import FPDF

    class Journal(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", size=8)
            self.cell(0, 6, HEADER, align="C", new_x="LMARGIN", new_y="NEXT")
            self.ln(4)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf, truth = Journal(format="A4"), sentences(240, 6)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_page()
    for start in range(0, len(truth), 6):
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, LINE_H, " ".join(truth[start : start + 6]), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    doc = save(pdf, Doc("running header and footer", folder / "running.pdf", truth))
    doc.running = [re.escape(HEADER)] + [rf"Page {n} of {doc.pages}" for n in range(1, doc.pages + 1)]
    return doc


def save(pdf: Any, doc: Doc) -> Doc:
    pdf.output(str(doc.path))
    doc.pages = pdf.pages_count
    return doc


def corpus_docs() -> list[Doc]:
    """The sample corpus PDFs; ground truth: the sentences of their Markdown sources."""
    from pypdf import PdfReader

    docs = []
    for path in sorted((CORPUS / "studies").glob("*.pdf")):
        source = (CORPUS / "sources" / f"{path.stem}.md").read_text(encoding="utf-8")
        blocks = [" ".join(b.split()) for b in source.split("\n\n") if b.strip()]
        paragraphs = [b for b in blocks if not b.startswith("#")]
        truth = [s for b in paragraphs for s in re.split(r'(?<=[.!?])["”]?\s+(?=[A-Z"“])', b)]
        docs.append(Doc(f"corpus {path.stem}", path, truth, pages=len(PdfReader(path).pages)))
    return docs


def run_pypdf(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(path).pages]


def run_pypdf_layout(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text(extraction_mode="layout") or "" for page in PdfReader(path).pages]


def run_pdfplumber(path: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def run_workbench(path: Path) -> list[str]:
    from workbench.importers.pdf import extract_pdf

    result = extract_pdf(path.name, path.read_bytes())
    bounds = [*result.page_starts, len(result.text)]
    return [result.text[a:b] for a, b in itertools.pairwise(bounds)]


def run_pymupdf(path: Path) -> list[str]:
    import pymupdf  # only ever imported in the throwaway venv's worker process

    with pymupdf.open(path) as document:
        return [page.get_text() for page in document]


def timed(run: Callable[[Path], list[str]], paths: list[Path], repeat: int) -> tuple[float, dict[str, Any]]:
    """The best time of ``repeat`` runs over all files, and the texts of the last run."""
    best, texts = float("inf"), {}
    for _ in range(repeat):
        started = time.perf_counter()
        texts = {path.name: run(path) for path in paths}
        best = min(best, time.perf_counter() - started)
    return best, texts


def pymupdf_worker(folder: Path, repeat: int) -> None:
    """In the throwaway venv: extract every PDF of ``folder`` and print seconds and texts as JSON."""
    paths = sorted(folder.glob("*.pdf"))
    seconds, texts = timed(run_pymupdf, paths, repeat)
    version = importlib.metadata.version("pymupdf")
    print(json.dumps({"seconds": seconds, "texts": texts, "version": version}))


def flat(text: str) -> str:
    return " ".join(text.split())


def found(text: str, probes: list[str]) -> tuple[int, int]:
    return sum(flat(p) in text for p in probes), len(probes)


def score(doc: Doc, pages: list[str]) -> dict[str, tuple[int, int]]:
    text = flat(" ".join(pages))
    scores = {"sentences": found(text, doc.sentences)}
    if doc.line_pairs:
        scores["column order"] = found(text, [f"{a} {b}" for a, b in doc.line_pairs])
    if doc.breaks:
        scores["hyphen joins"] = found(text, doc.breaks)
    if doc.ligature_words:
        scores["ligatures"] = found(text, doc.ligature_words)
    if doc.running:
        left = sum(len(re.findall(pattern, text)) for pattern in doc.running)
        scores["running lines left"] = (left, doc.pages * 2)
    return scores


def add(total: dict[str, tuple[int, int]], scores: dict[str, tuple[int, int]]) -> None:
    for key, (hit, out_of) in scores.items():
        before = total.get(key, (0, 0))
        total[key] = (before[0] + hit, before[1] + out_of)


def report(results: dict[str, tuple[float, dict[str, Any]]], docs: list[Doc]) -> None:
    pages = sum(doc.pages for doc in docs)
    names = list(results)
    print(f"\nSentences found, per document ({pages} pages in all):")
    print(f"{'document':38}" + "".join(f"{n:>24}" for n in names))
    for doc in docs:
        cells = []
        for name in names:
            hit, out_of = score(doc, results[name][1][doc.path.name])["sentences"]
            cells.append(f"{hit}/{out_of} ({hit / out_of:.0%})")
        print(f"{doc.name + f' ({doc.pages} p.)':38}" + "".join(f"{c:>24}" for c in cells))
    print(f"\nSummary (pages/s: the best of the runs over all {pages} pages):")
    keys = ["sentences", "column order", "hyphen joins", "ligatures", "running lines left"]
    print(f"{'library':24}{'pages/s':>9}" + "".join(f"{k:>20}" for k in keys))
    for name in names:
        seconds, texts = results[name]
        total: dict[str, tuple[int, int]] = {}
        for doc in docs:
            add(total, score(doc, texts[doc.path.name]))
        cells = [f"{total[k][0]}/{total[k][1]} ({total[k][0] / total[k][1]:.0%})" for k in keys]
        print(f"{name:24}{pages / seconds:9.1f}" + "".join(f"{c:>20}" for c in cells))


def measure_pymupdf(python: str, folder: Path, docs: list[Doc], repeat: int) -> tuple[float, dict[str, Any]]:
    """Run this file as a worker under the throwaway venv's Python, on copies of every test PDF."""
    for doc in docs:
        if doc.path.parent != folder:
            (folder / doc.path.name).write_bytes(doc.path.read_bytes())
    command = [python, __file__, "--worker", str(folder), "--repeat", str(repeat)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=600)
    answer = json.loads(done.stdout)
    print(f"PyMuPDF {answer['version']} (reference only, in {python})")
    return answer["seconds"], answer["texts"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per library; the best time counts")
    parser.add_argument("--pymupdf-python", help="Python of a throwaway venv with PyMuPDF (reference only)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        pymupdf_worker(Path(args.worker), args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        docs = [single_column(folder), two_column(folder, False), two_column(folder, True),
                hyphenated(folder), ligatures(folder), running_lines(folder), *corpus_docs()]  # fmt: skip
        paths = [doc.path for doc in docs]
        packages = ("pypdf", "pdfplumber", "pdfminer.six")
        print(", ".join(f"{name} {importlib.metadata.version(name)}" for name in packages))
        runners = {"pypdf": run_pypdf, "pypdf (layout mode)": run_pypdf_layout,
                   "pdfplumber": run_pdfplumber, "workbench (pdfplumber)": run_workbench}  # fmt: skip
        results = {name: timed(run, paths, args.repeat) for name, run in runners.items()}
        if args.pymupdf_python:
            results["PyMuPDF (reference)"] = measure_pymupdf(args.pymupdf_python, folder, docs, args.repeat)
        report(results, docs)
    if not args.pymupdf_python:
        print("\nPyMuPDF: skipped (AGPL, reference only; pass --pymupdf-python /tmp/<venv>/bin/python)")


if __name__ == "__main__":
    main()
