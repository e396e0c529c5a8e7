"""A persistent, incremental BM25 index over jieba tokens.

Postings are kept as term-sorted segments of numpy arrays; adding chunks writes a new small segment,
deleting marks slots dead, and segments are merged (and dead slots dropped) now and then. The whole
state is one .npz plus one .json in the index folder, loaded at start-up without re-tokenising.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FORMAT = 2
K1, B = 1.5, 0.75


@dataclass(slots=True)
class Segment:
    terms: np.ndarray     # int32, sorted
    slots: np.ndarray     # int32
    tfs: np.ndarray       # float32
    offsets: np.ndarray | None = None   # term id -> start in `terms` (CSR), built on first use

    def postings(self, term: int) -> tuple[int, int]:
        if self.offsets is None:
            top = int(self.terms[-1]) + 1 if len(self.terms) else 0
            self.offsets = np.searchsorted(self.terms, np.arange(top + 1, dtype=np.int32)).astype(np.int64)
        if term + 1 >= len(self.offsets):
            return 0, 0
        return int(self.offsets[term]), int(self.offsets[term + 1])


@dataclass(frozen=True, slots=True)
class LexicalDoc:
    id: str
    tokens: list[str]
    year_start: int       # -1 when unknown
    year_end: int
    place: str            # the report's place, "" when unknown
    year_sure: bool = False     # the years come from a title, header or heading: they may filter
    place_sure: bool = False


class LexicalIndex:
    def __init__(self, directory: Path, signature: str) -> None:
        self.directory = directory
        self.signature = signature                 # tokenizer (dictionary + synonyms) identity
        self.ids: list[str] = []
        self.slot_of: dict[str, int] = {}
        self.vocab: dict[str, int] = {}
        self.labels: dict[str, dict[str, int]] = {"place": {}}   # small string columns as codes
        self.columns = {name: np.zeros(0, dtype=np.int32)
                        for name in ("length", "year_start", "year_end", "year_sure", "place", "place_sure")}
        self.alive = np.zeros(0, dtype=bool)
        self.segments: list[Segment] = []
        self._norm: np.ndarray | None = None

    # --- persistence -----------------------------------------------------------------------------

    @classmethod
    def open(cls, directory: Path, signature: str) -> LexicalIndex:
        index = cls(directory, signature)
        state_file = directory / "state.json"
        if not state_file.exists():
            return index
        state = json.loads(state_file.read_text(encoding="utf-8"))
        if state.get("format") != FORMAT:
            return index                           # unreadable old format: caller re-syncs from the docstore
        index.signature = state["signature"]
        index.ids = state["ids"]
        index.slot_of = {chunk_id: slot for slot, chunk_id in enumerate(index.ids)}
        index.vocab = {term: i for i, term in enumerate(state["vocab"])}
        index.labels = {name: {label: i for i, label in enumerate(values)} for name, values in state["labels"].items()}
        with np.load(directory / "arrays.npz") as arrays:
            index.alive = arrays["alive"]
            index.columns = {name: arrays[name] for name in index.columns}
            index.segments = [Segment(arrays[f"s{i}_terms"], arrays[f"s{i}_slots"], arrays[f"s{i}_tfs"])
                              for i in range(state["segments"])]
        for chunk_id, slot in list(index.slot_of.items()):
            if not index.alive[slot]:
                del index.slot_of[chunk_id]
        return index

    def save(self) -> None:
        if self.alive.size and (~self.alive).sum() > 0.3 * self.alive.size:
            self._compact()
        elif len(self.segments) > 2:
            self._merge()              # queries look terms up once per segment: keep few
        self.directory.mkdir(parents=True, exist_ok=True)
        arrays = {"alive": self.alive, **self.columns}
        for i, seg in enumerate(self.segments):
            arrays.update({f"s{i}_terms": seg.terms, f"s{i}_slots": seg.slots, f"s{i}_tfs": seg.tfs})
        tmp = self.directory / "arrays.tmp.npz"
        np.savez(tmp, **arrays)
        os.replace(tmp, self.directory / "arrays.npz")
        vocab = [None] * len(self.vocab)
        for term, i in self.vocab.items():
            vocab[i] = term
        labels = {name: sorted(codes, key=codes.get) for name, codes in self.labels.items()}
        state = {"format": FORMAT, "signature": self.signature, "ids": self.ids, "vocab": vocab,
                 "labels": labels, "segments": len(self.segments)}
        tmp_state = self.directory / "state.tmp.json"
        tmp_state.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp_state, self.directory / "state.json")

    # --- updates ---------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.slot_of)

    def live_ids(self) -> set[str]:
        return set(self.slot_of)

    def add(self, docs: list[LexicalDoc]) -> None:
        self._norm = None
        docs = [d for d in docs if d.id not in self.slot_of]
        if not docs:
            return
        first = len(self.ids)
        for offset, doc in enumerate(docs):
            self.ids.append(doc.id)
            self.slot_of[doc.id] = first + offset
        # Postings in bulk: new terms get ids in order of first appearance, then one (slot, term) count.
        tokens = [token for doc in docs for token in doc.tokens]
        vocab = self.vocab
        for token in dict.fromkeys(tokens):
            if token not in vocab:
                vocab[token] = len(vocab)
        term_ids = np.fromiter(map(vocab.__getitem__, tokens), dtype=np.int64, count=len(tokens))
        lengths = np.fromiter((len(d.tokens) for d in docs), dtype=np.int64, count=len(docs))
        slot_ids = np.repeat(np.arange(first, first + len(docs), dtype=np.int64), lengths)
        keys, tf_counts = np.unique(slot_ids * max(len(vocab), 1) + term_ids, return_counts=True)
        slots, terms, tfs = keys // max(len(vocab), 1), keys % max(len(vocab), 1), tf_counts
        new = {"length": [len(d.tokens) for d in docs], "year_start": [d.year_start for d in docs],
               "year_end": [d.year_end for d in docs], "year_sure": [int(d.year_sure) for d in docs],
               "place": [self._code("place", d.place) for d in docs],
               "place_sure": [int(d.place_sure) for d in docs]}
        for name, values in new.items():
            self.columns[name] = np.concatenate([self.columns[name], np.asarray(values, dtype=np.int32)])
        self.alive = np.concatenate([self.alive, np.ones(len(docs), dtype=bool)])
        self.segments.append(_segment(terms.astype(np.int32), slots.astype(np.int32), tfs.astype(np.float32)))
        # merging waits for save(): a bulk ingest of 100k chunks would otherwise re-sort all postings ~30 times

    def _code(self, column: str, label: str) -> int:
        codes = self.labels[column]
        return codes.setdefault(label, len(codes))

    def delete(self, ids: list[str]) -> None:
        self._norm = None
        for chunk_id in ids:
            slot = self.slot_of.pop(chunk_id, None)
            if slot is not None:
                self.alive[slot] = False

    def _merge(self) -> None:
        if len(self.segments) <= 1:
            return
        terms = np.concatenate([s.terms for s in self.segments])
        slots = np.concatenate([s.slots for s in self.segments])
        tfs = np.concatenate([s.tfs for s in self.segments])
        keep = self.alive[slots]
        self.segments = [_segment(terms[keep], slots[keep], tfs[keep])]

    def _compact(self) -> None:
        """Drop dead slots and renumber."""
        self._norm = None
        self._merge()
        new_slot = np.cumsum(self.alive) - 1
        if self.segments:
            seg = self.segments[0]
            keep = self.alive[seg.slots]
            self.segments = [Segment(seg.terms[keep], new_slot[seg.slots[keep]].astype(np.int32), seg.tfs[keep])]
        self.columns = {name: col[self.alive] for name, col in self.columns.items()}
        self.ids = [chunk_id for chunk_id, alive in zip(self.ids, self.alive) if alive]
        self.slot_of = {chunk_id: slot for slot, chunk_id in enumerate(self.ids)}
        self.alive = np.ones(len(self.ids), dtype=bool)

    # --- search ----------------------------------------------------------------------------------

    def search(self, tokens: list[str], k: int, *, mask: np.ndarray | None = None,
               weights: list[float] | None = None) -> list[tuple[str, float]]:
        """Top-k (chunk id, BM25 score); `mask` (per slot) restricts the candidates."""
        n_live = int(self.alive.sum())
        if not n_live or not tokens:
            return []
        allowed = self.alive if mask is None else (self.alive & mask)
        norm = self._length_norm()
        scores = np.zeros(len(self.ids), dtype=np.float32)
        for token, weight in zip(tokens, weights or [1.0] * len(tokens)):
            term = self.vocab.get(token)
            if term is None:
                continue
            slots, tfs = self._postings(term)
            live = self.alive[slots]
            df = int(live.sum())
            if not df:
                continue
            idf = np.log(1 + (n_live - df + 0.5) / (df + 0.5))
            scores[slots] += weight * idf * tfs * (K1 + 1) / (tfs + norm[slots])   # a slot occurs once per term
        scores[~allowed] = 0
        top = _top_k(scores, k)
        return [(self.ids[slot], float(scores[slot])) for slot in top if scores[slot] > 0]

    def _length_norm(self) -> np.ndarray:
        """BM25's per-document length term, cached until the index changes."""
        if self._norm is None or len(self._norm) != len(self.ids):
            lengths = self.columns["length"].astype(np.float32)
            avgdl = float(lengths[self.alive].mean()) if self.alive.any() else 1.0
            self._norm = (K1 * (1 - B + B * lengths / (avgdl or 1.0))).astype(np.float32)
        return self._norm

    def _postings(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        parts = []
        for seg in self.segments:
            lo, hi = seg.postings(term)
            if hi > lo:
                parts.append((seg.slots[lo:hi], seg.tfs[lo:hi]))
        if not parts:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        if len(parts) == 1:
            return parts[0]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def mask(self, *, year: int | None = None, places: set[str] | None = None) -> np.ndarray:
        """Per-slot filter: chunks whose years cover `year`, of one of `places` (intent only ranks).

        Only sure metadata excludes: a chunk whose year or place is unknown, or was read from an unsure
        source (opening sentence, file name, inference), stays in; the retriever ranks it lower instead.
        So does a chunk whose text states the year (a 2023 report's table with a 2022 column).
        """
        keep = np.ones(len(self.ids), dtype=bool)
        if year is not None:
            keep &= self._about_year(year) | (self.columns["year_sure"] == 0)
        if places:
            keep &= self._about_places(places) | (self.columns["place_sure"] == 0)
        return keep

    def about(self, ids: list[str], *, year: int | None = None, places: set[str] | None = None) -> np.ndarray:
        """For each of `ids`: whether its chunk is about `year` (its years cover it, or its text states it)
        and of one of `places` — by what its metadata says, sure or not."""
        slots = np.asarray([self.slot_of[i] for i in ids if i in self.slot_of], dtype=np.int64)
        about = np.ones(len(slots), dtype=bool)
        if year is not None:
            about &= self._about_year(year)[slots]
        if places:
            about &= self._about_places(places)[slots]
        return about

    def _about_year(self, year: int) -> np.ndarray:
        start, end = self.columns["year_start"], self.columns["year_end"]
        return (start >= 0) & (start <= year) & (end >= year) | self._holds(str(year))

    def _about_places(self, places: set[str]) -> np.ndarray:
        return np.isin(self.columns["place"], [self.labels["place"][p] for p in places if p in self.labels["place"]])


    def _holds(self, token: str) -> np.ndarray:
        """Per slot: whether the chunk's text has `token`."""
        holds = np.zeros(len(self.ids), dtype=bool)
        term = self.vocab.get(token)
        if term is not None:
            holds[self._postings(term)[0]] = True
        return holds


def _segment(terms: np.ndarray, slots: np.ndarray, tfs: np.ndarray) -> Segment:
    order = np.argsort(terms, kind="stable")
    return Segment(terms[order], slots[order], tfs[order])


def _top_k(scores: np.ndarray, k: int) -> np.ndarray:
    if k >= len(scores):
        return np.argsort(-scores, kind="stable")
    part = np.argpartition(-scores, k)[:k]
    return part[np.argsort(-scores[part], kind="stable")]
