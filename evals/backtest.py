"""The drafting backtest: for every organisation and year whose real plan is in the library, draft that
plan with the real plan (and everything written after it) withheld, and score how much of the real plan
the draft covers — against a naive baseline, last year's plan headings copied with the year changed.

Scores (pure functions, below):
- sections: the share of the real plan's sections whose topic the draft has. A section's topic is the
  outline sections whose words its heading holds (or, failing that, two or more of whose words its
  text holds); sections with no topic are counted apart, not scored.
- terms: the share of the real plan's key terms (its 30 most distinctive words, tf × idf over the
  library's reports) that the draft's text holds.
- on_plan: the other way round, the share of the draft's sections whose topic the real plan has — a
  draft that writes about everything covers much and is less on the plan.
Also reported: the draft's length, and a second reference, last year's whole plan copied ("copy"), which
is what staff do today.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from collections.abc import Callable

from assistant.composer import strip_marker
from assistant.drafting import plan_depth
from ingest.model import SectionKind

KEY_TERMS = 30
MIN_TEXT_MATCHES = 2
_CJK = re.compile(r"[\u3400-\u9fff]")
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class Case:
    report_id: str
    source: str
    title: str
    organisation: str
    year: int


@dataclass(frozen=True, slots=True)
class Coverage:
    sections: float | None       # None: no real section has a topic
    terms: float | None
    on_plan: float | None        # the share of the candidate's sections (with a topic) that the real plan has
    chars: int
    covered: int
    scored: int                  # real sections with a topic


# --- scoring (pure) -------------------------------------------------------------------------------------

def topics(heading: str, text: str, topic_terms: dict[str, tuple[str, ...]]) -> frozenset[str]:
    by_heading = frozenset(t for t, words in topic_terms.items() if any(w in heading for w in words))
    if by_heading:
        return by_heading
    return frozenset(t for t, words in topic_terms.items() if sum(w in text for w in words) >= MIN_TEXT_MATCHES)


def coverage(parts: list[tuple[str, str]], real: list[tuple[str, str]], key_terms: list[str],
             topic_terms: dict[str, tuple[str, ...]]) -> Coverage:
    """How much of `real` (heading, text) sections and `key_terms` the candidate `parts` cover."""
    part_topics = [t for t in (topics(h, t, topic_terms) for h, t in parts) if t]
    have = frozenset().union(*part_topics) if part_topics else frozenset()
    real_topics = [topics(h, t, topic_terms) for h, t in real]
    wanted = frozenset().union(*real_topics) if real_topics else frozenset()
    on_plan = sum(1 for t in part_topics if t & wanted) / len(part_topics) if part_topics else None
    scored = [t for t in real_topics if t]
    covered = sum(1 for t in scored if t & have)
    text = "\n".join(f"{h}\n{t}" for h, t in parts)
    terms = sum(1 for term in key_terms if term in text) / len(key_terms) if key_terms else None
    return Coverage(covered / len(scored) if scored else None, terms, on_plan, len(text), covered, len(scored))


def key_terms(text: str, words: Callable[[str], list[str]], document_frequency: Counter, documents: int,
              stop: frozenset[str], n: int = KEY_TERMS) -> list[str]:
    """The most distinctive words of `text` (tf × idf over the library's reports)."""
    counts = Counter(w for w in words(text) if len(w) > 1 and _CJK.search(w) and w not in stop)
    ranked = sorted(counts, key=lambda w: (-counts[w] * math.log((1 + documents) / (1 + document_frequency[w])), w))
    return ranked[:n]


# --- cases from a library ---------------------------------------------------------------------------------

def find_cases(store) -> list[Case]:
    """Reports holding a one-year plan for a sure year, of a known organisation, for a whole year."""
    cases = []
    for row in store.reports():
        plan = row.plan_years
        if not (plan.known and plan.start == (plan.end or plan.start) and row.origins.plan_years.sure):
            continue
        if row.period in ("上半年", "下半年") or not (row.organisation or row.place):
            continue
        if any(c.kind == SectionKind.PLANS for c in store.chunks(row.id)):
            cases.append(Case(row.id, row.source, row.title or row.source, row.organisation or row.place, plan.start))
    return cases


def withheld(store, case: Case) -> frozenset[str]:
    """The real plan, and every report written after it or planning the same year: summaries of its year or
    later, later plans, other copies of a plan for that one year, and anything dated after it."""
    rows = store.reports()
    dated = next((r.date for r in rows if r.id == case.report_id), None)
    later = {r.id for r in rows if r.id != case.report_id
             and ((r.years.start or 0) >= case.year or (r.plan_years.start or 0) > case.year
                  or r.plan_years.years == (case.year,) or (dated and r.date and r.date > dated))}
    own = {c.id for c in store.chunks(case.report_id) if c.kind == SectionKind.PLANS}
    return frozenset(own | store.report_chunk_ids(later))


def plan_sections(chunks) -> list[tuple[str, str]]:
    """A plan part's sections as (heading, text): the level under the part heading, or the top level."""
    depth = plan_depth([c.section_path for c in chunks])
    sections: dict[str, list[str]] = {}
    for chunk in chunks:
        path = chunk.section_path
        heading = strip_marker(path[depth]) if len(path) > depth else ""
        sections.setdefault(heading, []).append(" ".join(path[depth + 1:]) + "\n" + chunk.text)
    return [(h, "\n".join(texts)) for h, texts in sections.items()]


def previous_plan(store, case: Case, hidden: frozenset[str]):
    """The same organisation's newest earlier plan chunks (not withheld), or []."""
    rows = [r for r in store.reports() if r.id != case.report_id and r.plan_years.known
            and (r.plan_years.end or r.plan_years.start) < case.year
            and case.organisation in {r.organisation, r.place}]
    for row in sorted(rows, key=lambda r: r.plan_years.end or r.plan_years.start, reverse=True):
        chunks = [c for c in store.chunks(row.id) if c.kind == SectionKind.PLANS and c.id not in hidden]
        if chunks:
            return row, chunks
    return None, []


def shift_years(text: str, old: int, new: int) -> str:
    return text.replace(f"{old}年", f"{new}年")


# --- the run ---------------------------------------------------------------------------------------------

def run_backtest(settings, *, corpus: Path | None, workdir: Path, use_llm: bool,
                 progress: Progress | None = None) -> dict:
    from assistant.drafting import DraftRequest
    from assistant.errors import ReportAssistantError
    from assistant.evidence import expand_terms
    from assistant.wiring import build_drafter
    from evals.runner import open_library
    from prompts.outline import load_outline
    from vectorstore.tokenize import STOPWORDS

    store, index, notes = open_library(settings, corpus, workdir)
    drafter, _ = build_drafter(settings, store, index=index)
    tokenizer = index.tokenizer
    outline = load_outline()
    topic_terms = {s.id: expand_terms(s.terms, tokenizer.synonyms) for s in outline.sections() if s.terms}
    documents = {r.id: " ".join(c.text for c in store.chunks(r.id)) for r in store.reports()}
    df = Counter(w for text in documents.values() for w in set(tokenizer.words(text)))
    modes = ["offline"] + (["llm"] if use_llm and drafter.llm is not None else [])
    if use_llm and drafter.llm is None:
        notes.append("未配置大模型（llm.base_url），只评离线初稿")
    cases = find_cases(store)
    rows = []
    for n, case in enumerate(cases, start=1):
        hidden = withheld(store, case)
        real_chunks = [c for c in store.chunks(case.report_id) if c.kind == SectionKind.PLANS]
        real = plan_sections(real_chunks)
        terms = key_terms("\n".join(f"{h}\n{t}" for h, t in real), tokenizer.words, df, len(documents), STOPWORDS)
        row = {"case": asdict(case), "real_sections": len(real), "key_terms": terms, "scores": {}, "skipped": None}
        prev, prev_chunks = previous_plan(store, case, hidden)
        if prev is not None:
            old = prev.plan_years.end or prev.plan_years.start
            headings = [(shift_years(h, old, case.year), "") for h, _ in plan_sections(prev_chunks)]
            copied = [(shift_years(h, old, case.year), shift_years(t, old, case.year)) for h, t in plan_sections(prev_chunks)]
            row["scores"]["baseline"] = asdict(coverage(headings, real, terms, topic_terms))
            row["scores"]["copy"] = asdict(coverage(copied, real, terms, topic_terms))
            row["previous"] = prev.title or prev.source
        for mode in modes:
            try:
                draft = drafter.draft(DraftRequest(case.year, organisation=case.organisation, use_llm=mode == "llm",
                                                   withheld=hidden))
            except ReportAssistantError as exc:
                row["skipped"] = str(exc)
                break
            parts = [(s.heading, "\n".join(p.text for p in s.paragraphs)) for s in draft.sections if s.found and s.paragraphs]
            row["scores"][mode] = asdict(coverage(parts, real, terms, topic_terms))
        rows.append(row)
        if progress:
            progress(n, len(cases), case.title)
    store.close()
    return {"cases": rows, "means": _means(rows), "notes": notes, "corpus": str(corpus) if corpus else None}


def _means(rows: list[dict]) -> dict:
    """Mean scores per method over the scored cases; `with_previous`: only cases that have a previous plan,
    where the baseline exists (elsewhere it scores 0: there is nothing to copy)."""
    out: dict[str, dict] = {}
    scored = [r for r in rows if not r["skipped"]]
    for subset, chosen in (("all", scored), ("with_previous", [r for r in scored if "baseline" in r["scores"]])):
        methods = sorted({m for r in chosen for m in r["scores"]})
        table = {}
        for method in methods:
            values = {}
            for metric in ("sections", "terms", "on_plan", "chars"):
                got = [r["scores"][method][metric] if method in r["scores"]
                       else 0.0 if metric != "chars" else None      # no earlier plan to copy: nothing covered
                       for r in chosen]
                got = [g for g in got if g is not None]                # a score that does not apply (no topics)
                values[metric] = round(sum(got) / len(got), 3) if got else None
            table[method] = values
        out[subset] = {"cases": len(chosen), "methods": table}
    return out


METHOD_NAMES = {"offline": "离线初稿", "llm": "大模型初稿", "baseline": "基线：照抄上年计划标题", "copy": "参照：照抄上年计划全文"}


def backtest_markdown(doc: dict) -> str:
    lines = ["# 起草回测（drafting backtest）", ""]
    if doc.get("corpus"):
        lines += [f"语料：`{doc['corpus']}`", ""]
    for subset, title in (("all", "全部案例"), ("with_previous", "有上年计划的案例（基线可比）")):
        block = doc["means"].get(subset)
        if not block or not block["cases"]:
            continue
        lines += [f"## {title}（{block['cases']} 个）", "", "| 方法 | 章节覆盖 | 关键词覆盖 | 切题比例 | 平均字数 |",
                  "|---|---|---|---|---|"]
        for method, v in block["methods"].items():
            lines.append(f"| {METHOD_NAMES.get(method, method)} | {_pct(v['sections'])} | {_pct(v['terms'])} | "
                         f"{_pct(v['on_plan'])} | {v['chars']:.0f} |" if v["chars"] is not None else "")
        lines.append("")
    lines += ["## 各案例", "", "| 真实计划 | 年份 | 章节数（有主题） | 方法 | 章节覆盖 | 关键词覆盖 |", "|---|---|---|---|---|---|"]
    for row in doc["cases"]:
        case = row["case"]
        if row["skipped"]:
            lines.append(f"| {case['title']} | {case['year']} | {row['real_sections']} | 跳过 | {row['skipped']} | |")
            continue
        for method, s in row["scores"].items():
            lines.append(f"| {case['title']} | {case['year']} | {row['real_sections']}（{s['scored']}） | "
                         f"{METHOD_NAMES.get(method, method)} | {_pct(s['sections'])} | {_pct(s['terms'])} |")
    for note in doc.get("notes", []):
        lines += ["", f"说明：{note}"]
    return "\n".join(lines) + "\n"


def _pct(value) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"
