"""The search indexes (lexical + dense), derived from the document store and kept in step with it."""

from __future__ import annotations

import threading
from contextlib import contextmanager

from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable, Iterator

from ingest.errors import ReportAssistantError
from ingest.model import Chunk
from vectorstore.chroma import ChromaIndex, DenseDoc
from vectorstore.docstore import DocumentStore, ReportRow
from vectorstore.embedders import Embedder
from vectorstore.lexical import LexicalDoc, LexicalIndex
from vectorstore.tokenize import Tokenizer, tokenize_batches


Progress = Callable[[int, int, str], None]
BATCH = 512


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

    def sync(self, store: DocumentStore, progress: Progress | None = None) -> SyncReport:
        """Make both indexes hold exactly the document store's chunks (cheap when they already do)."""
        wanted = store.chunk_ids()
        lexical_ids = self.lexical.live_ids()
        dense_ids = self.dense.live_ids() if self.dense else wanted
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
            batches = [rows[start:start + BATCH] for start in range(0, len(rows), BATCH)]
            lexical_batches = [[(c, r) for c, r in batch if c.id in missing_lexical] for batch in batches]
            token_lists = tokenize_batches(self.tokenizer, [[c.context for c, _ in b] for b in lexical_batches])
            for number, (batch, lexical_batch, tokens) in enumerate(zip(batches, lexical_batches, token_lists)):
                if progress:
                    progress(number * BATCH, len(rows), "建立索引")
                docs = [_lexical_doc(c, r, t) for (c, r), t in zip(lexical_batch, tokens)]
                with self.lock.writing():
                    self.lexical.add(docs)
                dense_batch = [(c, r) for c, r in batch if c.id in missing_dense]
                if dense_batch and self.dense and self.embedder:
                    vectors = self.embedder.embed_documents([c.context for c, _ in dense_batch])
                    self.dense.add([_dense_doc(c, r, v) for (c, r), v in zip(dense_batch, vectors)])
            if progress:
                progress(len(rows), len(rows), "建立索引")
        if missing or removed_lexical:
            with self.lock.writing():
                self.lexical.save()
        return SyncReport(added=len(missing), removed=len(removed_lexical | removed_dense))

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



def _lexical_doc(chunk: Chunk, report: ReportRow | None, tokens: list[str]) -> LexicalDoc:
    start, end = _years(chunk)
    place = (report.place if report else None) or ""
    place_sure = bool(place) and report is not None and report.origins.place.sure
    return LexicalDoc(chunk.id, tokens, start, end, place, year_sure=chunk.years_sure,
                      place_sure=place_sure)


def _years(chunk: Chunk) -> tuple[int, int]:
    if chunk.years.start is None:
        return -1, -1
    return chunk.years.start, chunk.years.end or chunk.years.start


def _dense_doc(chunk: Chunk, report: ReportRow | None, vector) -> DenseDoc:
    start, end = _years(chunk)
    return DenseDoc(chunk.id, vector, chunk.source, chunk.report_id, chunk.kind.value, start, end,
                    (report.place if report else None) or "")
