"""Build the suggestion pipeline: blank English from ``models/suggester/config.cfg``, or an
installed English pipeline named by ``WORKBENCH_SPACY_MODEL`` with the rule components added."""

from __future__ import annotations

import os
import re
import threading
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import Config

from workbench.nlp.components import TEXT_KEY, KeepText  # importing it registers the factories
from workbench.nlp.features import UNITS_KEY, unit_inputs
from workbench.nlp.forked import parallel_token_arrays, spare_cpus, start_units, token_arrays

MODEL_ENV = "WORKBENCH_SPACY_MODEL"
SUGGESTER_DIR = Path(__file__).resolve().parents[2] / "models" / "suggester"
RULES_VERSION = "1"
MAX_LENGTH = 20_000_000
CHUNK_CHARS = 500_000
"""Texts longer than this go through the pipeline in pieces cut at paragraph (else line, else word)
breaks, so no document meets spaCy's ``max_length`` and offsets stay exact (see ``pipe_texts``)."""
TOKENIZE_CHARS = 5_000
"""With rule components only, long texts are tokenised in pieces of at most this many characters:
spaCy's tokenizer takes longer per word the longer the string, about 1.6x as long in pieces of 50,000
characters as in pieces of 5,000 (CPU time, 1M words of ``benchmarks/suggest_speed.py``; smaller
pieces gain nothing more)."""
FORK_CHARS = 1_000_000
"""A text this long is worth a child process tokenising about half of it (see ``pipe_texts``)."""
_BREAKS = (re.compile(r"\n[ \t\r]*\n(?=\S)"), re.compile(r"\n(?=\S)"), re.compile(r"\s(?=\S)"))
"""Where a piece may end: at the end of a run of white space (a piece ending inside one, say between
two of three line breaks, is tokenised differently from the whole text)."""
OUR_COMPONENTS = ("realist_sentences", "realist_lemmatizer", "realist_quotes", "realist_cues")
UNIT_COMPONENTS = ("realist_sentences", "realist_quotes")
"""What a doc's units are cut from (``features.doc_units``): its sentence starts and quotations. These
components read only the text and its tokens, and no other component reads what they set, so on a
forked long text they run first and a child cuts the units while the others run (``pipe_texts``)."""

_lock = threading.Lock()
_loaded: dict[str, Language] = {}


def _config(folder: Path) -> Config:
    config = Config().from_disk(folder / "config.cfg")
    cues = config["components"]["realist_cues"]
    cues["cues_file"] = str(folder / cues["cues_file"])
    return config


def _initialize(nlp: Language) -> Language:
    """Initialise only the workbench's components (a trained pipeline keeps its own weights)."""
    nlp.tokenizer = KeepText(nlp.tokenizer)
    for name in OUR_COMPONENTS:
        if name in nlp.pipe_names:
            component = nlp.get_pipe(name)
            if hasattr(component, "initialize"):
                component.initialize(lambda: [], nlp=nlp)
    return nlp


def blank_pipeline(folder: Path = SUGGESTER_DIR) -> Language:
    """spaCy's blank English with sentence, lemma, quotation and cue rules (no downloads)."""
    nlp = spacy.util.load_model_from_config(_config(folder), auto_fill=True, validate=True)
    nlp.meta["name"] = "suggester"
    nlp.max_length = MAX_LENGTH  # no parser here, so long documents cost no more than short ones
    return _initialize(nlp)


def installed_pipeline(name: str, folder: Path = SUGGESTER_DIR) -> Language:
    """An installed pipeline (package name or path) with the rule components added around it."""
    nlp = spacy.load(name, exclude=["ner", "entity_ruler", "entity_linker"])
    config = _config(folder)["components"]
    segmented = bool({"parser", "senter", "sentencizer"} & set(nlp.pipe_names))
    nlp.add_pipe("realist_sentences", first=True, config={"paragraphs_only": segmented})
    if "lemmatizer" not in nlp.pipe_names:
        nlp.add_pipe("realist_lemmatizer")
    nlp.add_pipe("realist_quotes", config={"min_words": config["realist_quotes"]["min_words"]})
    nlp.add_pipe("realist_cues", config={"cues_file": config["realist_cues"]["cues_file"]})
    return _initialize(nlp)


def requested_model() -> str:
    """The installed pipeline ``WORKBENCH_SPACY_MODEL`` asks for, or "" for the blank default."""
    return os.environ.get(MODEL_ENV, "").strip()


def get_pipeline() -> Language:
    """The process's suggestion pipeline, built once per requested model."""
    name = requested_model()
    with _lock:
        if name not in _loaded:
            _loaded[name] = installed_pipeline(name) if name else blank_pipeline()
        return _loaded[name]


def pipeline_name(nlp: Language) -> str:
    """How the UI and the stored models name a pipeline, e.g. "en_core_web_sm 3.8.0 + rules 1"."""
    meta = nlp.meta
    if meta.get("name") == "suggester":
        return f"blank English (spacy.blank('en')) + rules {RULES_VERSION}"
    name = f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')} {meta.get('version', '')}"
    return f"{name} + rules {RULES_VERSION}"


