"""Read the sample corpus folder: studies, references, characteristics, codebook and gold coding."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.domain.codebook import CodeKind, CodeSpec, iter_codes, parse_codebook
from workbench.domain.gold import GoldCoding, parse_gold
from workbench.domain.matching import match_reference
from workbench.domain.studies import Reference
from workbench.importers.characteristics import parse_characteristics
from workbench.importers.errors import ImportProblem
from workbench.importers.references import parse_ris
from workbench.importers.safe_yaml import load_yaml
from workbench.importers.text import MEDIA_TYPES, extract_file
from workbench.importers.text_types import ExtractedText

SAMPLE_CORPUS = Path(__file__).resolve().parents[2] / "sample_corpus"


@dataclass
class CorpusStudy:
    """One study file of the corpus with its matched reference and characteristics."""

    key: str
    filename: str
    extracted: ExtractedText
    reference: Reference
    characteristics: dict[str, Any]


@dataclass
class SampleCorpus:
    """Everything the demo project is loaded from."""

    codebook: list[CodeSpec]
    studies: list[CorpusStudy]
    gold: GoldCoding


def read_yaml(path: Path) -> Any:
    """Load a YAML file safely (no arbitrary objects, aliases or unbounded nesting: see safe_yaml)."""
    return load_yaml(path.read_bytes())


def code_kinds(codebook: list[CodeSpec]) -> dict[str, CodeKind]:
    """Code name -> kind; the gold file refers to codes by name, so names must be unique."""
    kinds: dict[str, CodeKind] = {}
    for _parents, code in iter_codes(codebook):
        if code.name in kinds:
            raise ImportProblem("codebook.yaml", f"code name {code.name!r} is used twice")
        kinds[code.name] = code.kind
    return kinds


def read_sample_corpus(folder: Path = SAMPLE_CORPUS) -> SampleCorpus:
    """Read and cross-check the corpus; raises ImportProblem naming the file at fault."""
    codebook = parse_codebook(read_yaml(folder / "codebook.yaml"))
    gold = parse_gold(read_yaml(folder / "gold_coding.yaml"), code_kinds(codebook))
    ris = parse_ris((folder / "references.ris").read_text(encoding="utf-8"))
    if ris.problems:
        raise ImportProblem("references.ris", "; ".join(ris.problems))
    characteristics = parse_characteristics((folder / "characteristics.csv").read_text("utf-8"))
    studies = []
    for path in sorted((folder / "studies").iterdir()):
        if path.suffix.lower() not in MEDIA_TYPES:
            continue
        extracted = extract_file(path)
        found = match_reference(extracted.text[:3000], ris.references)
        if found is None:
            raise ImportProblem(path.name, "no reference in references.ris matches its DOI or title")
        studies.append(
            CorpusStudy(path.stem, path.name, extracted, found[0], characteristics.get(path.stem, {}))
        )
    return SampleCorpus(codebook, studies, gold)
