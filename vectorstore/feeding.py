"""Indexing as files are ingested, and the work that can be done where a file is parsed.

A file's chunks need BM25 tokens (word segmentation: the costliest step of an ingest) and dense-side vectors.
`Preparer` makes both for a list of chunks; it pickles small, so worker processes prepare a file right after
parsing it, while the main process stores and indexes the files before. `Feeder` takes prepared files in
the main process and adds them to both indexes in batches. The document store is written first: whatever
a crash leaves out of the indexes, `SearchIndex.sync` puts back.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

from ingest.model import Chunk
from vectorstore.embedders import HashingEmbedder
from vectorstore.lexical import LexicalDoc
from vectorstore.tokenize import Tokenizer

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

BATCH = 512
PARALLEL_MIN_CHUNKS = 4000        # below this, starting worker processes costs more than it saves
WORKERS = min(2, os.cpu_count() or 1)   # worker processes; the main process stores and indexes meanwhile


@dataclass(frozen=True, slots=True)
class Prepared:
    tokens: list[list[str]]           # per chunk, for BM25
    vectors: np.ndarray | None        # per chunk; None: the embedder runs in the main process (a model)


@dataclass(frozen=True, slots=True)
class Preparer:
    """What a worker needs to prepare chunks. The embedder comes along only when it is cheap to copy and to
    run anywhere (the hashing one); a model stays loaded once, in the main process, and embeds in batches."""

    tokenizer: Tokenizer | None               # None: no tokens wanted (empty lists)
    embedder: HashingEmbedder | None = None

    def prepare(self, chunks: Sequence[Chunk]) -> Prepared:
        vectors = self.embedder.embed_documents([c.context for c in chunks]) if self.embedder else None
        tokens = chunk_tokens(self.tokenizer, chunks) if self.tokenizer else [[] for _ in chunks]
        return Prepared(tokens, vectors)


def chunk_tokens(tokenizer: Tokenizer, chunks: Sequence[Chunk]) -> list[list[str]]:
    """The tokens of each chunk's context (heading path + text). A heading path is tokenised once for all
    the chunks under it: jieba cuts at the newline between path and text, so the parts add up exactly."""
    paths: dict[tuple[str, ...], list[str]] = {}
    result = []
    for chunk in chunks:
        if not chunk.section_path:
            result.append(tokenizer.tokens(chunk.text))
            continue
        if chunk.section_path not in paths:
            paths[chunk.section_path] = tokenizer.tokens(" > ".join(chunk.section_path))
        result.append(paths[chunk.section_path] + tokenizer.tokens(chunk.text))
    return result


def lexical_doc(chunk: Chunk, tokens: list[str], place: str | None, place_sure: bool) -> LexicalDoc:
    start, end = chunk_years(chunk)
    return LexicalDoc(chunk.id, tokens, start, end, place or "", year_sure=chunk.years_sure,
                      place_sure=bool(place) and place_sure)


def chunk_years(chunk: Chunk) -> tuple[int, int]:
    if chunk.years.start is None:
        return -1, -1
    return chunk.years.start, chunk.years.end or chunk.years.start


# --- preparing many chunks on all cores ----------------------------------------------------------------

_worker: Preparer | None = None


def init_worker(preparer: Preparer) -> None:
    """A worker process's initializer: the preparer arrives once, not with every task."""
    global _worker
    _worker = preparer
    become_worker()


def become_worker() -> None:
    """What every worker process does first: run at a lower priority than the main process, which indexes
    the workers' results (and answers the UI), and end when the main process ends — killed included (an idle
    worker waiting for its next task would otherwise wait for ever)."""
    with contextlib.suppress(OSError, AttributeError):
        os.nice(5)
    parent = multiprocessing.parent_process()
    if parent is not None:
        def exit_with_parent() -> None:
            multiprocessing.connection.wait([parent.sentinel])
            os._exit(1)

        threading.Thread(target=exit_with_parent, name="exit-with-parent", daemon=True).start()


def prepare_in_worker(chunks: Sequence[Chunk]) -> Prepared:
    assert _worker is not None
    return _worker.prepare(chunks)


def prepare_batches(preparer: Preparer, batches: list[list[Chunk]]) -> Iterator[Prepared]:
    """Prepared batches, in order; on several cores by worker processes while the caller indexes the
    previous batch."""
    if sum(len(b) for b in batches) < PARALLEL_MIN_CHUNKS or WORKERS < 2:
        yield from (preparer.prepare(batch) for batch in batches)
        return
    if preparer.tokenizer:
        preparer.tokenizer.ensure_cached()
    with worker_pool(WORKERS, init_worker, (preparer,)) as pool:
        yield from pool.map(prepare_in_worker, batches)


def worker_pool(workers: int, initializer: Callable[..., None], initargs: tuple) -> ProcessPoolExecutor:
    """Worker processes for parsing and preparing (the initializer should call `become_worker`); spawned, not
    forked, so that no Chroma or SQLite thread is copied half-way."""
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=initializer,
                               initargs=initargs)


# --- the main process's side ---------------------------------------------------------------------------

class FeedTarget(Protocol):
    """What a Feeder writes to (`SearchIndex`)."""

    def remove_ids(self, ids: list[str]) -> None: ...

    def add_prepared(self, chunks: list[Chunk], docs: list[LexicalDoc], vectors: np.ndarray | None) -> None: ...


@dataclass(slots=True)
class Feeder:
    """Adds prepared chunks to both indexes in batches (`SearchIndex.feeding()` makes one and flushes it)."""

    target: FeedTarget
    _chunks: list[Chunk] = field(default_factory=list)
    _docs: list[LexicalDoc] = field(default_factory=list)
    _vectors: list[np.ndarray] = field(default_factory=list)
    changed: bool = False

    def add(self, chunks: Sequence[Chunk], prepared: Prepared, places: dict[str, tuple[str | None, bool]],
            removed: Sequence[str] = ()) -> None:
        """One stored file: its chunks, what was prepared for them, its reports' (place, place sure) by
        report id, and the chunk ids its previous version had (taken out first: a kept id is added back)."""
        if removed:
            self.flush()
            self.target.remove_ids(list(removed))
            self.changed = True
        for chunk, tokens in zip(chunks, prepared.tokens):
            self._docs.append(lexical_doc(chunk, tokens, *places.get(chunk.report_id, (None, False))))
        self._chunks.extend(chunks)
        if prepared.vectors is not None:
            self._vectors.append(prepared.vectors)
        if len(self._chunks) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self._chunks:
            return
        vectors = np.concatenate(self._vectors) if self._vectors else None
        self.target.add_prepared(self._chunks, self._docs, vectors)
        self._chunks, self._docs, self._vectors = [], [], []
        self.changed = True
