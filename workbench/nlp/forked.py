"""Share a command's work on a long text with forked child processes: tokens, units, written suggestions."""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Callable
from functools import partial
from itertools import pairwise
from typing import BinaryIO

import numpy as np
from spacy.attrs import ORTH, SPACY
from spacy.language import Language

from workbench.nlp.units import (
    Quotation,
    Section,
    Unit,
    UnitsPart,
    join_parts,
    paragraph_cuts,
    split_units_part,
)

Arrays = tuple[np.ndarray, np.ndarray]
"""Word ids (uint64 ORTH hashes) and trailing-space flags (bool) of a run of tokens."""
BLOCK = 8
"""Pieces of a text are shared between the processes in alternate runs of this many."""


def spare_cpus() -> int:
    """How many more CPUs than one this process may run on (0 on a single core, or without ``fork``)."""
    if not hasattr(os, "fork"):
        return 0
    try:
        return max(len(os.sched_getaffinity(0)) - 1, 0)
    except AttributeError:  # not Linux
        return max((os.cpu_count() or 1) - 1, 0)


def piece_arrays(nlp: Language, text: str, bounds: list[tuple[int, int]]) -> list[Arrays]:
    """The word ids and trailing spaces of each piece (``bounds``) of the text, tokenised alone."""
    docs = (nlp.make_doc(text[start:end]) for start, end in bounds)
    return [(doc.to_array(ORTH), doc.to_array(SPACY).astype(bool)) for doc in docs]


def joined(pieces: list[Arrays]) -> Arrays:
    """The pieces' arrays one after the other."""
    if not pieces:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=bool)
    return np.concatenate([words for words, _ in pieces]), np.concatenate([spaces for _, spaces in pieces])


def token_arrays(nlp: Language, text: str, bounds: list[tuple[int, int]]) -> Arrays:
    """The word ids and trailing spaces of the text tokenised piece by piece (``bounds``)."""
    return joined(piece_arrays(nlp, text, bounds))


def _write(stream: BinaryIO, blobs: list[bytes]) -> None:
    for blob in blobs:
        stream.write(struct.pack("<Q", len(blob)))
        stream.write(blob)


def _read(stream: BinaryIO, count: int) -> list[bytes] | None:
    blobs = []
    for _ in range(count):
        head = stream.read(8)
        if len(head) != 8:
            return None
        (size,) = struct.unpack("<Q", head)
        blob = stream.read(size)
        if len(blob) != size:
            return None
        blobs.append(blob)
    return blobs


