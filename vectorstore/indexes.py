"""The search indexes (lexical + dense), derived from the document store and kept in step with it."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from contextlib import contextmanager

from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable, Iterator

import numpy as np

from ingest.errors import ReportAssistantError
from ingest.model import Chunk
from vectorstore.chroma import ChromaIndex
from vectorstore.docstore import DocumentStore, ReportRow
from vectorstore.embedders import Embedder, HashingEmbedder
from vectorstore.feeding import BATCH, Feeder, Prepared, Preparer, lexical_doc, prepare_batches
from vectorstore.lexical import LexicalDoc, LexicalIndex
from vectorstore.tokenize import Tokenizer


Progress = Callable[[int, int, str], None]
DENSE_SYNCED = "dense_synced.json"   # what the last full sync left in Chroma: its collection, chunk count, id digest


class IndexOutOfDate(ReportAssistantError):
    pass


@dataclass(frozen=True, slots=True)
class SyncReport:
    added: int
    removed: int


@dataclass(frozen=True, slots=True)
class Consistency:
    """How the indexes stand against the document store (the truth): entries missing or pointing nowhere."""

    chunks: int                      # in the document store
    missing_lexical: int             # chunks the BM25 index lacks
    extra_lexical: int               # BM25 entries whose chunk is gone
    missing_dense: int
    extra_dense: int

    @property
    def ok(self) -> bool:
        return not (self.missing_lexical or self.extra_lexical or self.missing_dense or self.extra_dense)


class ReadWriteLock:
    """Many readers at once, or one writer; a waiting writer goes before new readers (no starvation)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._waiting_writers = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            while self._writing or self._waiting_writers:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            self._waiting_writers += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._waiting_writers -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class SearchIndex:
    """Both indexes. Safe to search from many threads while one thread syncs: searches hold `lock.reading()`,
    each change to the in-memory BM25 index holds `lock.writing()` (briefly: a batch, not a whole ingest)."""

    def __init__(self, lexical: LexicalIndex, dense: ChromaIndex | None, tokenizer: Tokenizer,
                 embedder: Embedder | None) -> None:
        self.lexical = lexical
        self.dense = dense
        self.tokenizer = tokenizer
        self.embedder = embedder
        self.lock = ReadWriteLock()

    @classmethod
    def open(cls, directory: Path, tokenizer: Tokenizer, *, dense: ChromaIndex | None,
             embedder: Embedder | None, fresh: bool = False) -> SearchIndex:
        if fresh:
            return cls(LexicalIndex(directory, tokenizer.signature), dense, tokenizer, embedder)
        lexical = LexicalIndex.open(directory, tokenizer.signature)
        if lexical.signature != tokenizer.signature and len(lexical):
            raise IndexOutOfDate(
                "检索词典或同义词表已修改，关键词索引需要重建。请运行 `report-assistant reindex --data-dir 数据目录`。")
        return cls(lexical, dense, tokenizer, embedder)

    def sync(self, store: DocumentStore, progress: Progress | None = None, *, quick: bool = False) -> SyncReport:
        """Make both indexes hold exactly the document store's chunks (cheap when they already do).
        `quick` (opening a library to search it): when the store holds exactly the chunks the last full sync
        left in this Chroma collection (a digest, `DENSE_SYNCED`), Chroma is not asked for its ids (0.9 s at
        100,000 chunks). Ingests and removals end with a full sync; `check` always compares the ids."""
        wanted = store.chunk_ids()
        lexical_ids = self.lexical.live_ids()
        assumed = self.dense is None or (quick and self._synced_digest() == self._digest(wanted))
        dense_ids = wanted if assumed or self.dense is None else self.dense.live_ids()
        removed_lexical, removed_dense = lexical_ids - wanted, dense_ids - wanted
        missing_lexical, missing_dense = wanted - lexical_ids, wanted - dense_ids
        if removed_lexical:
            with self.lock.writing():
                self.lexical.delete(sorted(removed_lexical))
        if removed_dense and self.dense:
            self.dense.delete(sorted(removed_dense))
        missing = missing_lexical | missing_dense
        if missing:
            rows = list(store.indexed_chunks(missing))
            lexical_rows = [(c, r) for c, r in rows if c.id in missing_lexical]
            dense_rows = [(c, r) for c, r in rows if c.id in missing_dense] if self.dense and self.embedder else []
            total, done = len(lexical_rows) + len(dense_rows), 0
            tokens_only = Preparer(self.tokenizer)
            for batch, prepared in _prepared(tokens_only, lexical_rows):   # each side gets only what it lacks
                docs = [lexical_doc(c, t, r.place if r else None, r is not None and r.origins.place.sure)
                        for (c, r), t in zip(batch, prepared.tokens)]
                with self.lock.writing():
                    self.lexical.add(docs)
                done += len(batch)
                if progress:
                    progress(done, total, "建立索引")
            vectors_only = Preparer(None, self.embedder if isinstance(self.embedder, HashingEmbedder) else None)
            for batch, prepared in _prepared(vectors_only, dense_rows):
                assert self.dense is not None and self.embedder is not None
                vectors = (prepared.vectors if prepared.vectors is not None
                           else self.embedder.embed_documents([c.context for c, _ in batch]))    # a model, here
                self.dense.add([c.id for c, _ in batch], vectors)
                done += len(batch)
                if progress:
                    progress(done, total, "建立索引")
        if missing or removed_lexical:
            with self.lock.writing():
                self.lexical.save()
        if not assumed:
            self._write_synced_digest(self._digest(wanted))
        return SyncReport(added=len(missing), removed=len(removed_lexical | removed_dense))

    def _digest(self, ids: set[str]) -> str:
        assert self.dense is not None
        digest = hashlib.sha256("\n".join(sorted(ids)).encode("utf-8")).hexdigest()
        return f"{self.dense.collection_id}:{len(ids)}:{digest}"

    def _synced_digest(self) -> str | None:
        try:
            return json.loads((self.lexical.directory / DENSE_SYNCED).read_text(encoding="utf-8")).get("digest")
        except (OSError, ValueError, AttributeError):
            return None

    def _write_synced_digest(self, digest: str) -> None:
        """Best effort (a read-only data directory only costs the next start a full comparison)."""
        path = self.lexical.directory / DENSE_SYNCED
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_suffix(".tmp")
            temp.write_text(json.dumps({"digest": digest}), encoding="utf-8")
            os.replace(temp, path)
        except OSError:
            pass

    # --- indexing while ingesting (see vectorstore/feeding.py) -------------------------------------------

    def preparer(self) -> Preparer:
        """What worker processes need to prepare chunks for these indexes."""
        cheap = isinstance(self.embedder, HashingEmbedder) and self.dense is not None
        return Preparer(self.tokenizer, self.embedder if cheap else None)

    @contextmanager
    def feeding(self) -> Iterator[Feeder]:
        """A Feeder for stored files; on leaving, even by an error, the last batch is added (it is stored
        already) and the BM25 index saved."""
        feeder = Feeder(self)
        try:
            yield feeder
        finally:
            feeder.flush()
            if feeder.changed:
                with self.lock.writing():
                    self.lexical.save()

    def remove_ids(self, ids: list[str]) -> None:
        with self.lock.writing():
            self.lexical.delete(ids)
        if self.dense:
            self.dense.delete(ids)

    def add_prepared(self, chunks: list[Chunk], docs: list[LexicalDoc], vectors: np.ndarray | None) -> None:
        with self.lock.writing():
            self.lexical.add(docs)
        if self.dense and self.embedder:
            if vectors is None:
                vectors = self.embedder.embed_documents([c.context for c in chunks])
            self.dense.add([c.id for c in chunks], vectors)

    def check(self, store: DocumentStore) -> Consistency:
        wanted = store.chunk_ids()
        lexical = self.lexical.live_ids()
        dense = self.dense.live_ids() if self.dense else wanted
        return Consistency(len(wanted), len(wanted - lexical), len(lexical - wanted), len(wanted - dense),
                           len(dense - wanted))

    def rebuild(self, store: DocumentStore, progress: Progress | None = None) -> SyncReport:
        """Drop both indexes and build them again from the document store (after changing embedder)."""
        with self.lock.writing():
            self.lexical = LexicalIndex(self.lexical.directory, self.tokenizer.signature)
        if self.dense:
            self.dense.reset()
        return self.sync(store, progress)


def _prepared(preparer: Preparer, rows: list[tuple[Chunk, ReportRow | None]]
              ) -> Iterator[tuple[list[tuple[Chunk, ReportRow | None]], Prepared]]:
    """(batch of rows, what was prepared for them), batch by batch, on worker processes when there are many."""
    batches = [rows[start:start + BATCH] for start in range(0, len(rows), BATCH)]
    if not preparer.tokenizer and not preparer.embedder:
        yield from ((batch, Prepared([[] for _ in batch], None)) for batch in batches)
        return
    yield from zip(batches, prepare_batches(preparer, [[c for c, _ in batch] for batch in batches]))
