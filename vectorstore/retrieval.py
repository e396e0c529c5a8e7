"""Hybrid retrieval: BM25 and dense results fused by weighted reciprocal rank, with metadata filters
that cannot hide the answer.

Query understanding gives years, places, level and intent. Only *sure* metadata filters (a year or
place read from a title, header, notice, heading or sign-off): a chunk whose year or place is unknown or
was read from an unsure source stays in and ranks after exact matches. Level and intent only rank.
When a filter would leave nothing, it is dropped and the result says so in `notes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Collection
from typing import Literal

import numpy as np

from ingest.lexicon import LEVEL_WORDS, ORG_SUFFIXES, PLAN_WORDS, PROBLEM_WORDS, TIME_WORDS
from ingest.model import Chunk
from vectorstore.docstore import DocumentStore
from vectorstore.indexes import SearchIndex
from vectorstore.query import Gazetteer, QueryPlan, understand

RetrievalMode = Literal["hybrid", "lexical", "dense"]
MODES: tuple[RetrievalMode, ...] = ("hybrid", "lexical", "dense")
# Ranking signals: each multiplies a chunk's fused score by (1 + its value).
EXACT_YEAR_BOOST = 0.3      # a chunk about exactly the asked year beats one whose range merely covers it
UNKNOWN_YEAR = -0.2         # year unknown: kept, after the chunks known to be about the asked year
OTHER_YEAR = -0.4           # an unsure year that is not the asked one (a sure one is filtered out)
PLACE_BOOST = 0.3           # the report of the place the question names
UNKNOWN_PLACE = -0.1
OTHER_PLACE = -0.4
LEVEL_BOOST = 0.15          # 全省 / 我区: a report speaking for that level
KIND_BOOST = 0.3            # 存在哪些问题 / 明年计划: the part asked about
PERIOD_BOOST = 0.2
PLAN_DEMOTION = 0.15        # a question without plan words asks what was done, not what was planned
DOCUMENT_DEMOTION = 0.3     # a report's particulars (文号, dates) answer only questions about them
MAX_DENSE_FETCH = 1000
EXPANSION_WEIGHT = 0.6      # synonym expansions count a little less than the user's own words
PART_WORDS_ONLY_WEIGHT = 0.3  # the keyword list's share when its only words name the part ("工作计划")


@dataclass(frozen=True, slots=True)
class Hit:
    rank: int
    chunk: Chunk
    score: float
    lexical_rank: int | None = None
    dense_rank: int | None = None

    def as_json(self) -> dict:
        c = self.chunk
        return {"rank": self.rank, "source": c.source, "section_path": list(c.section_path), "year": c.year,
                "years": list(c.years.years), "years_from": c.years_origin.value, "kind": c.kind.value,
                "outline_only": c.outline_only, "text": c.text, "score": round(self.score, 6), "chunk_id": c.id}


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    plan: QueryPlan
    hits: list[Hit]
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"query": self.query, "filters": self.plan.filters(), "notes": self.notes,
                "hits": [h.as_json() for h in self.hits]}


@dataclass(slots=True)
class RetrievalConfig:
    mode: RetrievalMode = "hybrid"
    lexical_weight: float = 1.0
    dense_weight: float = 1.0
    rrf_k: int = 10
    candidates: int = 50
    filters: bool = True        # False: metadata only ranks, never excludes (for comparison in evals)


_ORG_SUFFIXES = frozenset(ORG_SUFFIXES)
_PART_WORDS = {"plans": frozenset(PLAN_WORDS), "problems": frozenset(PROBLEM_WORDS)}


def metadata_token(token: str, plan: QueryPlan) -> bool:
    """Years, period, level words (全省, 我区) and organisation suffixes (卫健局) are applied as filters and
    ranking signals (the organisation through its place), not matched as text."""
    return ((token.isdigit() and int(token) in plan.years) or token in TIME_WORDS or token in LEVEL_WORDS
            or token in _ORG_SUFFIXES)


def part_words_only(tokens: list[str], plan: QueryPlan) -> bool:
    """Whether a question's words are only those naming the part it asks about ("2022年工作计划"): then
    the word list says little (any passage mentioning 计划 matches) and the part signal does the work."""
    parts = set().union(*(_PART_WORDS.get(kind, ()) for kind in plan.kinds))
    return bool(parts) and bool(tokens) and all(t in parts for t in tokens)


class HybridRetriever:
    def __init__(self, index: SearchIndex, store: DocumentStore, config: RetrievalConfig | None = None,
                 reranker=None) -> None:
        self.index = index
        self.store = store
        self.config = config or RetrievalConfig()
        self.reranker = reranker
        if self.config.mode not in MODES:
            raise ValueError(f"unknown retrieval mode {self.config.mode!r}")
        self.refresh()

    def refresh(self) -> None:
        """Re-read what is cached from the store (reports, places, newest year): after an ingest or removal."""
        reports = self.store.report_rows()
        self.gazetteer = Gazetteer.from_reports(reports.values())
        self._newest_year = self.store.newest_year()
        self._reports = reports

    def search(self, query: str, k: int = 5, *, year: int | None = None,
               exclude: Collection[str] = ()) -> SearchResult:
        """`exclude`: chunk ids never to return (a draft's other organisations, a backtest's withheld plan).
        Safe while another thread syncs the index (it reads under the index's read lock)."""
        with self.index.lock.reading():
            return self._search(query, k, year=year, exclude=exclude)

    def _search(self, query: str, k: int, *, year: int | None, exclude: Collection[str]) -> SearchResult:
        plan = understand(query, gazetteer=self.gazetteer, newest_year=self._newest_year, year=year)
        notes = list(plan.notes)
        filters = {"year": plan.year_filter, "places": set(plan.places) or None, "exclude": self._slots(exclude)}
        if not self.config.filters:
            filters.update(year=None, places=None)
        ranked, matched = self._ranked(plan, filters)
        for relax, message in self._relaxations(plan):
            if filters[relax] is None or (ranked and matched and self._about(ranked, relax, filters[relax])):
                continue
            filters[relax] = None      # nothing left, nothing sharing a word with the question, or nothing about it
            notes.append(message)
            ranked, matched = self._ranked(plan, filters)
        hits = self._finish(plan, ranked, k)
        if not hits:
            notes.append("资料中没有与问题相关的内容。")
        elif plan.year is not None and filters["year"] is not None and not any(plan.year in h.chunk.years.years for h in hits):
            notes.append(f"没有明确属于 {plan.year} 年的资料；以下结果的年份未能确定或只在正文中提到，请核对")
        return SearchResult(query=plan.text, plan=plan, hits=hits, notes=notes)

    def _relaxations(self, plan: QueryPlan):
        if plan.places:
            yield "places", f"{'、'.join(sorted(plan.places))} 的报告中没有相关内容，已在全部单位中检索"
        if plan.year_filter is not None:
            known = self._known_years()
            yield "year", (f"资料中没有 {plan.year} 年的相关内容" + (f"（已有年份：{known}）" if known else "")
                           + "，结果不限年份")

    def _slots(self, chunk_ids: Collection[str]) -> np.ndarray | None:
        if not chunk_ids:
            return None
        slot_of = self.index.lexical.slot_of
        return np.fromiter((slot_of[c] for c in chunk_ids if c in slot_of), dtype=np.int64)

    def _about(self, ranked, name: str, value) -> bool:
        """Whether any candidate is about the filter's value (a sure or unsure year or place; a chunk
        whose year or place is unknown is kept by the filter but is not *about* it)."""
        lexical = self.index.lexical
        ids = [entry[0] for entry in ranked[: self.config.candidates]]
        return bool(lexical.about(ids, year=value if name == "year" else None,
                                  places=value if name == "places" else None).any())

    def _known_years(self) -> str:
        first, last = self.store.year_range()
        if first is None:
            return ""
        return f"{first}–{last}" if last and last != first else str(first)

    def _ranked(self, plan: QueryPlan, filters: dict) -> tuple[list[tuple[str, float, int | None, int | None]], bool]:
        """(fused candidates, whether any shares a word with the question — or the question has none to share)."""
        cfg = self.config
        tokens: list[str] = []
        lexical_weight = cfg.lexical_weight
        lexical: list[tuple[str, float]] = []
        dense: list[tuple[str, float]] = []
        mask = self.index.lexical.mask(year=filters["year"], places=filters["places"])
        if filters["exclude"] is not None:
            mask[filters["exclude"]] = False
        if cfg.mode in ("hybrid", "lexical"):
            own, expansions = self.index.tokenizer.query_tokens(plan.text)
            tokens = [t for t in own if not metadata_token(t, plan)] + expansions
            weights = [1.0] * (len(tokens) - len(expansions)) + [EXPANSION_WEIGHT] * len(expansions)
            lexical = self.index.lexical.search(tokens, cfg.candidates, mask=mask, weights=weights)
            if part_words_only(tokens[: len(tokens) - len(expansions)], plan):
                lexical_weight = cfg.lexical_weight * PART_WORDS_ONLY_WEIGHT
        if cfg.mode in ("hybrid", "dense") and self.index.dense is not None and self.index.embedder is not None:
            dense = self._dense(plan.text, mask)
        fused: dict[str, list] = {}
        for weight, results, slot in ((lexical_weight, lexical, 2), (cfg.dense_weight, dense, 3)):
            for rank, (chunk_id, _score) in enumerate(results, start=1):
                entry = fused.setdefault(chunk_id, [chunk_id, 0.0, None, None])
                entry[1] += weight / (cfg.rrf_k + rank)
                entry[slot] = rank
        ranked = sorted((tuple(e) for e in fused.values()), key=lambda e: -e[1])
        return ranked, bool(lexical) or not tokens or cfg.mode == "dense"

    def _dense(self, text: str, mask) -> list[tuple[str, float]]:
        """Nearest vectors, over-fetched in proportion to how much the filters keep, then filtered."""
        lexical = self.index.lexical
        kept = int(mask[lexical.alive].sum()) if len(lexical) else 0
        if not kept:
            return []
        share = kept / len(lexical)
        fetch = min(MAX_DENSE_FETCH, max(self.config.candidates, int(self.config.candidates / share)))
        results = self.index.dense.search(self.index.embedder.embed_query(text), fetch)
        slot_of = lexical.slot_of
        return [(cid, score) for cid, score in results if cid in slot_of and mask[slot_of[cid]]][: self.config.candidates]

    def _finish(self, plan: QueryPlan, ranked, k: int) -> list[Hit]:
        pool = ranked[: max(k * 4, 40)]
        chunks = self.store.chunks_by_id([r[0] for r in pool])
        scored = []
        for chunk_id, score, lexical_rank, dense_rank in pool:
            chunk = chunks.get(chunk_id)
            if chunk is None:
                continue                         # the index is ahead of the store; `sync` will drop it
            scored.append((score * signal(plan, chunk, self._reports.get(chunk.report_id)), chunk, lexical_rank,
                           dense_rank))
        scored.sort(key=lambda s: -s[0])
        if self.reranker is not None and scored:
            top = scored[: max(k * 3, 10)]
            rerank = self.reranker.scores(plan.text, [s[1].context for s in top])
            scored = [s for _, s in sorted(zip(rerank, top), key=lambda p: -p[0])] + scored[len(top):]
        return [Hit(rank=i, chunk=s[1], score=s[0], lexical_rank=s[2], dense_rank=s[3])
                for i, s in enumerate(scored[:k], start=1)]


def signal(plan: QueryPlan, chunk: Chunk, report) -> float:
    """How much the question's years, places, level, period and intent favour `chunk`: a factor on its
    fused score (1.0 = neutral). Independent signals multiply, so one never cancels another's order.
    `report`: the chunk's document-store row (place, level, period), or None."""
    factor = 1.0
    if plan.year is not None:
        factor *= 1 + _year_signal(plan.year, chunk)
    place = getattr(report, "place", None)
    if plan.places:
        factor *= 1 + (PLACE_BOOST if place in plan.places else UNKNOWN_PLACE if not place else OTHER_PLACE)
    elif plan.nearby and place in plan.nearby:
        factor *= 1 + PLACE_BOOST                   # a place in the province the question names (inferred)
    if not plan.places and plan.level and getattr(report, "level", None) == plan.level:
        factor *= 1 + LEVEL_BOOST
    if plan.period and getattr(report, "period", None) == plan.period:
        factor *= 1 + PERIOD_BOOST
    kind = chunk.kind.value
    if kind in plan.kinds:
        factor *= 1 + KIND_BOOST
    elif kind == "document":
        factor *= 1 - DOCUMENT_DEMOTION
    elif kind == "plans" and not plan.kinds:
        factor *= 1 - PLAN_DEMOTION
    return factor


def _year_signal(year: int, chunk: Chunk) -> float:
    """Exactly the asked year: the full boost; a range covering it: a share by its width ("2017年以来"
    is one fifth about 2021); unknown: a little less; another year: less again — unless the text states
    the asked year (a 2023 report's table with a 2022 column)."""
    years = chunk.years.years
    if not years:
        return UNKNOWN_YEAR
    if year in years:
        return EXACT_YEAR_BOOST / len(years)
    return 0.0 if str(year) in chunk.context else OTHER_YEAR
