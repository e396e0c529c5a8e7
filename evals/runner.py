"""Run retrievers over a golden set and score them: the engine behind `report-assistant eval`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from evals.golden import GoldenQuestion, GoldenSetError, is_relevant
from evals.metrics import first_relevant_rank, mean, mrr_at_k, ndcg_at_k, precision_at_k, recall_at_k


RETRIEVERS = ("hybrid", "hybrid-nofilter", "lexical", "dense", "rerank", "baseline")
MRR_K = 10                     # MRR and nDCG are read over the top 10, recall and precision over the top k


@dataclass(frozen=True, slots=True)
class RankedHit:
    source: str
    text: str


@dataclass(slots=True)
class QuestionResult:
    id: str
    question: str
    tags: tuple[str, ...]
    first_rank: int | None
    top_sources: list[str]
    flags: list[bool]
    relevant_total: int


@dataclass(slots=True)
class RetrieverResult:
    name: str
    k: int
    questions: list[QuestionResult] = field(default_factory=list)
    skipped: str | None = None            # why this retriever did not run

    def metrics(self, subset: list[QuestionResult] | None = None) -> dict[str, float]:
        qs = self.questions if subset is None else subset
        k = self.k
        return {f"recall@{k}": mean([recall_at_k(q.flags, k, q.relevant_total) for q in qs]),
                f"hit@{k}": mean([1.0 if any(q.flags[:k]) else 0.0 for q in qs]),
                f"precision@{k}": mean([precision_at_k(q.flags, k) for q in qs]),
                f"mrr@{MRR_K}": mean([mrr_at_k(q.flags, MRR_K) for q in qs]),
                f"ndcg@{MRR_K}": mean([ndcg_at_k(q.flags, MRR_K, q.relevant_total) for q in qs])}

    def per_tag(self) -> dict[str, dict[str, float]]:
        tags = sorted({t for q in self.questions for t in q.tags})
        return {tag: {**self.metrics([q for q in self.questions if tag in q.tags]),
                      "n": sum(1 for q in self.questions if tag in q.tags)} for tag in tags}


def check_sources(questions: list[GoldenQuestion], ingested: set[str]) -> tuple[list[GoldenQuestion], list[str]]:
    """Questions whose relevant sources were all ingested, and a note per source that was not."""
    missing = sorted({r.source for q in questions for r in q.relevant} - ingested)
    usable = [q for q in questions if all(r.source in ingested for r in q.relevant)]
    if not usable:
        raise GoldenSetError(
            "评测集引用的文件都没有导入：" + "、".join(missing[:5]) + ("…" if len(missing) > 5 else "")
            + "。请先导入这些报告（--corpus 文件夹或 --data-dir），或检查 source 是否写的是文件名。")
    notes = [f"来源 {s} 未导入，引用它的问题不计分" for s in missing]
    return usable, notes


def score(name: str, k: int, questions: list[GoldenQuestion], search) -> RetrieverResult:
    """`search(question, n) -> list[RankedHit]`; n = max(k, 10) so MRR@10 can be read."""
    result = RetrieverResult(name, k)
    depth = max(k, MRR_K)
    for q in questions:
        if q.unanswerable:
            continue                      # nothing to find: scored by whether the answer declines
        hits = search(q.question, depth)
        flags = [is_relevant(h.source, h.text, q) for h in hits]
        result.questions.append(QuestionResult(
            q.id, q.question, q.tags, first_relevant_rank(flags), [h.source for h in hits[:3]], flags,
            relevant_total=len(q.relevant)))
    return result


def retriever_searches(settings, store, index, names: list[str], *, corpus_files: list[Path], workdir: Path):
    """name -> search function (or a string saying why it cannot run)."""
    from assistant.wiring import build_retriever

    searches: dict[str, object] = {}
    for name in names:
        if name in ("hybrid", "lexical", "dense", "hybrid-nofilter"):
            retriever, _ = build_retriever(settings, store, mode=name.removesuffix("-nofilter"), index=index,
                                           reranker_mode="off", filters=not name.endswith("-nofilter"))
            searches[name] = _adapt(retriever)
        elif name == "rerank":
            retriever, notes = build_retriever(settings, store, mode="hybrid", index=index, reranker_mode="on")
            searches[name] = _adapt(retriever) if retriever.reranker is not None else (
                notes[0] if notes else "重排序模型不可用")
        elif name == "baseline":
            from evals.baseline import LangChainBaseline

            if not corpus_files:
                searches[name] = "找不到已导入文件的原文（文件已移动或删除），无法建立朴素基线"
                continue
            baseline = LangChainBaseline(workdir / "baseline", index.embedder)
            baseline.add_files(corpus_files)
            searches[name] = lambda q, n, b=baseline: [RankedHit(h.source, h.text) for h in b.search(q, n)]
    return searches


def _adapt(retriever):
    """Hits are judged on what a citation shows: heading path and text (the baseline's raw chunks hold
    their heading lines in the text, so this compares like with like)."""
    def search(question: str, n: int) -> list[RankedHit]:
        return [RankedHit(h.chunk.source, h.chunk.context) for h in retriever.search(question, n).hits]
    return search


def as_json(k: int, results: list[RetrieverResult], notes: list[str], golden: str) -> dict:
    ran = [r for r in results if not r.skipped]
    return {
        "golden": golden, "k": k, "notes": notes,
        "retrievers": {r.name: {**r.metrics(), "per_tag": r.per_tag()} for r in ran},
        "skipped": {r.name: r.skipped for r in results if r.skipped},
        "questions": [
            {"id": q.id, "question": q.question, "tags": list(q.tags),
             **{r.name: {"first_relevant_rank": r.questions[i].first_rank, "top3_sources": r.questions[i].top_sources}
                for r in ran}}
            for i, q in enumerate(ran[0].questions)] if ran else [],
    }


def open_library(settings, corpus: Path | None, workdir: Path):
    """(store, index, notes): `corpus` ingested into a fresh data dir under `workdir`, or the configured library."""
    from assistant.errors import ConfigError
    from assistant.ingesting import ingest_and_index
    from assistant.wiring import open_document_store, open_search_index, token_budget

    if corpus is None:
        store = open_document_store(settings)
        index, _ = open_search_index(settings)
        index.sync(store)
        return store, index, []
    if not corpus.is_dir():
        raise ConfigError(f"语料文件夹 {corpus} 不存在。请检查 --corpus 路径。")
    settings = settings.model_copy(update={"data_dir": workdir / "data"})
    store = open_document_store(settings, create=True)
    budget, _ = token_budget(settings)
    index, _ = open_search_index(settings)
    summary = ingest_and_index([corpus], store, budget, index)
    return store, index, [f"导入失败：{f.error}" for f in summary.files if f.status == "failed"]


def run_eval(settings, golden: Path, *, k: int, names: list[str], corpus: Path | None, workdir: Path,
             with_answers: bool = True, use_llm: bool = True) -> dict:
    """Evaluate `names` on a golden set: over `corpus` ingested into a fresh data dir, or the configured one."""
    from assistant.errors import ConfigError
    from evals.golden import load_golden

    if k <= 0:
        raise ConfigError(f"--k 必须是正整数（现在是 {k}）。")
    unknown = [n for n in names if n not in RETRIEVERS]
    if unknown:
        raise ConfigError(f"未知的检索方式：{', '.join(unknown)}。可选：{', '.join(RETRIEVERS)}。")
    questions = load_golden(golden)
    store, index, notes = open_library(settings, corpus, workdir)
    if corpus is not None:
        settings = settings.model_copy(update={"data_dir": workdir / "data"})
    files = [Path(f.path) for f in store.files() if Path(f.path).is_file()]
    usable, source_notes = check_sources(questions, {f.source for f in store.files()})
    notes += source_notes
    answers = score_answers(settings, store, index, usable, use_llm=use_llm) if with_answers else None
    searches = retriever_searches(settings, store, index, names, corpus_files=files, workdir=workdir)
    results = []
    for name in names:
        search = searches[name]
        if isinstance(search, str):
            results.append(RetrieverResult(name, k, skipped=search))
        else:
            results.append(score(name, k, usable, search))
    store.close()
    doc = as_json(k, results, notes, golden.name)
    if answers is not None:
        doc["answers"] = answers
    return doc


def answer_contains(answer: str, expected: str) -> bool:
    """Verbatim, or the same figure written another way ("3.44万" ~ "34400")."""
    from assistant.numbers import figures

    if expected in answer:
        return True
    wanted = {f.key for f in figures(expected)}
    return bool(wanted) and wanted <= {f.key for f in figures(answer)}


def score_answers(settings, store, index, questions: list[GoldenQuestion], *, use_llm: bool) -> dict | None:
    """Answer-level scores: the expected figure for questions with `answer_contains`, and a decline
    ("资料中未找到", `found` false) for unanswerable ones. Both must be high at once: answering
    everything or declining everything scores well on one side only."""
    from assistant.wiring import build_answerer

    scored = [q for q in questions if q.answer_contains]
    unanswerable = [q for q in questions if q.unanswerable]
    if not scored and not unanswerable:
        return None
    answerer, _ = build_answerer(settings, store, index=index)
    rows, declines = [], []
    for q in scored:
        answer = answerer.ask(q.question, use_llm=use_llm)
        rows.append({"id": q.id, "ok": answer.found and all(answer_contains(answer.text, e) for e in q.answer_contains),
                     "unverified": answer.unverified_numbers, "mode": answer.mode})
    for q in unanswerable:
        answer = answerer.ask(q.question, use_llm=use_llm)
        declines.append({"id": q.id, "declined": not answer.found, "mode": answer.mode})
    modes = sorted({r["mode"] for r in rows + declines})
    return {"n": len(rows), "mode": "/".join(modes),
            "answer_contains": mean([1.0 if r["ok"] else 0.0 for r in rows]),
            "with_unverified_figures": mean([1.0 if r["unverified"] else 0.0 for r in rows]),
            "misses": [r["id"] for r in rows if not r["ok"]],
            "unanswerable": len(declines),
            "declined": mean([1.0 if r["declined"] else 0.0 for r in declines]),
            "answered_wrongly": [r["id"] for r in declines if not r["declined"]]}


def filtering_costs(doc: dict) -> list[str]:
    """Tags on which hybrid (with metadata filters) finds less than hybrid-nofilter: filters must never hurt."""
    k = doc["k"]
    hybrid, nofilter = doc["retrievers"].get("hybrid"), doc["retrievers"].get("hybrid-nofilter")
    if not hybrid or not nofilter:
        return []
    return [f"{tag} ({hybrid['per_tag'][tag][f'recall@{k}']:.3f} < {m[f'recall@{k}']:.3f})"
            for tag, m in nofilter["per_tag"].items()
            if tag in hybrid["per_tag"] and hybrid["per_tag"][tag][f"recall@{k}"] < m[f"recall@{k}"] - 1e-9]


def gate(doc: dict, *, min_recall: float | None, min_mrr: float | None, min_gain: float | None,
         min_answers: float | None = None, min_declined: float | None = None) -> list[str]:
    """Failures of the hybrid retriever and the answers against thresholds (empty when it passes)."""
    k = doc["k"]
    hybrid = doc["retrievers"].get("hybrid")
    if hybrid is None:
        return ["门槛检查需要 hybrid 检索结果"]
    failures = []
    if min_recall is not None and hybrid[f"recall@{k}"] < min_recall:
        failures.append(f"hybrid recall@{k} = {hybrid[f'recall@{k}']:.3f} < {min_recall}")
    if min_mrr is not None and hybrid[f"mrr@{MRR_K}"] < min_mrr:
        failures.append(f"hybrid mrr@{MRR_K} = {hybrid[f'mrr@{MRR_K}']:.3f} < {min_mrr}")
    if min_gain is not None:
        baseline = doc["retrievers"].get("baseline")
        if baseline is None:
            failures.append("门槛检查需要 baseline 检索结果")
        elif hybrid[f"recall@{k}"] - baseline[f"recall@{k}"] < min_gain:
            failures.append(f"hybrid 比基线只高 {hybrid[f'recall@{k}'] - baseline[f'recall@{k}']:.3f} < {min_gain}")
    answers = doc.get("answers") or {}
    if min_answers is not None and answers.get("answer_contains", 0.0) < min_answers:
        failures.append(f"回答含预期内容的比例 {answers.get('answer_contains', 0.0):.3f} < {min_answers}")
    if min_declined is not None and not answers.get("unanswerable"):
        failures.append("--min-declined 需要评测集中有 unanswerable 题，且评测回答（不要用 --no-answers）")
    elif min_declined is not None and answers["declined"] < min_declined:
        failures.append(f"无答案问题正确回答“未找到”的比例 {answers['declined']:.3f} < {min_declined}")
    return failures
