"""Worker processes writing the publication bundle's files on every core; their failures raise in the caller.

Each worker is a fresh ``python -m workbench.services.bundle_workers`` reading pickled jobs (a module-level
function and its arguments) from its standard input and writing each answer to its standard output. A
fresh interpreter, not ``multiprocessing``: its fork copies the caller's threads' locks (a Streamlit
server has many threads), and its spawn and forkserver modes re-run the caller's ``__main__``, which under
Streamlit is the app script. Workers run at a lower priority (:data:`NICENESS`): the process that reads
the project and draws the SVGs feeds them, and an app server stays responsive while a bundle is built.
Workers import only what their jobs need (python-docx, cairo, Pillow): the
caller names it (``preload``: modules to import, ``module:function`` to call) so that each new worker
loads it as it starts, while the caller reads the project, not when the first job arrives. Workers stay
idle after a bundle for the next one (the Export page's next bundle skips about half a CPU second of
start-up per worker), and ``prestart`` starts them before the caller's own imports (``workbench
bundle``); idle workers are ended when the process that started them exits.
"""

from __future__ import annotations

import atexit
import ctypes
import fcntl
import importlib
import os
import pickle
import queue
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import IO, Any

from workbench.domain.errors import ServiceError

WORKERS_ENV = "WORKBENCH_BUNDLE_WORKERS"
MAX_WORKERS = 4
PRELOAD = (
    "workbench.exporters.office",
    "workbench.exporters.tables",
    "workbench.graphs.export",
    "PIL.Image",
    "isal.isal_zlib",
    "workbench.graphs.paint:warm_up",
)
"""What the bundle's jobs load: the table writers (python-docx), cairo with its fonts, Pillow, ISA-L."""
PIPE_BYTES = 2**20  # Linux's default limit for a pipe's size (/proc/sys/fs/pipe-max-size)
NICENESS = 5
"""How much lower the workers' priority is: a fresh ``workbench bundle`` took 5.5 s with 5 and 10, 5.7 s
with 0 (2 cores); at 5 a worker still gets a quarter of a core that the app's other users keep busy."""
HEAP_BYTES = 256 * 2**20
"""Memory a worker maps as it starts and keeps: a print-size figure's pixels (about 50 MB) and their RGB
copy land in pages already mapped, so painting a PNG costs no page faults (they were a third of its
time), and the mapping is made while the caller reads the project, before any job arrives."""
_Job = tuple[str, Callable[..., Any], tuple[Any, ...]]  # file name, function, arguments


class WorkerStopped(ServiceError):
    """A worker process ended before answering (killed, or out of memory)."""


def worker_count() -> int:
    """How many worker processes a bundle starts: ``WORKBENCH_BUNDLE_WORKERS``, else one per core (1-4)."""
    wanted = os.environ.get(WORKERS_ENV, "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


def _ask(process: subprocess.Popen[bytes], job: tuple[Callable[..., Any], tuple[Any, ...]]) -> Any:
    assert process.stdin is not None and process.stdout is not None
    pickle.dump(job, process.stdin, pickle.HIGHEST_PROTOCOL)
    process.stdin.flush()
    return pickle.load(process.stdout)


# Idle workers kept between bundles (the Export page's next bundle skips their start and imports); one
# whose caller exits sees its standard input end and exits too.
_idle: list[subprocess.Popen[bytes]] = []
_idle_lock = threading.Lock()


def _start(count: int, preload: Sequence[str]) -> list[subprocess.Popen[bytes]]:
    command = [sys.executable, "-m", __name__, *preload]
    started = [subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE) for _ in range(count)]
    for process in started:
        for pipe in (process.stdin, process.stdout):
            _widen(pipe)
    return started


def _widen(pipe: IO[bytes] | None) -> None:
    """Let the pipe hold :data:`PIPE_BYTES` (Linux; elsewhere, or above the system's limit, it keeps its
    size). A 64 KiB pipe hands a figure over in dozens of pieces, and this process's thread moving them
    waits for the GIL at each while the main thread draws: a worker sat blocked on its answer."""
    if pipe is None or not hasattr(fcntl, "F_SETPIPE_SZ"):
        return
    try:
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except OSError:
        return


def _take(count: int, preload: Sequence[str]) -> list[subprocess.Popen[bytes]]:
    """``count`` workers: idle ones that are still running first, then new ones loading ``preload``."""
    with _idle_lock:
        alive = [p for p in _idle if p.poll() is None]
        taken, _idle[:] = alive[:count], alive[count:]
    return taken + _start(count - len(taken), preload)


def prestart(preload: Sequence[str] = PRELOAD, count: int | None = None) -> list[int]:
    """Start the workers a bundle will take (``count``, else :func:`worker_count`), idle, loading
    ``preload`` at once: a command calls this before importing what it needs itself. The idle workers'
    process ids."""
    with _idle_lock:
        _idle[:] = [p for p in _idle if p.poll() is None]
        _idle.extend(_start(max((count or worker_count()) - len(_idle), 0), preload))
        return [p.pid for p in _idle]


