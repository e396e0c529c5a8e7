"""Cut sections into chunks on Chinese sentence boundaries, within a token budget.

Chunks never leave their section, never cut inside a figure ("201187剂", "72.17%", "-1.53‰",
"9月21日", "1:2"), and keep the text verbatim so a citation can quote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.model import Chunk, Report, content_id
from ingest.tokens import TokenCounter

_SENTENCE = re.compile(r".+?(?:[。！？；;!?]+[”’」』）)]*|$)", re.S)
_CLAUSE_END = re.compile(r"[，、,：:]+[”’」』）)]*")
_UNIT = "万亿千百余多个名人次剂例元张户份辆间套管家所座台项条篇天岁周批支床%‰％"
_FIGURE = re.compile(
    r"\d{1,4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?"          # 2021年9月22日, 2021年9月
    r"|\d{1,2}\s*月\s*\d{1,2}\s*[日号]"                             # 9月21日
    r"|\d{1,2}[:：]\d{2}(?::\d{2})?"                                  # 10:30
    rf"|[-+－]?\d+(?:[.,．:：/]\d+)*\s*(?:[-~～—至]\s*\d+(?:[.,．]\d+)*)?[{_UNIT}]{{0,2}}"
)


@dataclass(frozen=True, slots=True)
class TokenBudget:
    max_tokens: int
    counter: TokenCounter

    def fits(self, text: str) -> bool:
        return self.counter.count(text) <= self.max_tokens


def split_sentences(text: str) -> list[str]:
    """Sentences with their terminators and closing quotes; ''.join(result) == text."""
    return [m.group(0) for m in _SENTENCE.finditer(text) if m.group(0)]


def protected_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _FIGURE.finditer(text)]


def safe_cut(text: str, position: int, spans: list[tuple[int, int]]) -> int:
    """Move a cut position left so that it does not fall inside a figure."""
    for start, end in spans:
        if start < position < end:
            return start if start > 0 else end
    return position


def split_clauses(sentence: str) -> list[str]:
    """Cut after commas, 、 and colons, except inside a figure ("10:30", "1,234")."""
    spans = protected_spans(sentence)
    cuts = [m.end() for m in _CLAUSE_END.finditer(sentence)
            if not any(start < m.end() < end or start < m.start() < end for start, end in spans)]
    bounds = [0, *(c for c in cuts if 0 < c < len(sentence)), len(sentence)]
    return [sentence[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def _pieces(sentence: str, budget: TokenBudget) -> list[str]:
    """A sentence over budget: cut at commas, then (last resort) by length, never inside a figure."""
    if budget.fits(sentence):
        return [sentence]
    pieces: list[str] = []
    current = ""
    for clause in split_clauses(sentence):
        if current and not budget.fits(current + clause):
            pieces.append(current)
            current = ""
        current += clause
        while not budget.fits(current):
            cut = _longest_fitting_prefix(current, budget)
            pieces.append(current[:cut])
            current = current[cut:]
    if current:
        pieces.append(current)
    return pieces


def _longest_fitting_prefix(text: str, budget: TokenBudget) -> int:
    lo, hi = 1, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if budget.fits(text[:mid]):
            lo = mid
        else:
            hi = mid - 1
    return max(1, safe_cut(text, lo, protected_spans(text)))


def chunk_text(paragraphs: tuple[str, ...], budget: TokenBudget) -> list[str]:
    """Pack sentences greedily; a paragraph break inside a chunk stays a newline."""
    chunks: list[str] = []
    current = ""
    for paragraph in paragraphs:
        first = True
        for sentence in split_sentences(paragraph):
            for piece in _pieces(sentence, budget):
                glue = "\n" if first and current else ""
                first = False
                if current and not budget.fits(current + glue + piece):
                    chunks.append(current)
                    current, glue = "", ""
                current += glue + piece
    if current:
        chunks.append(current)
    return chunks


def chunk_report(report: Report, budget: TokenBudget) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: set[str] = set()
    last: dict[str, str] = {}                 # first id of a text -> the id its latest repeat got
    for section in report.sections:
        for text in chunk_text(section.paragraphs, budget):
            first = content_id(report.id, section.path, text)
            chunk_id = content_id(last[first], "dup") if first in last else first
            while chunk_id in seen:           # the same text again in one section: the next id of its chain
                chunk_id = content_id(chunk_id, "dup")
            last[first] = chunk_id            # (a text repeated n times costs n hashes, not n²/2)
            seen.add(chunk_id)
            chunks.append(Chunk(
                id=chunk_id, report_id=report.id, source=report.source, section_path=section.path,
                text=text, ordinal=len(chunks), kind=section.kind, years=section.years,
                tokens=budget.counter.count(text), years_origin=section.years_origin,
                outline_only=section.outline_only,
            ))
    return chunks
