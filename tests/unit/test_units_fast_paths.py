"""The whole-text shortcuts of the sentence splitter give what a scan of each sentence would."""

from __future__ import annotations

import random

import numpy as np

from workbench.importers.sample_corpus import read_sample_corpus
from workbench.nlp.scoring import choose_codes, merge_units
from workbench.nlp.units import _REFERENCE_HINT, _Marks, looks_like_reference, reference_hints

EDGES = "See https://doi.org/10.1/x and www.example.org; 12(3):45; HTTP://A wwww. doi.org/ 2019 ١٢"


def windows(text: str, count: int, seed: int = 3) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    out = [(0, len(text))]
    for _ in range(count):
        start = rng.randrange(len(text))
        out.append((start, min(len(text), start + rng.choice([1, 3, 8, 40, 400]))))
    return out


def test_reference_hints_found_once_per_text_match_a_scan_of_every_window():
    texts = [EDGES, *(s.extracted.text for s in read_sample_corpus().studies[:4])]
    for text in texts:
        marks = _Marks.of(text)
        for start, end in windows(text, 3000):
            assert marks.hint_in(start, end) == (_REFERENCE_HINT.search(text[start:end]) is not None)


def test_a_line_without_a_reference_hint_is_never_a_reference_entry():
    corpus = read_sample_corpus()
    for study in corpus.studies:
        for line in study.extracted.text.splitlines():
            if _REFERENCE_HINT.search(line) is None:
                assert not looks_like_reference(line)


def test_quotation_marks_found_once_per_text_are_those_inside_each_window():
    text = 'He said "yes" and “no, not now” then "well'
    marks = _Marks.of(text)
    for start, end in windows(text, 500):
        assert marks.quotes_in(start, end) == [i for i in range(start, end) if text[i] in '"“”']


def test_codes_are_chosen_best_of_each_kind_first_then_best_others():
    fits = np.array([[0.9, 0.2, 0.8, 0.7], [0.1, 0.6, 0.05, 0.3]])
    kinds = np.array(["context", "context", "mechanism", "outcome"])
    assert choose_codes(fits, kinds, 3, 0.25) == [[0, 2, 3], [1, 3]]


def test_sentences_of_one_quotation_and_linked_sentences_merge_but_headings_do_not():
    quote = np.array([-1, 0, 0, -1, -1, -1])
    paragraph = np.array([0, 1, 1, 2, 2, 2])
    link = np.array([0.0, 0.0, 0.0, 0.0, 1.0, 1.0])
    heading = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 1.0])
    starts, ends = np.arange(6) * 10, np.arange(6) * 10 + 9
    assert merge_units(quote, paragraph, link, heading, starts, ends) == [[0], [1, 2], [3, 4], [5]]


def test_reference_hints_found_in_lower_case_are_the_case_insensitive_pattern_s_matches():
    texts = [EDGES, EDGES.upper(), *(s.extracted.text for s in read_sample_corpus().studies[:4])]
    # letters the pattern matches case-insensitively that lower case does not give, or gives longer
    texts += [EDGES + " WWW.İ HTTPſ:// doİ.org/ ", "Dı doi.org/ İ 4", "ſ https://x 5"]
    for text in texts:
        assert reference_hints(text) == [m.span() for m in _REFERENCE_HINT.finditer(text)]