def _give_back(processes: list[subprocess.Popen[bytes]]) -> None:
    """Keep the running ones idle for the next bundle, up to :data:`MAX_WORKERS`; stop the rest."""
    with _idle_lock:
        for process in processes:
            if process.poll() is None and len(_idle) < MAX_WORKERS:
                _idle.append(process)
            else:
                _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.kill()
    process.wait()
    for pipe in (process.stdin, process.stdout):
        if pipe:
            pipe.close()


@atexit.register
def _stop_idle() -> None:
    """At exit, end the idle workers, so none outlives the caller: killed, as an idle worker holds nothing
    to save, and a tenth of a second sooner than letting its interpreter shut down."""
    with _idle_lock:
        idle, _idle[:] = list(_idle), []
    for process in idle:
        _stop(process)


class Workers:
    """Worker processes fed from one queue: ``submit`` jobs, then read ``results`` as they finish.

    Use as a context manager: leaving it keeps the workers idle for the next bundle, or, on an error,
    kills them (a job may still be running)."""

    def __init__(self, count: int | None = None, preload: Sequence[str] = PRELOAD) -> None:
        self._todo: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._done: queue.SimpleQueue[tuple[str, bool, Any, str]] = queue.SimpleQueue()
        self._waiting = 0
        self._processes = _take(count or worker_count(), preload)
        self._threads = [threading.Thread(target=self._feed, args=(p,), daemon=True) for p in self._processes]
        for thread in self._threads:
            thread.start()

    def _feed(self, process: subprocess.Popen[bytes]) -> None:
        """Hand this worker one job at a time (blocking pipe I/O releases the GIL)."""
        while (job := self._todo.get()) is not None:
            name, function, args = job
            try:
                ok, value, detail = _ask(process, (function, args))
            except (EOFError, OSError, pickle.UnpicklingError):
                try:
                    status: int | str = process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    status = "unknown"
                stopped = WorkerStopped(
                    f"the worker process writing {name} stopped (exit status {status}); try the bundle again"
                )
                self._done.put((name, False, stopped, ""))
                return
            self._done.put((name, ok, value, detail))

    @property
    def pids(self) -> list[int]:
        """The process ids of this bundle's workers."""
        return [process.pid for process in self._processes]

    def submit(self, name: str, function: Callable[..., Any], *args: Any) -> None:
        """Run ``function(*args)`` (a module-level function, picklable arguments) for the file ``name``."""
        self._waiting += 1
        self._todo.put((name, function, args))

    def results(self) -> Iterator[tuple[str, Any]]:
        """Each submitted file's name and value as it is finished; a job's error is raised here: a
        ``ServiceError`` as itself, anything else with the worker's traceback as a note."""
        while self._waiting:
            name, ok, value, detail = self._done.get()
            self._waiting -= 1
            if not ok:
                if detail and not isinstance(value, ServiceError):
                    value.add_note(f"in a bundle worker, writing {name}:\n{detail}")
                raise value
            yield name, value

    def close(self, wait: bool = True) -> None:
        """Let the workers finish their jobs and keep them for the next bundle (``wait``), or kill them."""
        for _ in self._threads:
            self._todo.put(None)
        if wait:
            for thread in self._threads:
                thread.join()
            _give_back(self._processes)
            return
        for process in self._processes:
            _stop(process)

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close(wait=kind is None)


def serve(jobs: IO[bytes], answers: IO[bytes]) -> None:
    """Answer pickled ``(function, args)`` jobs with pickled ``(ok, value, traceback)`` until ``jobs`` end."""
    while True:
        try:
            function, args = pickle.load(jobs)
        except EOFError:
            return
        try:
            answer: tuple[bool, Any, str] = (True, function(*args), "")
        except Exception as exc:  # sent to the caller, which raises it
            answer = (False, exc, traceback.format_exc())
        try:
            data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
        except Exception:  # an exception that does not pickle: its text instead
            data = pickle.dumps((False, RuntimeError(repr(answer[1])), answer[2]), pickle.HIGHEST_PROTOCOL)
        answers.write(data)
        answers.flush()


def load(preload: Sequence[str]) -> None:
    """Import each ``module``, or import ``module`` and call its ``function`` for ``module:function``. Only
    a head start: what fails here is skipped, and fails again, with its own message, in the job needing it."""
    for name in preload:
        module, _, function = name.partition(":")
        try:
            loaded = importlib.import_module(module)
            if function:
                getattr(loaded, function)()
        except Exception:  # the job that needs it raises it to the caller
            continue


def keep_freed_memory(size: int = HEAP_BYTES) -> None:
    """With glibc: serve every allocation from the heap (no mapping per large block, unmapped again when
    freed) and never give freed memory back, then map ``size`` bytes of it once. A later large block
    reuses those pages. Without glibc's ``mallopt``, nothing."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError):
        return
    m_trim_threshold, m_mmap_max = -1, -4  # glibc's malloc.h
    if not (mallopt(m_mmap_max, 0) and mallopt(m_trim_threshold, 2**31 - 1)):
        return
    block = bytearray(size)
    block[:: 2**12] = bytes(len(range(0, size, 2**12)))  # one write per page maps it


if __name__ == "__main__":
    os.nice(NICENESS)  # the caller, which feeds the jobs, goes first
    keep_freed_memory()
    load(sys.argv[1:])
    channel = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the answers
    serve(sys.stdin.buffer, channel)
