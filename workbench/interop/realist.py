"""The realist layer in REFI-QDA terms: code kinds and CMOCs as Sets, Links and Notes, both ways.

No other tool has kinds or configurations, so they are spelled in what every tool keeps:

- **Kinds**: one ``Set`` per kind, named ``Contexts``, ``Mechanisms`` and ``Outcomes`` (see
  :data:`KIND_SETS`), each with a ``MemberCode`` per code of that kind. A code in none of them is
  ``other`` (no "Other" Set is written: ``other`` is also what any foreign code starts as).
- **A configuration** labelled ``L`` (e.g. "CMOC 3") is
  - a ``Set`` named ``L`` whose ``Description`` is the configuration statement, whose ``MemberCode``
    entries are its codes (contexts, then mechanisms, then outcomes, each in the configuration's
    order) and whose ``MemberNote`` entries are, first, the configuration Note and then, when there
    is one, the status-note Note;
  - ``OneWay`` ``Link``s named ``"L: context -> mechanism"`` (from every context code to every
    mechanism code) and ``"L: mechanism -> outcome"`` (every mechanism to every outcome). A code's
    role in ``L`` is read from these Links (a configuration always has all three roles, so a Set is a
    configuration exactly when a Link named ``"<its name>: context -> mechanism"`` exists);
  - the configuration ``Note`` named ``"L: configuration"`` (``creatingUser`` = who made it): its
    plain text starts with the machine lines ``Status: <proposed|supported|revised|refuted>`` and
    ``Nested: <yes|no>``, then spells the statement and the C/M/O code names out for people;
  - the status-note ``Note`` named ``"L: status note"``: its text is the status note exactly;
  - evidence: a ``OneWay`` ``Link`` named ``"L: evidence for <role>"`` from a ``Coding``'s GUID (the
    supporting coding, in its source's selection) to the element's code GUID;
  - status evidence (codings cited when revised or refuted): a ``OneWay`` ``Link`` named
    ``"L: status evidence"`` from the ``Coding`` GUID to the configuration Note's GUID;
  - memos about the configuration: ``NoteRef``s on its first ``"L: context -> mechanism"`` Link.
- **A chain** from configuration ``A`` to ``B``: a ``OneWay`` ``Link`` named ``"A -> B"`` from A's Set
  GUID to B's Set GUID, with a ``NoteRef`` to a Note holding the chain's note when it has one.

:func:`encode` builds these and :func:`decode` reads them back from a :class:`QdaProject`, so our own
export re-imported gives the same kinds and configurations. GUIDs made here are UUID 5 of their
parts: the same project exports the same GUIDs.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from workbench.interop.model import QdaLink, QdaNote, QdaProject, QdaSet, guid_key

KIND_SETS = {"context": "Contexts", "mechanism": "Mechanisms", "outcome": "Outcomes"}
ROLES = ("context", "mechanism", "outcome")
STATUSES = ("proposed", "supported", "revised", "refuted")
_NAMESPACE = uuid.UUID("6f1c2a52-8d3e-4c1b-9a57-2b7f0e5d4c31")


def stable_guid(*parts: object) -> str:
    """A GUID that is the same every time for the same parts (UUID 5)."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(str(p) for p in parts)))


@dataclass(frozen=True)
class RealistConfiguration:
    """A CMOC in exchange terms: code GUIDs per role, evidence as Coding GUIDs."""

    guid: str  # the configuration Set's GUID
    label: str
    statement: str
    contexts: tuple[str, ...]
    mechanisms: tuple[str, ...]
    outcomes: tuple[str, ...]
    status: str = "proposed"
    status_note: str = ""
    nested: bool = False
    user_guid: str | None = None  # who made it
    evidence: tuple[tuple[str, str], ...] = ()  # (code GUID, Coding GUID)
    status_evidence: tuple[str, ...] = ()  # Coding GUIDs
    note_guids: tuple[str, ...] = ()  # memos about the configuration

    def role_of(self, code_guid: str) -> str | None:
        """The role a code plays here, if it is one of the configuration's codes."""
        key = guid_key(code_guid)
        for role, guids in zip(ROLES, (self.contexts, self.mechanisms, self.outcomes), strict=True):
            if key in {guid_key(g) for g in guids}:
                return role
        return None


