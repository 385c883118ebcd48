"""Print the server-side time per rerun of the Coding page on a 30,000-word study with 500 codings.

Usage: .venv/bin/python benchmarks/coding_latency.py [RERUNS]

Builds a temporary SQLite store (the demo codebook, one generated study with emoji and CRLF line
ends, 500 codings by three coders, overlapping), then drives the page in Streamlit's AppTest:
plain reruns of the open page, reruns that report a selection from the reader, and reruns that
code it, all with the study's suggestions drawn in the reader (the default), and plain reruns
with "Show suggestions" off. The first open includes computing the study's suggestions (cached
per process afterwards). Times are AppTest ``run()`` wall times: the whole script, services and
element tree.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from streamlit.components.v2.bidi_component.constants import EVENT_DELIM
from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX
from streamlit.testing.v1 import AppTest

from workbench.domain.configurations import CodingMode
from workbench.domain.offsets import Utf16Index
from workbench.importers.archive import IncomingFile
from workbench.services import coding, database, projects
from workbench.services.access import ensure_user
from workbench.services.codebook import import_codebook
from workbench.services.importing import import_files
from workbench.services.studies import list_studies
from workbench.store.db import Store
from workbench.store.enums import Role
from workbench.store.models import Membership

ROOT = Path(__file__).resolve().parents[1]
USER, COLLEAGUES = "bench", ("alice", "bob")
WORDS, CODINGS = 30_000, 500
VOCABULARY = (
    "peer support worker ward trust hope judged listened recovery belonging shame stigma staff "
    "nurse discharge goals pace safe talk felt understood accepted lived experience 😀 café 🎉"
)


def generate_text(rng: random.Random) -> str:
    """Paragraphs of random words: CRLF line ends, some emoji, ``WORDS`` words in all."""
    vocabulary = VOCABULARY.split()
    words = [rng.choice(vocabulary) for _ in range(WORDS)]
    sentences = [" ".join(words[i : i + 15]).capitalize() + "." for i in range(0, WORDS, 15)]
    return "\r\n\r\n".join(" ".join(sentences[i : i + 6]) for i in range(0, len(sentences), 6))


def build_store(url: str, rng: random.Random) -> tuple[Store, int, int]:
    """A project with the demo codebook and one big study coded 500 times; returns the study id."""
    store = Store.open(url)
    database.upgrade_database(store, backup=False)
    project_id = projects.create_project(store, USER, "Benchmark")
    with store.transaction() as session:
        for name in COLLEAGUES:
            user = ensure_user(session, name)
            session.add(Membership(project_id=project_id, user_id=user.id, role=Role.REVIEWER))
    import_codebook(store, USER, project_id, ROOT / "sample_corpus" / "codebook.yaml")
    raw = generate_text(rng).encode()
    import_files(store, USER, project_id, [IncomingFile("big_study.txt", len(raw), lambda: raw)])
    study_id = list_studies(store, USER, project_id)[0].id
    view = coding.document_view(store, USER, study_id)
    codes = [o.id for o in coding.code_options(store, USER, project_id)]
    for n in range(CODINGS):
        start = rng.randrange(0, len(view.text) - 400)
        end = start + rng.randrange(20, 400)
        coder = (USER, *COLLEAGUES)[n % 3]
        coding.code_span(
            store, coder, view.document_id, start, end, [rng.choice(codes)], CodingMode.INDUCTIVE
        )
    return store, project_id, study_id


def reader_event(at: AppTest, event: str, value: dict[str, object]) -> AppTest:
    """Run the page as after the reader component sent a trigger value from the browser."""
    (component,) = at.get("bidi_component")
    states = at._tree.get_widget_states()
    trigger = states.widgets.add()
    trigger.id = f"{STREAMLIT_INTERNAL_KEY_PREFIX}_{component.proto.id}{EVENT_DELIM}events"
    trigger.json_trigger_value = json.dumps([{"event": event, "value": value}])
    return at._run(states)


def timed(step: Callable[[], object]) -> float:
    started = time.perf_counter()
    step()
    return (time.perf_counter() - started) * 1000


def report(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"{label:34} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   (n={len(times)})")


def main() -> None:
    reruns = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        started = time.perf_counter()
        store, project_id, study_id = build_store(url, rng)
        view = coding.document_view(store, USER, study_id)
        print(f"store: {len(view.text.split())} words, {len(view.text)} characters, "
              f"{sum(len(e.codings) for e in view.excerpts)} codings on {len(view.excerpts)} excerpts "
              f"(built in {time.perf_counter() - started:.1f} s)")  # fmt: skip
        os.environ.update(WORKBENCH_DATABASE_URL=url, WORKBENCH_USER=USER)
        os.chdir(ROOT)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        first = timed(lambda: at.switch_page("workbench/ui/pages/coding.py").run())
        print(f"{'first open of the Coding page':34} {first:7.1f} ms")
        report("rerun of the open page", [timed(at.run) for _ in range(reruns)])
        drawn = len(json.loads(at.get("bidi_component")[0].proto.json)["suggestions"])
        at.toggle(key="sg_show").set_value(False).run()
        report("rerun, suggestions hidden", [timed(at.run) for _ in range(reruns)])
        at.toggle(key="sg_show").set_value(True).run()
        code = coding.code_options(store, USER, project_id)[-1].id
        index = Utf16Index(view.text)
        selecting, coding_runs = [], []
        for _ in range(reruns):
            start = rng.randrange(0, len(view.text) - 300)
            span = {"start": index.to_utf16(start), "end": index.to_utf16(start + rng.randrange(10, 300))}
            selecting.append(timed(lambda span=span: reader_event(at, "selection", span)))  # type: ignore[misc]
            at.multiselect(key="coding_codes").select(code).run()
            coding_runs.append(timed(at.button(key="code_selection").click().run))
            assert not at.exception, at.exception
        report("rerun reporting a selection", selecting)
        report("rerun coding the selection", coding_runs)
        print(f"({drawn} suggestions drawn in the reader, unless hidden)")
        store.dispose()


if __name__ == "__main__":
    main()
