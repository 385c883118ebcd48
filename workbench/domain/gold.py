"""The gold coding file: excerpts located by exact quote, and the configurations built on them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.domain.codebook import CodeKind
from workbench.domain.configurations import CodingMode, Element, ElementRole, check_elements
from workbench.domain.errors import Invalid


class GoldError(Invalid):
    """A gold coding file that does not hold together; the message says where."""


@dataclass(frozen=True)
class GoldExcerpt:
    """A coded excerpt, found in its study by its exact quote."""

    id: str
    study: str
    quote: str
    codes: tuple[str, ...]
    mode: CodingMode
    coder: str


@dataclass(frozen=True)
class GoldConfiguration:
    """A configuration with the gold excerpts that support it."""

    id: str
    statement: str
    context: str
    mechanisms: tuple[str, ...]
    outcomes: tuple[str, ...]
    nested: bool
    evidence: tuple[str, ...]

    def elements(self, kinds: dict[str, CodeKind]) -> list[Element]:
        """The configuration's codes in their roles, with each code's kind from the codebook."""
        pairs = [(ElementRole.CONTEXT, self.context)]
        pairs += [(ElementRole.MECHANISM, m) for m in self.mechanisms]
        pairs += [(ElementRole.OUTCOME, o) for o in self.outcomes]
        return [Element(role, code, kinds[code]) for role, code in pairs]


@dataclass(frozen=True)
class GoldCoding:
    """A whole gold coding file."""

    excerpts: tuple[GoldExcerpt, ...]
    configurations: tuple[GoldConfiguration, ...]


def parse_gold(data: Any, kinds: dict[str, CodeKind]) -> GoldCoding:
    """Validate a loaded gold file against the codebook (code name -> kind)."""
    if not isinstance(data, dict):
        raise GoldError("a gold coding file is a mapping with 'excerpts' and 'configurations'")
    excerpts = tuple(_excerpt(item, i, kinds) for i, item in enumerate(data.get("excerpts") or []))
    ids = [e.id for e in excerpts]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise GoldError(f"duplicate excerpt ids: {duplicates}")
    by_id = {e.id: e for e in excerpts}
    configurations = tuple(
        _configuration(item, i, kinds, by_id) for i, item in enumerate(data.get("configurations") or [])
    )
    return GoldCoding(excerpts, configurations)


def _excerpt(item: dict[str, Any], index: int, kinds: dict[str, CodeKind]) -> GoldExcerpt:
    where = f"excerpts[{index}] ({item.get('id')!r})"
    try:
        codes = tuple(item["codes"])
        excerpt = GoldExcerpt(
            str(item["id"]),
            str(item["study"]),
            str(item["quote"]),
            codes,
            CodingMode(item.get("mode", "inductive")),
            str(item.get("coder", "alice")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise GoldError(f"{where}: {exc}") from None
    unknown = [c for c in codes if c not in kinds]
    if unknown:
        raise GoldError(f"{where}: codes not in the codebook: {unknown}")
    return excerpt


def _configuration(
    item: dict[str, Any], index: int, kinds: dict[str, CodeKind], excerpts: dict[str, GoldExcerpt]
) -> GoldConfiguration:
    where = f"configurations[{index}] ({item.get('id')!r})"
    try:
        config = GoldConfiguration(
            str(item["id"]),
            str(item["statement"]),
            str(item["context"]),
            tuple(item["mechanisms"]),
            tuple(item["outcomes"]),
            bool(item.get("nested", False)),
            tuple(item["evidence"]),
        )
        check_elements(config.elements(kinds))
    except KeyError as exc:
        raise GoldError(f"{where}: missing or unknown {exc}") from None
    except ValueError as exc:
        raise GoldError(f"{where}: {exc}") from None
    missing = [e for e in config.evidence if e not in excerpts]
    if missing:
        raise GoldError(f"{where}: evidence names unknown excerpts {missing}")
    coded = {code for e in config.evidence for code in excerpts[e].codes}
    uncovered = [el.code for el in config.elements(kinds) if el.code not in coded]
    if uncovered:
        raise GoldError(f"{where}: no evidence excerpt is coded {uncovered}")
    return config
