"""Extractive answers: the best-matching sentences of the top passages, verbatim and cited.

This is what runs offline, so it tries to answer the way a colleague would: the sentence with the
asked-for figure, with its date qualifier ("截至9月21日"), named by report; one line per report when the
question leaves the year or the place open and the reports differ; and "资料中未找到" — with the nearest
material — when no passage holds what was asked (see `assistant.answerability`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer_model import Answer, Citation
from assistant.answerability import Asked, Verdict, about_a_subgroup, in_scope, judge, read_question
from assistant.numbers import figures
from ingest.chunking import split_sentences
from ingest.lexicon import FIGURE_UNITS, NOT_FOUND, NUMERIC_QUESTION_WORDS, alternation
from ingest.model import SectionKind
from ingest.outline import match_marker
from vectorstore.retrieval import Hit, SearchResult, metadata_token

NUMERIC_QUESTION = re.compile(alternation(NUMERIC_QUESTION_WORDS))
_CONTINUATION = re.compile(r"^(目前|其中|截至目前|截至|截止|共|累计|全年|已|现已|总计)")
_QUALIFIER = re.compile(r"^(截至|截止|截止到|到|至|年初至|今年以来|全年|上半年|下半年)[^，,。；]{0,16}[，,]")
_CLAUSE = re.compile(r"[^，,；;：:]+[，,；;：:]?")
_TABLE_RULE = re.compile(r"^[\s|:：\-—]+$")          # "|---|---|" under a Markdown table's header
_MEASURE = re.compile(rf"\d\s*(?:{'|'.join(FIGURE_UNITS.values())})")
MAX_ANSWER_CHARS = 160
PART_PREFERENCE = 0.5        # in sentence score units (a matched question word counts 1.0)
NEAREST_COVERAGE = 0.5      # a declined answer quotes the nearest sentence only when it shares this much
SUBGROUP_PENALTY = 2.5       # a subgroup's figure (脱贫人口…签约率) when the question asks about everyone
MAX_REPORTS = 3


@dataclass(slots=True)
class Candidate:
    hit: Hit
    sentence: str
    score: float
    verdict: Verdict


@dataclass(slots=True)
class _Question:
    """A question as the answerer uses it: ranking weights for sentences, and what it asks for."""

    text: str
    result: SearchResult
    weights: dict[str, float]
    asked: Asked
    numeric: bool
    parts: object                        # tokenizer.tokens: a word's dictionary parts
    reports: dict                        # report id -> its document-store row


def extractive_answer(question: str, result: SearchResult, tokenizer, reports: dict, *,
                      focus: str | None = None) -> Answer:
    """`reports`: report id -> ReportRow (title, organisation, place). `focus`: a follow-up's new words."""
    q = _read(question, result, tokenizer, focus, reports)
    if result.plan.kinds & {"plans", "problems"} and not q.asked.concepts and result.hits:
        return _overview(q, reports)              # "2022年工作计划": the plan's items, not one sentence
    found, nearest = _candidates(q, reports)
    notes = list(result.notes)
    if not found:
        return _not_found(q, nearest, reports, notes)
    chosen = _per_report(found, reports, by_year=result.plan.year is None,
                         by_place=not (result.plan.places or result.plan.nearby))
    citations = [_citation(n, c, reports) for n, c in enumerate(chosen, start=1)]
    if len(chosen) == 1:
        text = f"{_trim(chosen[0].sentence, q.weights)}[1]"
    else:
        notes.append("问题没有限定年份或地区，不同报告的内容不同，按报告分别列出")
        lines = [f"- {_report_label(c, reports)}：{_trim(c.sentence, q.weights)}[{n}]" for n, c in enumerate(chosen, start=1)]
        text = "不同报告的说法不同，分别列出：\n" + "\n".join(lines)
    return Answer(text=text, mode="extractive", citations=citations, notes=notes)


def _read(question: str, result: SearchResult, tokenizer, focus: str | None, reports: dict) -> _Question:
    plan = result.plan
    not_content = set(plan.place_words) | {str(y) for y in plan.years} | {f"{y}年" for y in plan.years}
    asked = read_question(question, synonyms=tokenizer.synonyms_in, words=tokenizer.words, not_content=not_content)
    return _Question(question, result, _query_weights(question, result, tokenizer, focus), asked,
                     bool(NUMERIC_QUESTION.search(question)) or bool(asked.measures), tokenizer.tokens, reports)


def _query_weights(question: str, result: SearchResult, tokenizer, focus: str | None) -> dict[str, float]:
    """Token weights for ranking the sentences of a passage (place and time words excluded)."""
    own, expansions = tokenizer.query_tokens(question)
    place = {t for word in result.plan.place_words for t in tokenizer.tokens(word)}
    weights: dict[str, float] = {}
    for token in own:
        if not metadata_token(token, result.plan) and token not in place:
            weights[token] = max(weights.get(token, 0), 1.0 if len(token) > 1 else 0.5)
    for token in expansions:
        weights.setdefault(token, 0.6)
    if focus:
        for token in tokenizer.tokens(focus):
            if token in weights:
                weights[token] *= 2.5
    return weights


