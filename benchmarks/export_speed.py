"""Print the time to build the whole publication bundle: the demo project, and a generated large one.

Usage: .venv/bin/python benchmarks/export_speed.py [--studies 200] [--configurations 2000] [--keep DIR]
Each run uses fresh SQLite stores in a temporary folder; the generated project is written straight
through the store (codebook of the sample corpus, synthetic studies, excerpts, codings and
configurations with evidence). The bundle uses the default figure engine (see benchmarks/bundle_speed.py
for the stage-by-stage comparison with kaleido).
"""

from __future__ import annotations

import argparse
import io
import random
import tempfile
import time
import zipfile
from pathlib import Path

import yaml

from workbench.domain.codebook import CodeSpec, parse_codebook
from workbench.domain.configurations import CodingMode, ElementRole
from workbench.services import database, demo, projects, publication
from workbench.store.db import Store
from workbench.store.enums import CodingOrigin
from workbench.store.models import (
    Code,
    Coding,
    Configuration,
    ConfigurationElement,
    Document,
    ElementEvidence,
    Excerpt,
    Study,
    User,
)

CORPUS = Path(__file__).resolve().parents[1] / "sample_corpus"
USER = "benchmark"
SENTENCE = "The peer worker listened without judgement and the person began to speak about their fears. "


def fresh_store(folder: Path, name: str) -> Store:
    store = Store.open(f"sqlite:///{folder / name}")
    database.upgrade_database(store, backup=False)
    return store


def _codes(session, project_id: int) -> dict[str, list[Code]]:
    specs = parse_codebook(yaml.safe_load((CORPUS / "codebook.yaml").read_text(encoding="utf-8")))
    by_kind: dict[str, list[Code]] = {"context": [], "mechanism": [], "outcome": []}

    def add(spec: CodeSpec, parent: Code | None, position: int) -> None:
        code = Code(
            project_id=project_id,
            parent_id=parent.id if parent else None,
            name=spec.name,
            kind=spec.kind,
            colour=spec.colour or "#9e9e9e",
            position=position,
        )
        session.add(code)
        session.flush()
        if parent is not None and not spec.children and spec.kind.value in by_kind:
            by_kind[spec.kind.value].append(code)
        for i, child in enumerate(spec.children):
            add(child, code, i)

    for i, spec in enumerate(specs):
        add(spec, None, i)
    return by_kind


def _studies(session, project_id: int, n: int, rng: random.Random) -> list[tuple[Study, Document]]:
    out = []
    for i in range(n):
        study = Study(
            project_id=project_id,
            key=f"g{i:04d}",
            title=f"Generated study {i}",
            authors=[f"Author{i}, A.", "Second, B.", "Third, C."],
            year=2000 + i % 25,
            country=rng.choice(["United Kingdom", "Canada", "Kenya", "India"]),
            discipline=rng.choice(["mental health", "HIV", "diabetes"]),
            participants=10 + i % 40,
            method="semi-structured interviews",
        )
        session.add(study)
        session.flush()
        document = Document(
            study_id=study.id,
            text=SENTENCE * 60,
            source_filename=f"g{i}.txt",
            media_type="text/plain",
            sha256=f"{i:064d}",
            page_starts=[],
        )
        session.add(document)
        session.flush()
        out.append((study, document))
    return out


def generate(store: Store, studies: int, configurations: int, seed: int = 7) -> int:
    """A project of ``studies`` studies and ``configurations`` configurations; returns its id."""
    rng = random.Random(seed)
    project_id = projects.create_project(store, USER, "Generated review")
    with store.transaction() as session:
        user = session.query(User).filter_by(username=USER).one()
        codes = _codes(session, project_id)
        docs = _studies(session, project_id, studies, rng)
        per_code: dict[int, list[Coding]] = {}
        for _, document in docs:
            for k in range(30):
                start = k * len(SENTENCE)
                excerpt = Excerpt(
                    document_id=document.id,
                    start=start,
                    end=start + len(SENTENCE) - 1,
                    text=SENTENCE[:-1],
                    page=None,
                    created_by_id=user.id,
                )
                session.add(excerpt)
                session.flush()
                for kind in ("context", "mechanism", "outcome"):
                    code = rng.choice(codes[kind])
                    coding = Coding(
                        excerpt_id=excerpt.id,
                        code_id=code.id,
                        coder_id=user.id,
                        mode=CodingMode.INDUCTIVE,
                        origin=CodingOrigin.HUMAN,
                    )
                    session.add(coding)
                    per_code.setdefault(code.id, []).append(coding)
        session.flush()
        for n in range(configurations):
            config = Configuration(
                project_id=project_id,
                label=f"G{n:05d}",
                statement=f"Generated CMOC {n}.",
                created_by_id=user.id,
            )
            roles = [(ElementRole.CONTEXT, "context"), (ElementRole.MECHANISM, "mechanism")]
            roles.append((ElementRole.OUTCOME, "outcome"))
            for position, (role, kind) in enumerate(roles):
                code = rng.choice(codes[kind])
                element = ConfigurationElement(code_id=code.id, role=role, position=position)
                found = per_code.get(code.id, [])
                picked = rng.sample(found, min(len(found), rng.randint(2, 8)))
                element.evidence = [ElementEvidence(coding_id=c.id) for c in picked]
                config.elements.append(element)
            session.add(config)
        session.flush()
    return project_id


def timed_bundle(store: Store, project_id: int) -> tuple[float, bytes]:
    started = time.perf_counter()
    data = publication.bundle(store, USER, project_id)
    return time.perf_counter() - started, data


def report(label: str, seconds: float, data: bytes) -> None:
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    figures = sum(1 for n in names if n.startswith("figures/"))
    print(
        f"{label:42} {seconds:7.2f} s  {len(data) / 1e6:6.1f} MB  {len(names)} files ({figures} figure files)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--studies", type=int, default=200)
    parser.add_argument("--configurations", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="also save both bundles in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = fresh_store(Path(folder), "demo.db")
        project_id = demo.load_demo(store, USER).project_id
        publication.figure_files(store, USER, project_id, "svg", "Accepting")  # start the browser once
        seconds, data = timed_bundle(store, project_id)
        report("demo project (13 studies, 32 CMOCs)", seconds, data)
        big = fresh_store(Path(folder), "big.db")
        started = time.perf_counter()
        big_id = generate(big, args.studies, args.configurations)
        print(f"{'generating the large project':42} {time.perf_counter() - started:7.2f} s")
        big_seconds, big_data = timed_bundle(big, big_id)
        report(f"generated ({args.studies} studies, {args.configurations} CMOCs)", big_seconds, big_data)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / "demo-bundle.zip").write_bytes(data)
            (args.keep / "generated-bundle.zip").write_bytes(big_data)
        store.dispose()
        big.dispose()


if __name__ == "__main__":
    main()
