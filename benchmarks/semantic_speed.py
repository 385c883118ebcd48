"""What the optional semantic naming (workbench/nlp/semantic.py) costs: time per 1M words and install size.

Usage: <venv with the model package>/bin/python benchmarks/semantic_speed.py [--words 1000000]

The text is the one ``suggest_speed.py`` assembles (nothing downloaded). The cold-start suggester
is timed on it (analysis, then suggestions), then the same features are suggested again with the
embeddings on each document's top-ranked units: CPU time of this process (all its threads), once,
as vectors are cached per text; the model is loaded beforehand and its load timed apart. Install
size: the files, in site-packages, of the distributions the model package needs that the
workbench does not. On a loaded machine every figure is pessimistic.
"""

from __future__ import annotations

import argparse
import re
import time
from importlib import metadata
from pathlib import Path

from suggest_speed import assemble

from workbench.importers.sample_corpus import read_sample_corpus
from workbench.nlp import semantic
from workbench.nlp.codebook import profiles_from_specs
from workbench.nlp.pipeline import get_pipeline
from workbench.nlp.semantic import Semantic
from workbench.nlp.suggester import Suggester


def closure(name: str, seen: set[str] | None = None) -> set[str]:
    """The installed distributions ``name`` needs, itself included (extras left out)."""
    seen = set() if seen is None else seen
    key = re.sub(r"[-_.]+", "-", name).lower()
    if key in seen:
        return seen
    try:
        requires = metadata.requires(name) or []
    except metadata.PackageNotFoundError:
        return seen
    seen.add(key)
    for line in requires:
        if "extra ==" in line:
            continue
        closure(re.split(r"[ ;<>=!~\[(]", line, maxsplit=1)[0], seen)
    return seen


def megabytes(names: set[str]) -> float:
    total = 0
    for name in names:
        for file in metadata.distribution(name).files or []:
            path = Path(file.locate())
            total += path.stat().st_size if path.is_file() else 0
    return total / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    args = parser.parse_args()
    if not semantic.available():
        print(f"the optional model package ({semantic.PACKAGE}) is not installed in this environment")
        return
    extra = closure(semantic.PACKAGE.replace("_", "-")) - closure("realist-workbench")
    started = time.perf_counter()
    embed = semantic.load_embedder()
    loading = time.perf_counter() - started
    docs = assemble(args.words)
    words = sum(len(d.split()) for d in docs)
    cold = Suggester(get_pipeline(), profiles_from_specs(read_sample_corpus().codebook))
    with_semantic = cold.with_model(Semantic.build(embed, cold.index.codes))
    started = time.process_time()
    features = list(cold.analyse(docs))
    analysis = time.process_time() - started
    started = time.process_time()
    for f in features:
        cold.from_features(f)
    plain = time.process_time() - started
    started, wall = time.process_time(), time.perf_counter()
    for f in features:
        with_semantic.from_features(f)
    embedded, wall = time.process_time() - started, time.perf_counter() - wall
    scale = 1e6 / max(words, 1)
    print(f"{len(docs)} documents, {words} words; model load {loading:.1f} s (once per process)")
    print("| what | CPU s per 1M words |")
    print("| --- | ---: |")
    print(f"| analysis (pipeline + features) | {analysis * scale:.1f} |")
    print(f"| suggestions, BM25 naming only | {plain * scale:.1f} |")
    print(
        f"| suggestions with embeddings of the top {semantic.TOP_UNITS} units (wall {wall * scale:.1f}) | "
        f"{embedded * scale:.1f} |"
    )
    print(f"| whole: with embeddings / without | {(analysis + embedded) / (analysis + plain):.2f} |")
    print(f"install size of what the model package adds: {megabytes(extra):.0f} MB in site-packages")
    print("  " + ", ".join(sorted(extra)))


if __name__ == "__main__":
    main()