@dataclass(frozen=True)
class RealistChain:
    """One configuration leading to another, by label."""

    origin: str
    target: str
    note: str = ""


@dataclass(frozen=True)
class RealistLayer:
    """Code kinds (by normalised code GUID; absent = other), configurations and chains."""

    kinds: Mapping[str, str] = field(default_factory=dict)
    configurations: tuple[RealistConfiguration, ...] = ()
    chains: tuple[RealistChain, ...] = ()


def kind_sets(kinds: Mapping[str, str], order: list[str]) -> list[QdaSet]:
    """The Contexts/Mechanisms/Outcomes Sets of codes (``order``: code GUIDs in codebook order)."""
    sets = []
    for kind, name in KIND_SETS.items():
        members = tuple(g for g in order if kinds.get(g) == kind)
        if members:
            description = f"Realist workbench: the codes of kind {kind}"
            sets.append(QdaSet(stable_guid("kind-set", kind), name, description, members))
    return sets


def decode_kinds(sets: tuple[QdaSet, ...] | list[QdaSet]) -> dict[str, str]:
    """Code kinds from Sets named Contexts/Mechanisms/Outcomes (normalised GUID -> kind)."""
    by_name = {name: kind for kind, name in KIND_SETS.items()}
    kinds: dict[str, str] = {}
    for qda_set in sets:
        kind = by_name.get(qda_set.name.strip())
        if kind is not None:
            for member in qda_set.member_codes:
                kinds.setdefault(guid_key(member), kind)
    return kinds


def _config_text(config: RealistConfiguration, names: Mapping[str, str]) -> str:
    lines = [f"Status: {config.status}", f"Nested: {'yes' if config.nested else 'no'}"]
    lines.append(f"{config.label}: {config.statement}")
    for role, guids in zip(ROLES, (config.contexts, config.mechanisms, config.outcomes), strict=True):
        lines.extend(f"{role.capitalize()}: {names.get(g, g)}" for g in guids)
    return "\n".join(lines)


def encode(
    layer: RealistLayer, code_order: list[str], names: Mapping[str, str]
) -> tuple[list[QdaSet], list[QdaLink], list[QdaNote]]:
    """The Sets, Links and Notes that carry ``layer`` (``names``: code GUID -> name, for people)."""
    sets = kind_sets(layer.kinds, code_order)
    links: list[QdaLink] = []
    notes: list[QdaNote] = []
    set_guids: dict[str, str] = {}
    for config in layer.configurations:
        label = config.label
        text = _config_text(config, names)
        note = QdaNote(stable_guid(config.guid, "note"), f"{label}: configuration", text, config.user_guid)
        member_notes = [note.guid]
        notes.append(note)
        if config.status_note:
            status_guid = stable_guid(config.guid, "status note")
            notes.append(QdaNote(status_guid, f"{label}: status note", config.status_note, config.user_guid))
            member_notes.append(status_guid)
        codes = config.contexts + config.mechanisms + config.outcomes
        sets.append(QdaSet(config.guid, label, config.statement, codes, (), tuple(member_notes)))
        set_guids[label] = config.guid
        pairs = [("context", "mechanism", c, m) for c in config.contexts for m in config.mechanisms]
        pairs += [("mechanism", "outcome", m, o) for m in config.mechanisms for o in config.outcomes]
        for index, (a, b, origin, target) in enumerate(pairs):
            name = f"{label}: {a} -> {b}"
            memos = config.note_guids if index == 0 else ()
            links.append(
                QdaLink(stable_guid(config.guid, name, origin, target), name, origin, target, "OneWay", memos)
            )
        for code_guid, coding_guid in config.evidence:
            name = f"{label}: evidence for {config.role_of(code_guid) or 'context'}"
            links.append(
                QdaLink(
                    stable_guid(config.guid, coding_guid, code_guid), name, coding_guid, code_guid, "OneWay"
                )
            )
        for coding_guid in config.status_evidence:
            name = f"{label}: status evidence"
            links.append(
                QdaLink(
                    stable_guid(config.guid, "status", coding_guid), name, coding_guid, note.guid, "OneWay"
                )
            )
    for chain in layer.chains:
        if chain.origin not in set_guids or chain.target not in set_guids:
            continue
        origin, target = set_guids[chain.origin], set_guids[chain.target]
        chain_notes: tuple[str, ...] = ()
        if chain.note:
            chain_note = QdaNote(
                stable_guid("chain note", origin, target), f"{chain.origin} -> {chain.target}", chain.note
            )
            notes.append(chain_note)
            chain_notes = (chain_note.guid,)
        name = f"{chain.origin} -> {chain.target}"
        links.append(
            QdaLink(stable_guid("chain", origin, target), name, origin, target, "OneWay", chain_notes)
        )
    return sets, links, notes


