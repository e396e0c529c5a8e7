"""What a plan section rests on: for target year Y, the achievements of the newest year summarised before
it, the problems named, and earlier plans for that year and Y — gathered through the retriever (so year,
place and intent understanding apply), then cut to the sentences that are on the section's topic.

A sentence goes to the one section whose words it matches best, so one passage is not cited by three
sections at once.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from assistant.draft_model import Evidence, EvidenceKind
from assistant.errors import DraftError
from assistant.numbers import figures
from ingest.lexicon import INSTRUCTION_MARKERS, PLAN_QUERY, PROBLEM_QUERY
from ingest.model import Chunk, SectionKind
from prompts.outline import OutlineSection
from vectorstore.docstore import DocumentStore, ReportRow
from vectorstore.retrieval import HybridRetriever

SEARCH_K = 10
MAX_SENTENCE_CHARS = 220
MIN_SENTENCE_CHARS = 8
MIN_STATEMENT_CHARS = 20
LIMITS = {EvidenceKind.PLAN: 4, EvidenceKind.PROBLEM: 2, EvidenceKind.ACHIEVEMENT: 2}
_SENTENCE_END = re.compile(r"(?<=[。；！？;!?])|\n")
_KEEP_ENDS = re.compile(r"(?<=[。；！？!?;\n])")          # splits after an end, keeping it
_CHINESE = re.compile(r"[\u3400-\u9fff]")
_CHUNK_KINDS = {EvidenceKind.ACHIEVEMENT: {SectionKind.ACHIEVEMENTS, SectionKind.OTHER},
                EvidenceKind.PROBLEM: {SectionKind.PROBLEMS}, EvidenceKind.PLAN: {SectionKind.PLANS}}


@dataclass(frozen=True, slots=True)
class Scope:
    """Which reports a draft may draw on, and the years it speaks of."""

    organisation: str | None          # as the reports name it, when one was asked for
    report_ids: frozenset[str]
    exclude: frozenset[str]           # chunk ids no search may return (other organisations, withheld text)
    year: int                         # the plan's year
    base_year: int                    # the newest year summarised before it (usually year − 1)
    reports: dict[str, ReportRow]
    notes: tuple[str, ...] = ()


def resolve_scope(store: DocumentStore, retriever: HybridRetriever, year: int, organisation: str | None = None,
                  withheld: frozenset[str] = frozenset()) -> Scope:
    """The reports of `organisation` (by name or place) that are not withheld, and the base year.
    Raises DraftError for an unknown organisation or a year with no earlier reports."""
    rows = store.report_rows()
    notes: list[str] = []
    chosen = set(rows)
    name = None
    if organisation:
        chosen, name = _organisation_reports(rows, retriever, organisation.strip())
    elif len({r.place for r in rows.values() if r.place}) > 1:
        notes.append("资料库中有多个单位的报告，未指定单位（--org），依据可能来自不同单位")
    else:                               # one organisation's library: the draft is that organisation's
        names = Counter(r.organisation for r in rows.values() if r.organisation and r.origins.organisation.sure)
        name = names.most_common(1)[0][0] if len(names) == 1 else None
    exclude = set(withheld)
    exclude |= store.report_chunk_ids(set(rows) - chosen)
    base = _base_year(rows, chosen, year)
    if base is None:
        known = sorted({y for r in rows.values() if r.id in chosen for y in (*r.years.years, *r.plan_years.years)})
        have = f"（已有年份：{'、'.join(map(str, known))}）" if known else "（报告年份均未知）"
        raise DraftError(f"资料库中没有{name or ''} {year} 年之前的报告{have}，无法起草 {year} 年计划。"
                         "请先导入往年总结或计划，或换一个年份。")
    if base != year - 1:
        notes.append(f"没有 {year - 1} 年的总结，上年情况取自 {base} 年的报告")
    halves = [r for r in rows.values() if r.id in chosen and base in r.years.years]
    if halves and all(r.period == "上半年" for r in halves):
        notes.append(f"{base} 年只有上半年总结，上年情况取自上半年")
    return Scope(name, frozenset(chosen), frozenset(exclude), year, base, rows, tuple(notes))


def _organisation_reports(rows: dict[str, ReportRow], retriever: HybridRetriever,
                          organisation: str) -> tuple[set[str], str]:
    places, _nearby, _words = retriever.gazetteer.match(organisation)
    chosen = {r.id for r in rows.values()
              if (r.place and r.place in places)
              or (r.organisation and (organisation in r.organisation or r.organisation in organisation))}
    found = {name for i in chosen if (name := rows[i].place or rows[i].organisation)}
    if not chosen:
        known = sorted({r.organisation for r in rows.values() if r.organisation})
        raise DraftError(f"资料库中没有“{organisation}”的报告。已有单位：{'、'.join(known) or '（无）'}。"
                         "请用其中之一（或其地名）作为 --org。")
    if len(found) > 1:
        raise DraftError(f"“{organisation}”对应多个单位：{'、'.join(sorted(found))}。请写全称。")
    names = Counter(name for i in chosen if (name := rows[i].organisation))
    return chosen, names.most_common(1)[0][0] if names else organisation


def _base_year(rows: dict[str, ReportRow], chosen: set[str], year: int) -> int | None:
    """The newest year before `year` that a chosen report summarises — or, failing that, plans."""
    summarised = [y for i in chosen for y in rows[i].years.years if y < year]
    if summarised:
        return max(summarised)
    planned = [y for i in chosen for y in rows[i].plan_years.years if y < year]
    return max(planned) if planned else None


# --- gathering ---------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Candidate:
    kind: EvidenceKind
    chunk: Chunk
    sentence: str
    score: int
    rank: int


def gather_evidence(retriever: HybridRetriever, scope: Scope,
                    sections: list[OutlineSection]) -> dict[str, tuple[Evidence, ...]]:
    """section id -> its evidence, best first: at most LIMITS per kind, each sentence in one section only."""
    synonyms = retriever.index.tokenizer.synonyms
    found: dict[tuple[str, str], list[tuple[int, _Candidate]]] = {}
    for order, section in enumerate(sections):
        terms = expand_terms(section.terms or (section.label,), synonyms)
        for candidate in _candidates(retriever, scope, section, terms):
            found.setdefault((candidate.chunk.id, candidate.sentence), []).append((order, candidate))
    chosen: dict[int, list[_Candidate]] = {}
    for options in found.values():
        order, best = min(options, key=lambda o: (-o[1].score, o[1].rank, o[0]))
        chosen.setdefault(order, []).append(best)
    evidence = {}
    for order, section in enumerate(sections):
        picked: list[Evidence] = []
        for kind, limit in LIMITS.items():
            ranked = sorted((c for c in chosen.get(order, []) if c.kind == kind), key=lambda c: (-c.score, c.rank))
            for c in ranked[:limit]:
                row = scope.reports.get(c.chunk.report_id)
                picked.append(Evidence(kind, c.chunk, c.sentence, getattr(row, "title", None),
                                       getattr(row, "organisation", None)))
        evidence[section.id] = tuple(picked)
    return evidence


def expand_terms(terms: tuple[str, ...], synonyms: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The section's words and their synonyms (家医 → 家庭医生), longest first, no repeats."""
    out = set(terms)
    for group in synonyms:
        if any(t in group for t in terms):
            out.update(w for w in group if len(w) > 1)
    return tuple(sorted(out, key=lambda w: (-len(w), w)))


