"""Check that ``workbench suggest`` prints the same bytes before and after a change, on both evaluation
sets and on 1M words.

Usage: .venv/bin/python benchmarks/suggest_identical.py save DIR      (before a change)
       .venv/bin/python benchmarks/suggest_identical.py check DIR     (after it: exit 1 on any difference)
       .venv/bin/python benchmarks/suggest_identical.py compare OLD NEW
The last runs two copies of the project side by side (each a folder holding ``workbench/`` and
``models/``, put first on ``PYTHONPATH``), so that files others change meanwhile count in both.
--words N: the assembled text of ``suggest_speed.py`` (default 1,000,000; 0 skips it).

Each of the 21 studies (sample_corpus/studies and benchmarks/heldout_corpus/studies, each with its own
codebook) is run as JSON lines and as a table, and the long text as JSON lines, in a scratch folder
(so ``PYTHONPATH`` takes precedence over this checkout).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETS = (ROOT / "sample_corpus", ROOT / "benchmarks" / "heldout_corpus")
MAIN = "import sys; from workbench.cli import main; sys.exit(main(sys.argv[1:]))"


def cases(long_text: Path | None) -> list[tuple[str, Path, Path, tuple[str, ...]]]:
    """(output name, input file, codebook, extra options) of every run."""
    out = []
    for folder in SETS:
        for study in sorted((folder / "studies").iterdir()):
            for fmt in ("jsonl", "table"):
                out.append((f"{study.stem}.{fmt}", study, folder / "codebook.yaml", ("--format", fmt)))
    if long_text is not None:
        out.append(("long_text.jsonl", long_text, SETS[0] / "codebook.yaml", ()))
    return out


def run(path: Path, codebook: Path, options: tuple[str, ...], cwd: str, project: Path | None) -> bytes:
    env = dict(os.environ)
    if project is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(project), env.get("PYTHONPATH", "")]))
    argv = ["suggest", str(path), "--codebook", str(codebook), *options]
    return subprocess.run(
        [sys.executable, "-c", MAIN, *argv], check=True, capture_output=True, cwd=cwd, env=env
    ).stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["save", "check", "compare"])
    parser.add_argument("folder", type=Path, help="outputs (save, check), or the old project (compare)")
    parser.add_argument("new", type=Path, nargs="?", help="the new project (compare)")
    parser.add_argument("--words", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.action == "compare" and args.new is None:
        parser.error("compare needs the old and the new project folders")
    with tempfile.TemporaryDirectory() as scratch:
        long_text = None
        if args.words:
            sys.path.insert(0, str(ROOT / "benchmarks"))
            from suggest_speed import assemble

            long_text = Path(scratch) / "study_set.txt"
            long_text.write_text("\n\n".join(assemble(args.words)), encoding="utf-8")
        differ, runs = 0, cases(long_text)
        for name, path, codebook, options in runs:
            if args.action == "compare":
                old = run(path, codebook, options, scratch, args.folder)
                same = old == run(path, codebook, options, scratch, args.new)
            else:
                output = run(path, codebook, options, scratch, None)
                saved = args.folder / name
                if args.action == "save":
                    saved.parent.mkdir(parents=True, exist_ok=True)
                    saved.write_bytes(output)
                same = args.action == "save" or saved.read_bytes() == output
            if not same:
                differ += 1
                print(f"DIFFERS: {name}")
    print(f"{args.action}: {len(runs)} outputs, {differ} different")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
