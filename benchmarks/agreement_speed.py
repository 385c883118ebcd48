"""Print how long character-level agreement takes: counted from spans versus one value per character.

Usage: .venv/bin/python benchmarks/agreement_speed.py [DOCUMENTS]

Generates DOCUMENTS (default 5) documents of 100,000 characters, each coded by two coders with 40
codes (30 overlapping spans per code and coder), then times ``workbench.domain.agreement`` (interval
arithmetic) against expanding every character and calling scikit-learn's ``cohen_kappa_score`` and
``krippendorff.alpha`` for the same pooled pairs, and checks that both give the same figures.
"""

from __future__ import annotations

import random
import sys
import time

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score

from workbench.domain.agreement import Counts, character_counts

LENGTH, CODES, SPANS = 100_000, 40, 30
ALPHA_LIMIT = 4_000_000


def spans(rng: random.Random) -> list[tuple[int, int]]:
    out = []
    for _ in range(SPANS):
        start = rng.randrange(LENGTH)
        out.append((start, min(LENGTH, start + rng.randint(20, 800))))
    return out


def main(documents: int) -> None:
    rng = random.Random(12)
    coded = [[(spans(rng), spans(rng)) for _ in range(CODES)] for _ in range(documents)]
    units = documents * LENGTH * CODES
    began = time.perf_counter()
    total = sum((character_counts(LENGTH, a, b) for doc in coded for a, b in doc), Counts())
    kappa, alpha = total.kappa, total.alpha
    counted = time.perf_counter() - began
    began = time.perf_counter()
    values_a = np.zeros(units, dtype=np.int8)
    values_b = np.zeros(units, dtype=np.int8)
    for i, (a, b) in enumerate(pair for doc in coded for pair in doc):
        for target, found in ((values_a, a), (values_b, b)):
            for start, end in found:
                target[i * LENGTH + start : i * LENGTH + end] = 1
    expected_kappa = cohen_kappa_score(values_a, values_b)
    expected_alpha = None
    if units <= ALPHA_LIMIT:  # the library's coincidence matrix over every unit is slow beyond this
        expected_alpha = krippendorff.alpha(
            reliability_data=np.vstack([values_a, values_b]), level_of_measurement="nominal"
        )
    expanded = time.perf_counter() - began
    print(
        f"{documents} documents x {LENGTH:,} characters x {CODES} codes = {units:,} (code, character) units"
    )
    print(f"counted from spans: {counted * 1000:8.1f} ms  kappa {kappa:.6f}  alpha {alpha:.6f}")
    shown_alpha = "skipped (too many units)" if expected_alpha is None else f"{expected_alpha:.6f}"
    print(f"expanded + libraries: {expanded * 1000:6.1f} ms  kappa {expected_kappa:.6f}  alpha {shown_alpha}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
