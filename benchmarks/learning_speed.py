"""Time training and scoring of the learned suggestion model on the sample corpus.

Usage: .venv/bin/python benchmarks/learning_speed.py [--repeat 3] [--copies 1]

Training: ``workbench.nlp.training.train`` on the eight tuning studies' gold coding (reading them,
the held-out check and the final fit), as the Retrain button runs it; ``--copies N`` trains on N
copies of them, each its own study, to see how training grows with a project. Scoring: suggestions
for all thirteen studies from already-read features, with the trained model and with the rules
alone (the difference is what the model costs). Storage: the model's bytes, written and read back.
Each is run ``--repeat`` times and the best counts; wall-clock and CPU time of this process are
both shown (on a busy machine CPU time is the steadier figure). scikit-learn's import is timed
apart (training pays it once per process; scoring never imports it).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from workbench.domain.spans import locate_quote
from workbench.importers.sample_corpus import code_kinds, read_sample_corpus
from workbench.nlp.codebook import profiles_from_specs
from workbench.nlp.learning import LearnedModel
from workbench.nlp.pipeline import get_pipeline
from workbench.nlp.suggester import Suggester
from workbench.nlp.training import TrainingDoc, train

TEST = ("s03", "s07", "s09", "s11", "s13")  # studies never used for tuning (benchmarks/suggest_quality.py)


def best(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best wall-clock and best CPU seconds of ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--copies", type=int, default=1)
    args = parser.parse_args()
    repeat = args.repeat
    corpus = read_sample_corpus()
    kinds = {c: k.value for c, k in code_kinds(corpus.codebook).items()}
    texts = {s.key: s.extracted.text for s in corpus.studies}
    gold: dict[str, list[tuple[int, int, tuple[str, ...]]]] = {key: [] for key in texts}
    for item in corpus.gold.excerpts:
        span = locate_quote(texts[item.study], item.quote)[0]
        gold[item.study].append((span.start, span.end, tuple(item.codes)))
    cold = Suggester(get_pipeline(), profiles_from_specs(corpus.codebook))
    tuning = [k for k in sorted(texts) if not k.startswith(TEST)]
    docs = [TrainingDoc(f"{k}-{c}", texts[k], tuple(gold[k])) for c in range(args.copies) for k in tuning]
    features = list(cold.analyse(texts.values()))

    started = time.perf_counter()
    import sklearn.linear_model  # noqa: F401  (what the first training in a process pays)

    imported = time.perf_counter() - started
    model = train(cold, docs, kinds).model
    trained = cold.with_model(model)
    data = model.to_bytes()
    rows = [
        (
            f"train on {len(docs)} studies (read + held-out check + fit)",
            best(lambda: train(cold, docs, kinds), repeat),
        ),
        ("score 13 studies, rules alone", best(lambda: [cold.from_features(f) for f in features], repeat)),
        (
            "score 13 studies, with the model",
            best(lambda: [trained.from_features(f) for f in features], repeat),
        ),
        ("store and load the model (bytes)", best(lambda: LearnedModel.from_bytes(model.to_bytes()), repeat)),
    ]
    units = sum(f.size for f in features)
    print(f"{len(docs)} training studies, {units} units in all 13, model {len(data) / 1024:.0f} KiB")
    print("| step | wall s | CPU s |")
    print("| --- | ---: | ---: |")
    for name, (wall, cpu) in rows:
        print(f"| {name} | {wall:.3f} | {cpu:.3f} |")
    print(f"| import scikit-learn (first training in a process only) | {imported:.3f} | - |")


if __name__ == "__main__":
    main()