def _machine_lines(text: str) -> tuple[str, bool]:
    status, nested = "proposed", False
    for line in text.splitlines()[:2]:
        key, _, value = line.partition(":")
        if key.strip() == "Status" and value.strip() in STATUSES:
            status = value.strip()
        elif key.strip() == "Nested":
            nested = value.strip().lower() == "yes"
    return status, nested


def decode(project: QdaProject) -> RealistLayer:
    """Kinds, configurations and chains written by :func:`encode` (anything else is left alone)."""
    notes = {guid_key(n.guid): n for n in project.notes}
    links_by_name: dict[str, list[QdaLink]] = {}
    for link in project.links:
        links_by_name.setdefault(link.name, []).append(link)
    configurations = []
    set_labels: dict[str, str] = {}
    for qda_set in project.sets:
        label = qda_set.name
        first = links_by_name.get(f"{label}: context -> mechanism", [])
        if not first:
            continue
        set_labels[guid_key(qda_set.guid)] = label
        roles: dict[str, str] = {}
        for a, b in (("context", "mechanism"), ("mechanism", "outcome")):
            for link in links_by_name.get(f"{label}: {a} -> {b}", []):
                roles.setdefault(guid_key(link.origin_guid), a)
                roles.setdefault(guid_key(link.target_guid), b)
        members = [g for g in qda_set.member_codes if guid_key(g) in roles]
        by_role = {role: tuple(g for g in members if roles[guid_key(g)] == role) for role in ROLES}
        attached = [notes[guid_key(g)] for g in qda_set.member_notes if guid_key(g) in notes]
        config_note = next((n for n in attached if n.name == f"{label}: configuration"), None)
        status_note = next((n for n in attached if n.name == f"{label}: status note"), None)
        status, nested = _machine_lines(config_note.text) if config_note else ("proposed", False)
        evidence = tuple(
            (link.target_guid, link.origin_guid)
            for role in ROLES
            for link in links_by_name.get(f"{label}: evidence for {role}", [])
        )
        status_evidence = tuple(
            link.origin_guid for link in links_by_name.get(f"{label}: status evidence", [])
        )
        memo_guids = tuple(dict.fromkeys(g for link in first for g in link.note_guids))
        configurations.append(
            RealistConfiguration(
                qda_set.guid, label, qda_set.description, by_role["context"], by_role["mechanism"],
                by_role["outcome"], status, status_note.text if status_note else "", nested,
                config_note.user_guid if config_note else None, evidence, status_evidence, memo_guids,
            )
        )  # fmt: skip
    chains = []
    for link in project.links:
        origin, target = (
            set_labels.get(guid_key(link.origin_guid)),
            set_labels.get(guid_key(link.target_guid)),
        )
        if origin is not None and target is not None and link.name == f"{origin} -> {target}":
            chain_notes = [notes[guid_key(g)].text for g in link.note_guids if guid_key(g) in notes]
            chains.append(RealistChain(origin, target, chain_notes[0] if chain_notes else ""))
    return RealistLayer(decode_kinds(project.sets), tuple(configurations), tuple(chains))


def layer_note_guids(project: QdaProject) -> set[str]:
    """Normalised GUIDs of the Notes that carry the realist layer (not memos: an importer skips them)."""
    layer = decode(project)
    labels = {c.label for c in layer.configurations}
    by_guid = {guid_key(s.guid): s for s in project.sets}
    found = {guid_key(g) for c in layer.configurations for g in by_guid[guid_key(c.guid)].member_notes}
    chain_names = {f"{ch.origin} -> {ch.target}" for ch in layer.chains}
    for link in project.links:
        if link.name in chain_names and any(link.name.startswith(f"{label} -> ") for label in labels):
            found.update(guid_key(g) for g in link.note_guids)
    return found