def in_child(work: Callable[[], list[bytes]], count: int) -> Callable[[], list[bytes] | None]:
    """Fork a child that runs ``work`` and sends back its ``count`` blobs; the returned function waits
    for them, or gives None if the child failed (the caller then does the work itself)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: work, send, and exit at once (no clean-up of the parent's state)
        status = 1
        try:
            os.close(read)
            blobs = work()
            with os.fdopen(write, "wb") as stream:
                _write(stream, blobs)
            status = 0
        finally:
            os._exit(status)
    os.close(write)

    def result() -> list[bytes] | None:
        with os.fdopen(read, "rb") as stream:
            blobs = _read(stream, count)
        _, status = os.waitpid(pid, 0)
        return blobs if status == 0 else None

    return result


def start_child(nlp: Language, text: str, bounds: list[tuple[int, int]]) -> Callable[[], list[Arrays] | None]:
    """Fork a child that tokenises ``bounds`` of the text; the returned function waits for the
    arrays of each piece, with the strings of their words added to ``nlp``'s vocabulary (so the ids
    resolve in this process), or gives None if the child failed."""

    def work() -> list[bytes]:
        pieces = piece_arrays(nlp, text, bounds)
        words, spaces = joined(pieces)
        counts = np.array([len(w) for w, _ in pieces], dtype=np.int64)
        strings = [nlp.vocab.strings[int(key)] for key in np.unique(words)]
        return [words.tobytes(), spaces.tobytes(), counts.tobytes(), json.dumps(strings).encode("utf-8")]

    wait = in_child(work, 4)

    def result() -> list[Arrays] | None:
        blobs = wait()
        if blobs is None:
            return None
        for string in json.loads(blobs[3].decode("utf-8")):
            nlp.vocab.strings.add(string)
        cuts = np.cumsum(np.frombuffer(blobs[2], dtype=np.int64))[:-1]
        words = np.split(np.frombuffer(blobs[0], dtype=np.uint64), cuts)
        spaces = np.split(np.frombuffer(blobs[1], dtype=bool), cuts)
        return list(zip(words, spaces, strict=True))

    return result


SECTIONS = tuple(Section)


def units_to_bytes(units: list[Unit]) -> bytes:
    """The units as rows ``(start, end, quote, paragraph, section, heading)`` of int64."""
    rows = [(u.start, u.end, u.quote, u.paragraph, int(u.section), int(u.heading)) for u in units]
    return np.array(rows, dtype=np.int64).reshape(-1, 6).tobytes()


def units_from_bytes(blob: bytes) -> list[Unit]:
    """The units ``units_to_bytes`` wrote."""
    rows = np.frombuffer(blob, dtype=np.int64).reshape(-1, 6).tolist()
    return [Unit(s, e, q, p, SECTIONS[c], h == 1) for s, e, q, p, c, h in rows]


def start_units(
    text: str, sentences: list[tuple[int, int]], quotations: list[Quotation], parts: int = 2
) -> Callable[[], list[Unit]]:
    """Fork ``parts`` children that cut the units of a run of paragraphs each (``split_units_part``,
    on the text as it is now: the parent may go on processing the doc meanwhile); the returned
    function waits for them and joins the runs, cutting a run itself if its child failed."""
    cuts = paragraph_cuts(text, sentences, parts)
    runs = [sentences[a:b] for a, b in pairwise([0, *cuts, len(sentences)])]

    def work(run: list[tuple[int, int]]) -> list[bytes]:
        units, opened, carried = split_units_part(text, run, quotations)
        return [units_to_bytes(units), struct.pack("<qq", -1 if opened is None else int(opened), carried)]

    waits = [in_child(partial(work, run), 2) for run in runs]

    def result() -> list[Unit]:
        parts_cut = []
        for run, wait in zip(runs, waits, strict=True):
            blobs = wait()
            if blobs is None:
                parts_cut.append(split_units_part(text, run, quotations))
                continue
            opened, carried = struct.unpack("<qq", blobs[1])
            parts_cut.append(
                UnitsPart(units_from_bytes(blobs[0]), None if opened < 0 else SECTIONS[opened], carried)
            )
        return join_parts(parts_cut)

    return result


def in_halves(size: int, work: Callable[[range], bytes], parallel: bool) -> bytes:
    """``work(range(size))``, with the later half of the range done by a forked child meanwhile when
    ``parallel`` (and a CPU is spare); ``work`` must give the bytes of its rows in order."""
    half = size // 2
    if not parallel or half < 1 or not spare_cpus():
        return work(range(size))
    wait = in_child(lambda: [work(range(half, size))], 1)
    first = work(range(half))
    second = wait()
    return first + (second[0] if second is not None else work(range(half, size)))


def parallel_token_arrays(
    nlp: Language, text: str, bounds: list[tuple[int, int]], block: int = BLOCK
) -> Arrays:
    """``token_arrays`` with every other ``block`` of pieces tokenised in a forked child meanwhile
    (alternate blocks rather than halves: how long a piece takes depends on how many words are new to
    the vocabulary, which varies along a text)."""
    theirs = [i for i in range(len(bounds)) if (i // block) % 2]
    if not theirs:
        return token_arrays(nlp, text, bounds)
    mine = [i for i in range(len(bounds)) if not (i // block) % 2]
    wait = start_child(nlp, text, [bounds[i] for i in theirs])
    pieces: dict[int, Arrays] = dict(
        zip(mine, piece_arrays(nlp, text, [bounds[i] for i in mine]), strict=True)
    )
    received = wait()
    if received is None:
        received = piece_arrays(nlp, text, [bounds[i] for i in theirs])
    pieces.update(zip(theirs, received, strict=True))
    return joined([pieces[i] for i in range(len(bounds))])
