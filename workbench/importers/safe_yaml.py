"""YAML loading that a hostile file cannot blow up: no aliases or anchors, bounded size, nodes and depth."""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import Node

MAX_YAML_BYTES = 5 * 1024 * 1024
MAX_YAML_NODES = 200_000
MAX_YAML_DEPTH = 50


class YamlRefused(yaml.YAMLError):
    """A YAML text refused before anything was built from it; ``str(error)`` says why."""


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and anchors (the "billion laughs" expansion needs them) and
    counts nodes and nesting while composing, i.e. before any Python object is constructed."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.nodes = 0
        self.depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line = f"line {event.start_mark.line + 1}" if event.start_mark else "somewhere"
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlRefused(f"YAML anchors and aliases (& and *) are not allowed ({line})")
        self.nodes += 1
        if self.nodes > MAX_YAML_NODES:
            raise YamlRefused(f"the YAML holds more than {MAX_YAML_NODES} values")
        self.depth += 1
        try:
            if self.depth > MAX_YAML_DEPTH:
                raise YamlRefused(f"the YAML is nested more than {MAX_YAML_DEPTH} levels deep ({line})")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def load_yaml(text: str | bytes) -> Any:
    """The data of a YAML text (bytes are read as UTF-8); raises YamlRefused or yaml.YAMLError."""
    size = len(text.encode("utf-8")) if isinstance(text, str) else len(text)
    if size > MAX_YAML_BYTES:
        raise YamlRefused(f"the YAML file is {size} bytes; the limit is {MAX_YAML_BYTES}")
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
