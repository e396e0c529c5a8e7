"""Hybrid retrieval: BM25 and dense results fused by weighted reciprocal rank, with year-aware filters.

Filters come from query understanding (year, organisation, intent). When a filter would leave
nothing, it is dropped and the result says so in `notes`; the hit list is never silently empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.model import Chunk
from vectorstore.docstore import DocumentStore
from vectorstore.indexes import SearchIndex
from vectorstore.query import QueryPlan, understand

MODES = ("hybrid", "lexical", "dense")
EXACT_YEAR_BOOST = 0.3      # a chunk about exactly the asked year beats one whose range merely covers it
PERIOD_BOOST = 0.2
MAX_DENSE_FETCH = 1000
PLAN_DEMOTION = 0.15        # a question without plan words asks what was done, not what was planned
EXPANSION_WEIGHT = 0.6      # synonym expansions count a little less than the user's own words


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
                "years": list(c.years.years), "kind": c.kind.value, "text": c.text, "score": round(self.score, 6),
                "chunk_id": c.id}


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
    mode: str = "hybrid"
    lexical_weight: float = 1.0
    dense_weight: float = 1.0
    rrf_k: int = 60
    candidates: int = 50
    filters: bool = True        # False: metadata only ranks, never excludes (for comparison in evals)


_TIME_WORDS = {"上半年", "下半年", "全年", "今年", "去年", "明年", "前年", "本年", "年度", "半年", "年"}


def metadata_token(token: str, plan: QueryPlan) -> bool:
    """Years and period words are applied as filters and boosts, not matched as text."""
    return (token.isdigit() and int(token) in plan.years) or token in _TIME_WORDS


class HybridRetriever:
    def __init__(self, index: SearchIndex, store: DocumentStore, config: RetrievalConfig | None = None,
                 reranker=None) -> None:
        self.index = index
        self.store = store
        self.config = config or RetrievalConfig()
        self.reranker = reranker
        if self.config.mode not in MODES:
            raise ValueError(f"unknown retrieval mode {self.config.mode!r}")
        self._organisations = store.organisations()
        self._newest_year = store.newest_year()

    def search(self, query: str, k: int = 5, *, year: int | None = None) -> SearchResult:
        plan = understand(query, organisations=self._organisations, newest_year=self._newest_year, year=year)
        notes = list(plan.notes)
        filters = {"year": plan.year, "kinds": set(plan.kinds) or None, "org": plan.organisation}
        if not self.config.filters:
            filters = dict.fromkeys(filters)
        ranked = self._ranked(plan, filters)
        relaxations = self._relaxations(plan)
        while not ranked and (relaxation := next(relaxations, None)):
            relax, message = relaxation
            filters[relax] = None
            notes.append(message)
            ranked = self._ranked(plan, filters)
        hits = self._finish(plan, ranked, k)
        if not hits:
            notes.append("资料中没有与问题相关的内容。")
        return SearchResult(query=plan.text, plan=plan, hits=hits, notes=notes)

    def _relaxations(self, plan: QueryPlan):
        if plan.kinds:
            yield "kinds", f"没有找到{'计划' if 'plans' in plan.kinds else '问题'}部分的相关内容，已在全部内容中检索"
        if plan.organisation:
            yield "org", f"{plan.organisation} 的报告中没有相关内容，已在全部单位中检索"
        if plan.year is not None:
            known = self._known_years()
            yield "year", (f"资料中没有 {plan.year} 年的相关内容" + (f"（已有年份：{known}）" if known else "")
                           + "，结果不限年份")

    def _known_years(self) -> str:
        first, last = self.store.year_range()
        if first is None:
            return ""
        return f"{first}–{last}" if last and last != first else str(first)

    def _ranked(self, plan: QueryPlan, filters: dict) -> list[tuple[str, float, int | None, int | None]]:
        cfg = self.config
        lexical: list[tuple[str, float]] = []
        dense: list[tuple[str, float]] = []
        mask = self.index.lexical.mask(year=filters["year"], kinds=filters["kinds"], org=filters["org"])
        if cfg.mode in ("hybrid", "lexical"):
            own, expansions = self.index.tokenizer.query_tokens(plan.text)
            tokens = [t for t in own if not metadata_token(t, plan)] + expansions
            weights = [1.0] * (len(tokens) - len(expansions)) + [EXPANSION_WEIGHT] * len(expansions)
            lexical = self.index.lexical.search(tokens, cfg.candidates, mask=mask, weights=weights)
        if cfg.mode in ("hybrid", "dense") and self.index.dense is not None and self.index.embedder is not None:
            dense = self._dense(plan.text, mask)
        fused: dict[str, list] = {}
        for weight, results, slot in ((cfg.lexical_weight, lexical, 2), (cfg.dense_weight, dense, 3)):
            for rank, (chunk_id, _score) in enumerate(results, start=1):
                entry = fused.setdefault(chunk_id, [chunk_id, 0.0, None, None])
                entry[1] += weight / (cfg.rrf_k + rank)
                entry[slot] = rank
        return sorted((tuple(e) for e in fused.values()), key=lambda e: -e[1])

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
        pool = ranked[: max(k * 4, 20)]
        chunks = self.store.chunks_by_id([r[0] for r in pool])
        periods = {}
        if plan.period:
            periods = {rid: row.period for rid, row in self.store.report_rows({c.report_id for c in chunks.values()}).items()}
        scored = []
        for chunk_id, score, lexical_rank, dense_rank in pool:
            chunk = chunks.get(chunk_id)
            if chunk is None:
                continue                         # the index is ahead of the store; `sync` will drop it
            bonus = 1.0
            if plan.year is not None and chunk.year == plan.year:
                bonus += EXACT_YEAR_BOOST
            if plan.period and periods.get(chunk.report_id) == plan.period:
                bonus += PERIOD_BOOST
            if not plan.kinds and chunk.kind.value == "plans":
                bonus -= PLAN_DEMOTION
            scored.append((score * bonus, chunk, lexical_rank, dense_rank))
        scored.sort(key=lambda s: -s[0])
        if self.reranker is not None and scored:
            top = scored[: max(k * 3, 10)]
            rerank = self.reranker.scores(plan.text, [s[1].context for s in top])
            scored = [s for _, s in sorted(zip(rerank, top), key=lambda p: -p[0])] + scored[len(top):]
        return [Hit(rank=i, chunk=s[1], score=s[0], lexical_rank=s[2], dense_rank=s[3])
                for i, s in enumerate(scored[:k], start=1)]
