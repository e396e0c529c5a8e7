"""Extractive answers: the best-matching sentences of the top passages, verbatim and cited.

This is what runs offline, so it tries to answer the way a colleague would: the sentence with the
asked-for figure, with its date qualifier ("截至9月21日"), named by report; one line per report when a
question without a year has different answers in different reports; "资料中未找到" when nothing fits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer_model import Answer, Citation
from assistant.numbers import figures
from ingest.chunking import split_sentences
from ingest.lexicon import PLAN_WORDS, PROBLEM_WORDS, alternation
from vectorstore.retrieval import Hit, SearchResult, metadata_token

NUMERIC_QUESTION = re.compile(r"多少|几|率|数|比例|金额|剂次|人次|投资|资金|占比|规模|完成|达到|提升|增长|下降|面积|床位|进展|成效")
_CONTINUATION = re.compile(r"^(目前|其中|截至目前|截至|截止|共|累计|全年|已|现已|总计)")
_QUALIFIER = re.compile(r"^(截至|截止|截止到|到|至|年初至|今年以来|全年|上半年|下半年)[^，,。；]{0,16}[，,]")
_CLAUSE = re.compile(r"[^，,；;：:]+[，,；;：:]?")
_INTENT_WORD = re.compile(alternation(PLAN_WORDS + PROBLEM_WORDS + ("目标", "工作", "哪些", "什么", "主要")))
MIN_COVERAGE = 0.34          # share of the question's weight a sentence must match to count as an answer
MAX_ANSWER_CHARS = 160


@dataclass(slots=True)
class Candidate:
    hit: Hit
    sentence: str
    score: float
    coverage: float


def extractive_answer(question: str, result: SearchResult, tokenizer, reports: dict, *,
                      focus: str | None = None) -> Answer:
    """`reports`: report id -> ReportRow (title, organisation). `focus`: a follow-up's new words, weighted up."""
    weights = _query_weights(question, result, tokenizer, focus)
    if result.plan.kinds and not [t for t in weights if not _INTENT_WORD.search(t)] and result.hits:
        return _overview(result, reports)              # "2022年工作计划": the plan's items, not one sentence
    numeric = bool(NUMERIC_QUESTION.search(question))
    candidates = [c for c in (_best_sentence(hit, weights, numeric, tokenizer) for hit in result.hits) if c]
    candidates.sort(key=lambda c: -c.score)
    notes = list(result.notes)
    if not candidates or candidates[0].coverage < MIN_COVERAGE:
        return _not_found(question, result, reports, notes)
    best = candidates[0]
    chosen = [best]
    if result.plan.year is None and not result.plan.places:
        chosen = _per_report(candidates, best, reports, numeric)
    citations = [Citation(n, c.hit.chunk, getattr(reports.get(c.hit.chunk.report_id), "title", None),
                          getattr(reports.get(c.hit.chunk.report_id), "organisation", None), c.sentence)
                 for n, c in enumerate(chosen, start=1)]
    if len(chosen) == 1:
        text = f"{_trim(best.sentence, weights)}[1]"
    else:
        notes.append("问题没有限定年份或单位，不同报告的内容不同，按报告分别列出")
        lines = [f"- {_report_label(c, reports)}：{_trim(c.sentence, weights)}[{n}]" for n, c in enumerate(chosen, start=1)]
        text = "不同报告的说法不同，分别列出：\n" + "\n".join(lines)
    return Answer(text=text, mode="extractive", citations=citations, notes=notes)


def _query_weights(question: str, result: SearchResult, tokenizer, focus: str | None) -> dict[str, float]:
    own, expansions = tokenizer.query_tokens(question)
    place = {t for word in result.plan.place_words for t in tokenizer.tokens(word)}
    weights: dict[str, float] = {}
    for token in own:
        if not metadata_token(token, result.plan) and token not in place:   # the organisation is a filter
            weights[token] = max(weights.get(token, 0), 1.0 if len(token) > 1 else 0.5)
    for token in expansions:
        weights.setdefault(token, 0.6)
    if focus:
        for token in tokenizer.tokens(focus):
            if token in weights:
                weights[token] *= 2.5
    return weights


def _units(text: str) -> list[tuple[str, float]]:
    """Sentences, and a sentence together with the one before it when it goes on from it
    ("…南区,项目土建基本完工。目前已完成投资48000万元"), with a small cost for the longer unit."""
    sentences = [s.strip() for s in split_sentences(text) if len(s.strip()) >= 4]
    units = [(s, 0.0) for s in sentences]
    units += [(a + b, 0.25) for a, b in zip(sentences, sentences[1:]) if _CONTINUATION.match(b)]
    return units


def _best_sentence(hit: Hit, weights: dict[str, float], numeric: bool, tokenizer) -> Candidate | None:
    """The best unit of a passage; a close runner-up with figures of its own is kept beside it."""
    ranked = _ranked_units(hit, weights, numeric, tokenizer)
    if not ranked:
        return None
    best = ranked[0]
    covered = {t for t in weights if t in best.sentence}
    for other in ranked[1:3]:
        adds = {t for t in weights if len(t) > 1 and t in other.sentence} - covered
        if numeric and adds and _has_real_figure(other.sentence) \
                and other.sentence not in best.sentence and best.sentence not in other.sentence \
                and len(best.sentence) + len(other.sentence) <= 2 * MAX_ANSWER_CHARS:
            first, second = sorted([best, other], key=lambda c: hit.chunk.text.find(c.sentence))
            best = Candidate(hit, first.sentence + second.sentence, best.score, max(best.coverage, other.coverage))
            break
    return best


