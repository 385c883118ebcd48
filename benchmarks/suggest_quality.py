"""How well suggestions find the gold coding of the sample corpus, on studies held out from tuning.

Usage: .venv/bin/python benchmarks/suggest_quality.py [--split test|dev]

Systems: a naive baseline (every sentence with a cue word, most cues first), the cold-start
pipeline (rules and codebook only), and the pipeline trained on the other studies' gold coding.
A gold excerpt is *found* by a suggestion that covers at least half of the excerpt's characters
(``workbench.domain.suggestions.finds``). recall@k: gold excerpts found by one of a study's first
k suggestions, pooled over the evaluated studies; precision@k: the share of those first k
suggestions that find a gold excerpt; top-code accuracy per kind: for each found gold excerpt with
a code of that kind, whether the top code of that kind of the best-ranked suggestion finding it is
one of the excerpt's codes.

``--split test`` (default) evaluates on five studies never used while the rules were written or
tuned (s03, s07, s09, s11, s13; one of each file type), with the trained pipeline fitted on the
other eight. ``--split dev`` is what tuning used: leave-one-study-out over those eight.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator

import numpy as np

from workbench.domain.spans import locate_quote
from workbench.domain.suggestions import SpanSuggestion
from workbench.importers.sample_corpus import SampleCorpus, code_kinds, read_sample_corpus
from workbench.nlp.codebook import profiles_from_specs
from workbench.nlp.cues import CATEGORIES
from workbench.nlp.evaluation import GoldSpan, gold_span, precision_at, recall_at, top_code_hits
from workbench.nlp.features import DocFeatures
from workbench.nlp.pipeline import get_pipeline, pipeline_name
from workbench.nlp.suggester import Suggester
from workbench.nlp.training import TrainingDoc, train

TEST = (
    "s03_early_intervention",
    "s07_student_wellbeing",
    "s09_veterans_ptsd",
    "s11_hiv_navigators",
    "s13_breastfeeding",
)
KS = (10, 20, 50)
KINDS = ("context", "mechanism", "outcome")


def gold_of(corpus: SampleCorpus) -> dict[str, list[tuple[int, int, tuple[str, ...]]]]:
    """Each study's gold excerpts as ``(start, end, codes)``."""
    texts = {s.key: s.extracted.text for s in corpus.studies}
    out: dict[str, list[tuple[int, int, tuple[str, ...]]]] = {key: [] for key in texts}
    for item in corpus.gold.excerpts:
        span = locate_quote(texts[item.study], item.quote)[0]
        out[item.study].append((span.start, span.end, item.codes))
    return out


def baseline(features: DocFeatures) -> list[SpanSuggestion]:
    """Every unit holding a cue word (methods wording aside), most cues first, then in text order."""
    cues = features.cue_counts[:, [i for i, c in enumerate(CATEGORIES) if c != "method"]].sum(axis=1)
    order = [int(i) for i in np.argsort(-cues, kind="stable") if cues[i] > 0]
    units = features.units
    return [
        SpanSuggestion(
            units[i].start,
            units[i].end,
            features.text[units[i].start : units[i].end],
            float(cues[i] / (cues[i] + 1)),
            {},
            (),
            (),
        )
        for i in order
    ]


def folds(corpus: SampleCorpus, split: str) -> Iterator[tuple[list[str], list[str]]]:
    """(studies to train on, studies to evaluate) pairs."""
    keys = sorted(s.key for s in corpus.studies)
    if split == "test":
        yield [k for k in keys if k not in TEST], list(TEST)
        return
    dev = [k for k in keys if k not in TEST]
    for held in dev:
        yield [k for k in dev if k != held], [held]


def evaluate(split: str) -> None:
    corpus = read_sample_corpus()
    kinds = code_kinds(corpus.codebook)
    gold = gold_of(corpus)
    texts = {s.key: s.extracted.text for s in corpus.studies}
    nlp = get_pipeline()
    cold = Suggester(nlp, profiles_from_specs(corpus.codebook))
    features = dict(zip(texts, cold.analyse(texts.values()), strict=True))
    results: dict[str, dict[str, list[int]]] = {}
    seconds: list[float] = []
    for training, evaluated in folds(corpus, split):
        docs = [TrainingDoc(k, texts[k], tuple(gold[k])) for k in training]
        started = time.perf_counter()
        trained = cold.with_model(train(cold, docs, {c: k.value for c, k in kinds.items()}).model)
        seconds.append(time.perf_counter() - started)
        for key in evaluated:
            spans = [gold_span(s, e, [(c, kinds[c].value) for c in codes]) for s, e, codes in gold[key]]
            systems = {
                "baseline (cue-word sentences)": baseline(features[key]),
                "cold start (rules + codebook)": cold.from_features(features[key]),
                "trained on the other studies": trained.from_features(features[key]),
            }
            for name, suggestions in systems.items():
                _add(results.setdefault(name, {}), suggestions, spans)
    _print(split, nlp, results, seconds, sum(len(e) for _t, e in folds(corpus, split)))


def _add(totals: dict[str, list[int]], suggestions: list[SpanSuggestion], gold: list[GoldSpan]) -> None:
    pairs = {f"R@{k}": recall_at(suggestions, gold, k) for k in KS}
    pairs |= {f"P@{k}": precision_at(suggestions, gold, k) for k in KS}
    pairs |= {f"top {kind}": hits for kind, hits in top_code_hits(suggestions, gold).items()}
    for column, (hit, total) in pairs.items():
        got = totals.setdefault(column, [0, 0])
        got[0] += hit
        got[1] += total


def _print(
    split: str, nlp: object, results: dict[str, dict[str, list[int]]], seconds: list[float], studies: int
) -> None:
    from spacy.language import Language

    assert isinstance(nlp, Language)
    columns = [f"R@{k}" for k in KS] + [f"P@{k}" for k in KS] + [f"top {kind}" for kind in KINDS]
    print(f"split: {split} ({studies} evaluated studies), pipeline: {pipeline_name(nlp)}")
    print(f"| system | {' | '.join(columns)} |")
    print(f"| --- |{' ---: |' * len(columns)}")
    for name, totals in results.items():
        cells = [f"{hit / total:.3f}" if total else "-" for hit, total in (totals[c] for c in columns)]
        print(f"| {name} | {' | '.join(cells)} |")
    gold = results[next(iter(results))]["R@10"][1]
    print(f"gold excerpts evaluated: {gold}; training took {np.mean(seconds):.2f} s per fold")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["test", "dev"], default="test")
    evaluate(parser.parse_args().split)


if __name__ == "__main__":
    main()