def chunk_bounds(text: str, size: int) -> list[tuple[int, int]]:
    """``[start, end)`` pieces of at most ``size`` characters covering the text, cut after the last
    paragraph break in each piece (else line break, else space; else exactly at ``size``) that ends a
    run of white space, so the pieces' tokens are those of the whole text."""
    bounds, start = [], 0
    while len(text) - start > size:
        end = start + size
        for pattern in _BREAKS:
            last = deque(pattern.finditer(text, start + size // 2, end), maxlen=1)
            if last:
                end = last[0].end()
                break
        bounds.append((start, end))
        start = end
    bounds.append((start, len(text)))
    return bounds


def rules_only(nlp: Language) -> bool:
    """Whether every component is one of the workbench's array rules (cost linear in the text)."""
    return set(nlp.pipe_names) <= set(OUR_COMPONENTS)


def pipe_texts(
    nlp: Language,
    texts: Iterable[str],
    batch_size: int = 16,
    size: int = CHUNK_CHARS,
    processes: int = 1,
) -> Iterator[Doc]:
    """One processed Doc per text, as ``nlp.pipe`` gives, for texts of any length, with character
    offsets unchanged. With rule components only, a text longer than ``TOKENIZE_CHARS`` (or ``size``)
    is tokenised in pieces (see ``chunk_bounds``) whose tokens are joined into one Doc that the
    components then process whole; a pipeline with statistical components processes each piece of
    ``size`` characters and the Docs are joined after (``Doc.from_docs``, which walks every token
    in Python). With ``processes`` of 2 or more (for a command, never inside a threaded server: it
    forks), a text of at least ``FORK_CHARS`` has every other run of pieces tokenised in a child
    process meanwhile, when the machine has a spare CPU (``forked.parallel_token_arrays``), and its
    units cut by another child while the lemmas and cues are found (``with_units_forked``); the Doc is
    the same."""
    size = min(size, nlp.max_length)
    if rules_only(nlp):
        piece = min(size, TOKENIZE_CHARS)
        if processes > 1 and spare_cpus() and set(UNIT_COMPONENTS) <= set(nlp.pipe_names):
            for text in texts:
                if len(text) >= FORK_CHARS:
                    yield with_units_forked(nlp, tokenized(nlp, text, piece, processes))
                else:
                    yield from nlp.pipe([tokenized(nlp, text, piece) if len(text) > piece else text])
            return
        docs = (tokenized(nlp, text, piece, processes) if len(text) > piece else text for text in texts)
        yield from nlp.pipe(docs, batch_size=batch_size)
        return

    def pieces() -> Iterator[tuple[str, tuple[str, int, int]]]:
        for text in texts:
            bounds = chunk_bounds(text, size)
            for number, (start, end) in enumerate(bounds):
                yield text[start:end], (text, number, len(bounds))

    parts: list[Doc] = []
    for doc, (text, number, count) in nlp.pipe(pieces(), batch_size=batch_size, as_tuples=True):
        parts.append(doc)
        if number == count - 1:
            yield parts[0] if count == 1 else _joined(text, parts)
            parts = []


def with_units_forked(nlp: Language, doc: Doc) -> Doc:
    """Run the pipeline on a tokenised doc, the ``UNIT_COMPONENTS`` first, then two forked children cut
    the units, half the paragraphs each (``doc.user_data[UNITS_KEY]``: the function ``features.analyse``
    waits on), while the other components run."""
    first = [(name, proc) for name, proc in nlp.pipeline if name in UNIT_COMPONENTS]
    for _name, proc in first:
        doc = proc(doc)
    doc.user_data[UNITS_KEY] = start_units(*unit_inputs(doc))
    for name, proc in nlp.pipeline:
        if name not in UNIT_COMPONENTS:
            doc = proc(doc)
    return doc


def tokenized(nlp: Language, text: str, size: int, processes: int = 1) -> Doc:
    """The text tokenised piece by piece and the tokens joined into one unprocessed Doc, built from
    the pieces' word ids and trailing spaces (no Python loop over tokens); see ``pipe_texts`` for
    ``processes``."""
    bounds = chunk_bounds(text, size)
    if processes > 1 and len(text) >= FORK_CHARS and spare_cpus():
        words, spaces = parallel_token_arrays(nlp, text, bounds)
    else:
        words, spaces = token_arrays(nlp, text, bounds)
    doc = Doc(nlp.vocab, words=words.tolist(), spaces=spaces.tolist())
    doc.user_data[TEXT_KEY] = text
    return doc


def _joined(text: str, parts: list[Doc]) -> Doc:
    """The pieces as one Doc of ``text``, their quotations and cues moved to the whole's offsets."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # W101: doc-level extensions are merged below, by hand
        doc = Doc.from_docs(parts, ensure_whitespace=False)
    doc.user_data[TEXT_KEY] = text
    quotations, cues, chars, tokens = [], [], 0, 0
    for part in parts:
        for quotation in part._.realist_quotations or []:
            quotations.append(
                replace(
                    quotation,
                    start=quotation.start + chars,
                    end=quotation.end + chars,
                    attribution_end=quotation.attribution_end + chars if quotation.attribution_end else 0,
                )
            )
        found = part._.realist_cues
        if found is not None and len(found):
            cues.append(found + np.array([0, tokens, tokens], dtype=found.dtype))
        chars += len(part.user_data.get(TEXT_KEY, part.text))
        tokens += len(part)
    doc._.realist_quotations = quotations
    doc._.realist_cues = np.concatenate(cues) if cues else np.zeros((0, 3), dtype=np.int64)
    return doc