_MEASURE = re.compile(r"\d\s*[个剂人次例名张户份辆间套管家所座台项条天岁批支床元万亿%‰％]")


def _has_real_figure(sentence: str) -> bool:
    """A count, amount or rate — not an outline number like "1." or "（3）"."""
    return bool(_MEASURE.search(sentence)) or any(f.kind != "plain" or f.value >= 10 for f in figures(sentence))


def _ranked_units(hit: Hit, weights: dict[str, float], numeric: bool, tokenizer) -> list[Candidate]:
    total = sum(weights.values()) or 1.0
    found: list[Candidate] = []
    heading = set(tokenizer.tokens(" ".join(hit.chunk.section_path)))
    for sentence, cost in _units(hit.chunk.text):
        tokens = set(tokenizer.tokens(sentence))
        matched = sum(w for t, w in weights.items() if t in tokens or t in heading)
        coverage = min(1.0, matched / total)
        score = matched + 0.3 / hit.rank - cost
        if numeric:     # a sentence without a real figure cannot answer "多少"
            score += 0.8 if _has_real_figure(sentence) else -1.5
        found.append(Candidate(hit, sentence, score, coverage))
    return sorted(found, key=lambda c: -c.score)


def _per_report(candidates: list[Candidate], best: Candidate, reports: dict, numeric: bool) -> list[Candidate]:
    """One candidate per report when several reports answer about as well and differ in year or organisation."""
    chosen = [best]
    seen = {best.hit.chunk.report_id}
    for c in candidates[1:]:
        if c.hit.chunk.report_id in seen or c.coverage < 0.8 * best.coverage or c.score < 0.75 * best.score:
            continue
        if numeric and not figures(c.sentence):
            continue
        if _differs(c, chosen, reports):
            chosen.append(c)
            seen.add(c.hit.chunk.report_id)
        if len(chosen) == 3:
            break
    return chosen


def _differs(candidate: Candidate, chosen: list[Candidate], reports: dict) -> bool:
    def key(c: Candidate):
        row = reports.get(c.hit.chunk.report_id)
        return (c.hit.chunk.years.start, getattr(row, "organisation", None))
    return all(key(candidate) != key(c) for c in chosen)


def _report_label(candidate: Candidate, reports: dict) -> str:
    """"2021年" when the passage itself says so, else the report's title or file name."""
    chunk = candidate.hit.chunk
    row = reports.get(chunk.report_id)
    title = getattr(row, "title", None)
    if chunk.year and str(chunk.year) in chunk.context + (title or ""):
        return f"{chunk.year}年（{title or chunk.source}）"
    return f"《{title}》" if title else chunk.source


def _trim(sentence: str, weights: dict[str, float]) -> str:
    """A long sentence is cut to its qualifier and the clauses that match the question (verbatim pieces)."""
    if len(sentence) <= MAX_ANSWER_CHARS:
        return sentence
    clauses = [m.group(0) for m in _CLAUSE.finditer(sentence)]
    keep = [i for i, clause in enumerate(clauses) if any(t in clause for t in weights if len(t) > 1)]
    qualifier = 0 if clauses and _QUALIFIER.match(clauses[0]) else None
    picked = sorted(set(keep[:4]) | ({qualifier} if qualifier is not None else set()))
    if not picked:
        return sentence[:MAX_ANSWER_CHARS] + "……"
    out, previous = "", None
    for i in picked:
        if previous is not None and i != previous + 1:
            out += "……"
        out += clauses[i]
        previous = i
    return out.rstrip("，,；;：:") + ("。" if not out.endswith("。") else "")


def _overview(result: SearchResult, reports: dict, limit: int = 5) -> Answer:
    """The lead sentence of each of the top passages of one report part, in document order, cited."""
    pool = result.hits
    if result.plan.year is not None and any(h.chunk.year == result.plan.year for h in pool):
        pool = [h for h in pool if h.chunk.year == result.plan.year]      # "四、2022年…" before "未来五年"
    top_report = pool[0].chunk.report_id
    hits = sorted((h for h in pool if h.chunk.report_id == top_report), key=lambda h: h.chunk.ordinal)[:limit]
    row = reports.get(top_report)
    title, org = getattr(row, "title", None), getattr(row, "organisation", None)
    citations, lines = [], []
    for n, hit in enumerate(hits, start=1):
        lead = next((s.strip() for s in split_sentences(hit.chunk.text) if len(s.strip()) >= 4), hit.chunk.text)
        lines.append(f"- {lead}[{n}]")
        citations.append(Citation(n, hit.chunk, title, org, lead))
    where = " > ".join(hits[0].chunk.section_path[:1]) if hits else ""
    head = f"{'《' + title + '》' if title else hits[0].chunk.source}" + (f"“{where}”" if where else "") + "的要点："
    return Answer(text=head + "\n" + "\n".join(lines), mode="extractive", citations=citations, notes=list(result.notes))


def _not_found(question: str, result: SearchResult, reports: dict, notes: list[str]) -> Answer:
    closest = []
    for hit in result.hits[:3]:
        row = reports.get(hit.chunk.report_id)
        title = getattr(row, "title", None)
        closest.append(f"《{title}》" if title else hit.chunk.source)
    text = "资料中未找到与这个问题直接相关的内容。"
    if closest:
        text += "最接近的资料：" + "、".join(dict.fromkeys(closest)) + "。"
    return Answer(text=text, mode="extractive", notes=notes, found=False)
