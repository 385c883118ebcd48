"""Build the suggestion pipeline: blank English from ``models/suggester/config.cfg``, or an
installed English pipeline named by ``WORKBENCH_SPACY_MODEL`` with the rule components added."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import spacy
from spacy.language import Language
from thinc.api import Config

from workbench.nlp.components import KeepText  # importing it registers the factories

MODEL_ENV = "WORKBENCH_SPACY_MODEL"
SUGGESTER_DIR = Path(__file__).resolve().parents[2] / "models" / "suggester"
RULES_VERSION = "1"
MAX_LENGTH = 20_000_000
OUR_COMPONENTS = ("realist_sentences", "realist_lemmatizer", "realist_quotes", "realist_cues")

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
