"""Pausing Python's cyclic garbage collector while a service builds tens of thousands of small objects."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = True


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off; it is back on when the last such block ends.

    Reading a 200-study project builds about 100,000 tuples and frozen dataclasses, none of them in a
    reference cycle (reference counting frees them), yet every 700 allocations start a collection that
    walks the young objects, and the full collections it triggers walk the whole heap: a third of the
    read's time. The collector is process-wide, so blocks running at once in several sessions' threads
    share one pause: the first turns it off, the last restores what it was.
    """
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