# --- choosing sentences --------------------------------------------------------------------------------

def _candidates(q: _Question, reports: dict) -> tuple[list[Candidate], Candidate | None]:
    """(the best answering unit of each passage, best first; the nearest unit overall when none answers)."""
    found: list[Candidate] = []
    nearest: Candidate | None = None
    plan = q.result.plan
    for hit in q.result.hits:
        if hit.chunk.kind is SectionKind.DOCUMENT and "document" not in plan.kinds:
            continue                                       # 文号 and dates answer only questions about them
        report = reports.get(hit.chunk.report_id)
        ranked = _ranked_units(hit, q)
        for candidate in ranked:
            why = candidate.verdict.reason
            if not why and not in_scope(hit.chunk, report, places=plan.places, year=plan.year_filter,
                                        sentence=candidate.sentence):
                why = "不是所问的年份或地区"
            elif not why and q.asked.actual and hit.chunk.kind is SectionKind.PLANS:
                why = "是计划目标，不是实际完成"           # "实际完成多少": a target is no answer
            if why:
                if nearest is None or candidate.score > nearest.score:
                    nearest = Candidate(hit, candidate.sentence, candidate.score,
                                        Verdict(False, candidate.verdict.coverage, why))
                continue
            found.append(_with_runner_up(candidate, ranked, q))
            break
    found.sort(key=lambda c: -c.score)
    return found, nearest


def _units(text: str) -> list[tuple[str, float]]:
    """Sentences — a table row counts as one, under its table's header row ("指标 | 2022年 | 2023年") —
    and a sentence together with the one before it when it goes on from it ("…南区,项目土建基本完工。
    目前已完成投资48000万元"), with a small cost for the longer unit."""
    sentences: list[str] = []
    header = None
    for line in text.split("\n"):
        if line.count("|") < 2:
            header = None
            sentences += [s.strip() for s in split_sentences(line) if len(s.strip()) >= 4]
        elif not _TABLE_RULE.match(line):
            if header is None:
                header = line.strip()
            sentences.append(line.strip() if line.strip() == header else f"{header}\n{line.strip()}")
    units = [(s, 0.0) for s in sentences]
    units += [(a + b, 0.25) for a, b in zip(sentences, sentences[1:]) if _CONTINUATION.match(b)]
    return units


def _ranked_units(hit: Hit, q: _Question) -> list[Candidate]:
    chunk = hit.chunk
    title = getattr(q.reports.get(chunk.report_id), "title", None) or ""
    found: list[Candidate] = []
    previous = ""
    for sentence, cost in _units(chunk.text):
        if _only_its_heading(sentence, chunk):
            continue
        heading = " ".join(_heading_for(sentence, chunk))
        heading_tokens = set(q.parts(heading))
        tokens = set(q.parts(sentence))
        matched = sum(w for t, w in q.weights.items() if t in tokens or t in heading_tokens)
        score = matched + 0.3 / hit.rank - cost
        if q.numeric:     # a sentence without a real figure cannot answer "多少"
            score += 0.8 if _has_real_figure(sentence) else -1.5
        score += _part_preference(hit, q)
        if q.asked.measures and about_a_subgroup(q.asked, sentence, q.text, q.parts):
            score -= SUBGROUP_PENALTY
        found.append(Candidate(hit, sentence, score, judge(q.asked, sentence, heading, q.parts, before=previous,
                                                           title=title)))
        if not cost:
            previous = sentence
    return sorted(found, key=lambda c: (-c.verdict.ok, -c.score))


def _heading_for(sentence: str, chunk) -> tuple[str, ...]:
    """The heading path over a sentence. A run-in "一是…" ("一是人才队伍短板明显。二是…。三是…" in one
    paragraph) names its own sentence only, not the ones after it."""
    path = chunk.section_path
    marker = match_marker(path[-1]) if path else None
    if marker is not None and marker.style == "shi" and not chunk.text.startswith(sentence):
        return path[:-1]
    return path


def _part_preference(hit: Hit, q: _Question) -> float:
    """The part asked about first; without plan words, what was done before what was planned."""
    kind = hit.chunk.kind.value
    if kind in q.result.plan.kinds:
        return PART_PREFERENCE
    return -PART_PREFERENCE if kind == "plans" and not q.result.plan.kinds else 0.0


def _with_runner_up(best: Candidate, ranked: list[Candidate], q: _Question) -> Candidate:
    """A close runner-up of the same passage (`ranked`: its units) with figures of its own, for what the
    best one lacks."""
    if not q.numeric:
        return best
    hit = best.hit
    covered = {t for t in q.weights if t in best.sentence}
    for other in [c for c in ranked if c.sentence != best.sentence][:2]:
        adds = {t for t in q.weights if len(t) > 1 and t in other.sentence} - covered
        if adds and other.verdict.ok and _has_real_figure(other.sentence) \
                and other.sentence not in best.sentence and best.sentence not in other.sentence \
                and len(best.sentence) + len(other.sentence) <= 2 * MAX_ANSWER_CHARS:
            first, second = sorted([best, other], key=lambda c: hit.chunk.text.find(c.sentence))
            return Candidate(hit, first.sentence + second.sentence, best.score, best.verdict)
    return best


