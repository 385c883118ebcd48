"""``workbench suggest PATH --codebook CODEBOOK.yaml``: suggested excerpts of a file, no database."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from workbench.domain.codebook import CodebookError, parse_codebook
from workbench.domain.suggestions import SpanSuggestion
from workbench.importers.errors import ImportProblem
from workbench.importers.safe_yaml import YamlRefused
from workbench.importers.sample_corpus import read_yaml
from workbench.importers.text import extract_file

HELP = "suggest excerpts of a file to code, with scores, codes and reasons (no database)"
TABLE_TEXT = 70
TABLE_HEADER = f"{'#':>3} {'score':>5} {'C':>4} {'M':>4} {'O':>4} {'span':>13}  {'top code':30} text"
FORK_ROWS = 2000
"""With this many suggestions, a child process writes the later half of them meanwhile."""


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("--top must be at least 1")
    return number


def register(subparsers: Any) -> None:
    """Add the ``suggest`` command to the ``workbench`` parser's subcommands."""
    cmd = subparsers.add_parser("suggest", help=HELP, description=HELP + ".")
    cmd.add_argument(
        "path", metavar="PATH", help="a TXT, Markdown, DOCX or PDF file (read as `workbench import` does)"
    )
    cmd.add_argument("--codebook", metavar="CODEBOOK.yaml", required=True, help="the codebook YAML file")
    cmd.add_argument(
        "--top", metavar="N", type=_positive, default=None, help="print the N best (default: all)"
    )
    cmd.add_argument(
        "--format",
        choices=["jsonl", "table"],
        default="jsonl",
        help="one JSON object per line, best first (default), or a table",
    )
    cmd.set_defaults(func=cmd_suggest)


def cmd_suggest(args: argparse.Namespace) -> int:
    """Print the suggestions for one file."""
    from workbench.nlp.codebook import profiles_from_specs
    from workbench.nlp.forked import in_halves
    from workbench.nlp.pipeline import get_pipeline
    from workbench.nlp.suggester import Suggester

    path, codebook = Path(args.path), Path(args.codebook)
    if not path.is_file():
        raise ImportProblem(str(path), "no such file")
    if not codebook.is_file():
        raise CodebookError(f"{codebook}: no such codebook file")
    try:
        specs = parse_codebook(read_yaml(codebook))
    except YamlRefused as exc:
        raise CodebookError(f"{codebook.name}: the codebook was refused: {exc}") from None
    except yaml.YAMLError:
        raise CodebookError(f"{codebook}: the codebook is not valid YAML") from None
    extracted = extract_file(path)
    for warning in extracted.warnings:
        print(f"workbench: warning: {warning}", file=sys.stderr)
    suggester = Suggester(get_pipeline(), profiles_from_specs(specs), processes=2)  # a command may fork
    ranked = suggester.ranked(next(suggester.analyse([extracted.text])), args.top)
    render = _jsonl if args.format == "jsonl" else _table

    def lines(rows: range) -> bytes:
        return "".join(line + "\n" for line in render(ranked.build(rows), rows.start)).encode("utf-8")

    if args.format == "table":
        sys.stdout.buffer.write((TABLE_HEADER + "\n").encode("utf-8"))
    sys.stdout.buffer.write(in_halves(len(ranked), lines, parallel=len(ranked) >= FORK_ROWS))
    sys.stdout.flush()
    return 0


def _jsonl(suggestions: list[SpanSuggestion], first: int = 0) -> list[str]:
    return [json.dumps(s.to_json(), ensure_ascii=False) for s in suggestions]


def _table(suggestions: list[SpanSuggestion], first: int = 0) -> list[str]:
    """Table rows (without the header), ranks counted from ``first`` + 1."""
    lines = []
    for rank, s in enumerate(suggestions, start=first + 1):
        code = s.codes[0].code if s.codes else ""
        text = " ".join(s.text.split())
        text = text if len(text) <= TABLE_TEXT else text[: TABLE_TEXT - 1] + "…"
        c, m, o = (s.labels[k] for k in ("context", "mechanism", "outcome"))
        lines.append(
            f"{rank:>3} {s.score:5.2f} {c:4.2f} {m:4.2f} {o:4.2f} {f'[{s.start},{s.end})':>13}  "
            f"{code[:30]:30} {text}"
        )
    return lines
