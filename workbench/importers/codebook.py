"""Read and write the codebook YAML format (files and uploads), with errors that say what is wrong."""

from __future__ import annotations

import yaml

from workbench.domain.codebook import CodebookError, CodeSpec, dump_codebook, parse_codebook
from workbench.domain.text_rules import code_name_problem
from workbench.importers.safe_yaml import YamlRefused, load_yaml


def read_codebook(data: str | bytes) -> list[CodeSpec]:
    """Code specs from the text (or bytes, UTF-8) of a codebook file; raises CodebookError."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CodebookError("the codebook file is not UTF-8 text") from None
    try:
        loaded = load_yaml(data)
    except YamlRefused as exc:
        raise CodebookError(f"the codebook was refused: {exc}") from None
    except yaml.YAMLError as exc:
        mark, problem = getattr(exc, "problem_mark", None), getattr(exc, "problem", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise CodebookError(
            f"the codebook is not valid YAML{where}{': ' + problem if problem else ''}"
        ) from None
    specs = parse_codebook(loaded)
    _check_names(specs)
    return specs


def _check_names(specs: list[CodeSpec] | tuple[CodeSpec, ...]) -> None:
    """Refuse names the store cannot hold (too long, control characters), before anything is written."""
    for spec in specs:
        problem = code_name_problem(spec.name)
        if problem:
            raise CodebookError(problem)
        _check_names(spec.children)


def write_codebook(codes: list[CodeSpec]) -> str:
    """The YAML text of a codebook, in the format of ``sample_corpus/codebook.yaml``."""
    return yaml.safe_dump(dump_codebook(codes), sort_keys=False, allow_unicode=True, width=100)