def _has_real_figure(sentence: str) -> bool:
    """A count, amount or rate — not an outline number like "1." or "（3）"."""
    return bool(_MEASURE.search(sentence)) or any(f.kind != "plain" or f.value >= 10 for f in figures(sentence))


def _per_report(candidates: list[Candidate], reports: dict, *, by_year: bool, by_place: bool) -> list[Candidate]:
    """One candidate per report when several answer about as well and differ in what the question left
    open: the year (no year asked), the place (no place asked)."""
    best = candidates[0]
    chosen = [best]
    if not (by_year or by_place):
        return chosen

    def key(c: Candidate):
        row = reports.get(c.hit.chunk.report_id)
        return (c.hit.chunk.years.start if by_year else None, getattr(row, "place", None) if by_place else None)

    for c in candidates[1:]:
        if c.hit.chunk.report_id in {x.hit.chunk.report_id for x in chosen} or c.score < 0.75 * best.score:
            continue
        if all(key(c) != key(x) for x in chosen):
            chosen.append(c)
        if len(chosen) == MAX_REPORTS:
            break
    return chosen


# --- composing ------------------------------------------------------------------------------------------

def _citation(n: int, c: Candidate, reports: dict) -> Citation:
    row = reports.get(c.hit.chunk.report_id)
    return Citation(n, c.hit.chunk, getattr(row, "title", None), getattr(row, "organisation", None), c.sentence)


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


def _overview(q: _Question, reports: dict, limit: int = 5) -> Answer:
    """The lead sentence of each of the top passages of one report part, in document order, cited."""
    result = q.result
    pool = [h for h in result.hits if h.chunk.kind.value in result.plan.kinds
            and in_scope(h.chunk, reports.get(h.chunk.report_id), places=result.plan.places,
                         year=result.plan.year_filter, sentence=h.chunk.text)]
    if result.plan.year is not None and any(h.chunk.year == result.plan.year for h in pool):
        pool = [h for h in pool if h.chunk.year == result.plan.year]      # "四、2022年…" before "未来五年"
    leads = [(h, lead) for h in pool if (lead := _lead(h.chunk))]
    if not leads:
        return _not_found(q, None, reports, list(result.notes))
    top_report = leads[0][0].chunk.report_id
    leads = sorted(((h, lead) for h, lead in leads if h.chunk.report_id == top_report), key=lambda p: p[0].chunk.ordinal)[:limit]
    row = reports.get(top_report)
    title, org = getattr(row, "title", None), getattr(row, "organisation", None)
    citations, lines = [], []
    for n, (hit, lead) in enumerate(leads, start=1):
        lines.append(f"- {lead}[{n}]")
        citations.append(Citation(n, hit.chunk, title, org, lead))
    first = leads[0][0].chunk
    where = " > ".join(first.section_path[:1])
    head = f"{'《' + title + '》' if title else first.source}" + (f"“{where}”" if where else "") + "的要点："
    notes = list(result.notes)
    if any(h.chunk.outline_only for h, _ in leads):
        notes.append("部分要点只见于报告的目录（正文缺失），引用的是目录中的标题")
    return Answer(text=head + "\n" + "\n".join(lines), mode="extractive", citations=citations, notes=notes)


def _lead(chunk) -> str | None:
    """A passage's first sentence (for TOC entries, the entries); None when it says nothing beyond its heading."""
    lead = next((s.strip() for s in split_sentences(chunk.text) if len(s.strip()) >= 4), None)
    return None if lead is None or _only_its_heading(lead, chunk) else lead


def _only_its_heading(text: str, chunk) -> bool:
    """"二、存在问题" under the heading "二、存在问题": a TOC entry whose part the body never reached."""
    return chunk.outline_only and bool(chunk.section_path) and text.strip().rstrip("。") == chunk.section_path[-1]


def _not_found(q: _Question, nearest: Candidate | None, reports: dict, notes: list[str]) -> Answer:
    """"资料中未找到", with the nearest material: the closest sentence (said to be no answer) and reports."""
    text = f"{NOT_FOUND}与这个问题直接相关的内容。"
    citations: list[Citation] = []
    if nearest is not None and nearest.verdict.coverage >= NEAREST_COVERAGE:
        text += f"最接近的内容（{nearest.verdict.reason}）：{_trim(nearest.sentence, q.weights)}[1]"
        citations.append(_citation(1, nearest, reports))
    else:
        closest = []
        for hit in q.result.hits[:3]:
            title = getattr(reports.get(hit.chunk.report_id), "title", None)
            closest.append(f"《{title}》" if title else hit.chunk.source)
        if closest:
            text += "最接近的资料：" + "、".join(dict.fromkeys(closest)) + "。"
    return Answer(text=text, mode="extractive", citations=citations, notes=notes, found=False)
