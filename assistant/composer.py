"""The offline composer: a structured first draft from the evidence alone, every paragraph cited.

Earlier plan sentences become items with their years moved forward ("2023年将推进…" → "继续推进…") and
their old targets turned into placeholders (【待定：原计划75%】: last year's target is not next year's);
problems named become measures ("针对…等问题，…"); achievements become "巩固…成果". The sentence frames
are the outline's phrases, so a user can reword them.
"""

from __future__ import annotations

import re

from assistant.draft_model import DraftParagraph, Evidence, EvidenceKind
from assistant.numbers import Figure, replace_figures
from ingest.lexicon import (CONTINUATION_WORDS, DEADLINE_WORDS, FIGURE_UNITS, NOT_TARGET_UNITS, PLAN_LEAD_VERBS,
                            SPEAKER_WORDS, alternation)
from prompts.outline import OutlineSection, Phrases, ordinal_item

MAX_PROBLEM_CHARS = 60
_MARKER = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．](?!\d)"
                     r"|[①-⑳]|[一二三四五六七八九十]{1,3}是)\s*")
_END = "。；;，,、 "
_PLACEHOLDER = re.compile(r"【待定：[^】]*】")
_PROBLEM_TAIL = re.compile(r"(?:等|的)?问题$")
_DEADLINE = alternation(DEADLINE_WORDS)
_DATE = re.compile(rf"((?:19|20)\d{{2}})年(?:\d{{1,2}}月(?:{_DEADLINE}|\d{{1,2}}日)?|{_DEADLINE})")
_KEPT = re.compile(rf"【待定：[^】]*】|\d+(?:\.\d+)?\s*{alternation(NOT_TARGET_UNITS)}")   # placeholders; 60岁以上
_QUANTITY = re.compile(rf"^\s*(?:{'|'.join(FIGURE_UNITS.values())})")   # 80%, 30名, 1.2亿元: amounts, so targets


def compose_offline(section: OutlineSection, evidence: tuple[Evidence, ...], *, year: int,
                    phrases: Phrases) -> tuple[DraftParagraph, ...]:
    """The section's paragraphs: plan items, then measures for the problems, then results to consolidate."""
    items: list[tuple[str, Evidence]] = []
    for e in evidence:
        if e.kind == EvidenceKind.PLAN:
            items.append((carry_forward(e.quote, e.chunk.years.years, year, phrases), e))
    for e in evidence:
        if e.kind == EvidenceKind.PROBLEM:
            items.append((phrases.address.format(problem=problem_clause(e.quote), action=section.action
                                                 or f"{phrases.continue_}加强{section.label}工作"), e))
    for e in evidence:
        if e.kind == EvidenceKind.ACHIEVEMENT:
            items.append((phrases.consolidate.format(topic=section.label, year=e.chunk.years,
                                                     fact=fact_clause(e.quote, e.chunk.years.years)), e))
    seen: set[str] = set()
    unique = []
    for text, e in items:
        if len(text) > 2 and text not in seen:
            seen.add(text)
            unique.append((text, e))
    if not unique:
        return (DraftParagraph(phrases.none.format(topic=section.label)),)
    numbered = len(unique) > 1
    return tuple(DraftParagraph((ordinal_item(n) if numbered else "") + text, (e.citation(),))
                 for n, (text, e) in enumerate(unique, start=1))


def carry_forward(sentence: str, plan_years: tuple[int, ...], year: int, phrases: Phrases) -> str:
    """An earlier plan's sentence as an item of the `year` plan: its own year moved to `year`, its targets
    placeholders, the plan verb ("将", "要") replaced by "继续"."""
    one_year = len(plan_years) == 1               # a multi-year plan's own years stay as written

    def moved(figure: Figure, is_year: bool, after: str) -> str | None:
        if is_year:
            return str(year) if one_year and int(figure.value) in plan_years and int(figure.value) < year else None
        if figure.kind == "plain" and not _QUANTITY.match(after) and figure.text[-1:] not in "万亿千":
            return None                             # 2型糖尿病, P3实验室, 120急救, 5G: names, not targets
        return phrases.placeholder.format(what=phrases.old_target.format(figure=figure.text))

    def old_date(m: re.Match) -> str:          # a deadline of the old plan is no deadline of the new one
        if int(m.group(1)) not in plan_years or len(plan_years) != 1:
            return m.group(0)
        return phrases.placeholder.format(what=phrases.old_target.format(figure=m.group(0)))

    text = _DATE.sub(old_date, strip_marker(sentence).rstrip(_END))
    text = _outside(_KEPT, text, lambda part: replace_figures(part, moved))
    text = re.sub(rf"^{year}年度?(?:[，,]\s*)?", "", text)
    text = _drop_prefix(text, SPEAKER_WORDS).lstrip("，, ")
    if text.startswith(PLAN_LEAD_VERBS) and not _drop_prefix(text, PLAN_LEAD_VERBS)[:1].isdigit():
        text = _drop_prefix(text, PLAN_LEAD_VERBS)
        if not text.startswith(CONTINUATION_WORDS):
            text = phrases.continue_ + text
    return text + "。"


def problem_clause(sentence: str) -> str:
    """"基层人才短缺、服务能力不强的问题。" → "基层人才短缺、服务能力不强"; long ones cut at a comma."""
    text = _PROBLEM_TAIL.sub("", strip_marker(sentence).rstrip(_END)).rstrip(_END)
    if len(text) > MAX_PROBLEM_CHARS:
        cut = max(text.rfind("，", 0, MAX_PROBLEM_CHARS), text.rfind("、", 0, MAX_PROBLEM_CHARS))
        text = text[:cut] if cut > 10 else text[:MAX_PROBLEM_CHARS]
    return text


def fact_clause(sentence: str, years: tuple[int, ...]) -> str:
    """An achievement as the clause after "2023年，": its marker and leading year dropped."""
    text = strip_marker(sentence).rstrip(_END)
    for y in years:
        text = re.sub(rf"^{y}年度?(?:[，,]\s*)?", "", text)
    return text


def strip_marker(text: str) -> str:
    return _MARKER.sub("", text, count=1).strip()


def placeholders(text: str) -> list[str]:
    return _PLACEHOLDER.findall(text)


def _outside(pattern: re.Pattern, text: str, change) -> str:
    """`text` with `change` applied to the stretches between matches of `pattern` (the matches kept)."""
    out, last = [], 0
    for m in pattern.finditer(text):
        out += [change(text[last:m.start()]), m.group(0)]
        last = m.end()
    return "".join(out) + change(text[last:])


def _drop_prefix(text: str, words: tuple[str, ...]) -> str:
    for word in sorted(words, key=len, reverse=True):
        if text.startswith(word):
            return text[len(word):]
    return text