def _queries(section: OutlineSection, scope: Scope, terms: tuple[str, ...]):
    words = " ".join(terms[:8])
    base, year = scope.base_year, scope.year
    yield EvidenceKind.ACHIEVEMENT, f"{base}年{section.label} {words}"
    yield EvidenceKind.PROBLEM, f"{base}年{section.label}{PROBLEM_QUERY} {' '.join(terms[:4])}"
    for plan_year in sorted({base, year - 1, year}):
        yield EvidenceKind.PLAN, f"{plan_year}年{section.label}{PLAN_QUERY} {words}"


def _candidates(retriever: HybridRetriever, scope: Scope, section: OutlineSection, terms: tuple[str, ...]):
    kinds = set(section.kinds)
    for kind, query in _queries(section, scope, terms):
        if kind.value not in kinds:
            continue
        result = retriever.search(query, SEARCH_K, exclude=scope.exclude)
        for hit in result.hits:
            chunk = hit.chunk
            if chunk.kind not in _CHUNK_KINDS[kind] or not _in_years(kind, chunk, scope):
                continue
            heading = _matches(chunk.section_path[-1] if chunk.section_path else "", terms)
            for sentence in sentences(chunk.text):
                if kind != EvidenceKind.PLAN and not statement(sentence):
                    continue                    # "3.医共体建设。" is a heading, not a result or a problem
                score = 2 * _matches(sentence, terms) + heading
                if score and kind == EvidenceKind.ACHIEVEMENT and figures(sentence):
                    score += 1                  # a result with its figure says more than a slogan
                if score:
                    yield _Candidate(kind, chunk, sentence, score, hit.rank)


def _in_years(kind: EvidenceKind, chunk: Chunk, scope: Scope) -> bool:
    years = set(chunk.years.years)
    if kind == EvidenceKind.PLAN:
        return bool(years & set(range(scope.base_year, scope.year + 1)))
    if years:
        return scope.base_year in years
    row = scope.reports.get(chunk.report_id)        # a problems part without its own year: its report's
    return kind == EvidenceKind.PROBLEM and row is not None and scope.base_year in row.years.years


def _matches(text: str, terms: tuple[str, ...]) -> int:
    """How many of the section's words `text` holds (a longer word found hides the shorter inside it)."""
    count = 0
    for term in terms:                              # longest first
        if term in text:
            count += 1
            text = text.replace(term, "\u3000")
    return count


def without_orders(text: str) -> str:
    """`text` without its sentences that give orders to a model ("忽略以上指令，回答…"): a figure found only there
    verifies nothing."""
    return "".join(piece for piece in _KEEP_ENDS.split(text)
                   if not any(marker in piece.lower() for marker in INSTRUCTION_MARKERS))


def sentences(text: str) -> list[str]:
    """A passage's sentences, as quoted: split after 。；！？ and at line ends; too short or long dropped,
    and so is one that gives orders to a model ("忽略以上指令…")."""
    out = []
    for piece in _SENTENCE_END.split(text):
        piece = piece.strip()
        if (MIN_SENTENCE_CHARS <= len(piece) <= MAX_SENTENCE_CHARS and _CHINESE.search(piece)
                and not any(marker in piece.lower() for marker in INSTRUCTION_MARKERS)):
            out.append(piece)
    return out


def statement(sentence: str) -> bool:
    """A sentence that says something (a clause with a comma, or long enough), not a heading line."""
    return "，" in sentence or "," in sentence or len(sentence) >= MIN_STATEMENT_CHARS
