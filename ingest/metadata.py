"""Rule-based metadata: years, period, document type, section kind, organisation, date. No LLM.

The rule for years is "never a wrong guess": 202_, 20XX, xxxx年 mean *unknown*, and a year is taken
only from where a report states it (title, heading, opening sentence), never from a figure in the body.
"""

from __future__ import annotations

import re
from collections import Counter

from ingest.model import DocType, Period, ReportMeta, Section, SectionKind, YearSpan
from ingest.outline import chinese_to_int, match_marker

_CN_DIGIT = "〇零一二三四五六七八九"
_YEAR = re.compile(rf"(?<![\d_xX])((?:19|20)\d{{2}}|[{_CN_DIGIT}]{{4}})\s*年")
_PLACEHOLDER_YEAR = re.compile(r"(?:20[_＿xX]{2}|[xX]{4}|20\d[_＿xX]|[xX]{1,2})\s*年")
_SINCE = re.compile(rf"((?:19|20)\d{{2}}|[{_CN_DIGIT}]{{4}})\s*年\s*(?:以来|至今)")
_RANGE = re.compile(r"((?:19|20)\d{2})\s*[-—–~～至到]\s*((?:19|20)\d{2})\s*年")
_NEXT_N = re.compile(r"(?:未来|今后)\s*([一二三四五六七八九十\d]{1,2})\s*年")
_TITLE_JOIN = re.compile(r"(?<=[总结情况])\s*(?:与|和|及|暨|并|、)\s*")
_FIVE_YEAR_PLAN = {"十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}

_PLAN_WORDS = re.compile(r"(计划|谋划|打算|思路|要点|安排|展望|下一步|下步|目标任务|工作重点|重点工作)")
_PROBLEM_WORDS = re.compile(r"(问题|不足|短板|困难|差距|弱项|薄弱)")
_SUGGESTION_WORDS = re.compile(r"(意见|建议)")
_ACHIEVEMENT_WORDS = re.compile(r"(总结|完成情况|进展|成效|开展|主要工作|工作情况|履职|成绩|回顾)")

_ORG_SUFFIX = r"(?:卫健委|卫健局|卫生健康委员会|卫生健康委|卫生健康局|卫生和计划生育委员会|卫计委|卫生计生委)"
_ORG = re.compile(rf"(?<![\u4e00-\u9fff])((?:(?:[xX]{{1,3}}|[\u4e00-\u9fff]{{1,4}})?[省市区县州旗])*){_ORG_SUFFIX}")
_NOT_A_PLACE = re.compile(r"^(?:按照|根据|在|和|与|由|对|经|向|及|我|省)")
_DATE = re.compile(r"(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
                   r"\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日")


def parse_year(token: str) -> int | None:
    """'2021' → 2021, '二〇二一' → 2021."""
    if token.isdigit():
        return int(token)
    digits = "".join(str("〇一二三四五六七八九".index(c)) if c != "零" else "0" for c in token if c in _CN_DIGIT)
    return int(digits) if len(digits) == 4 else None


def years_in(text: str, *, anchor: int | None = None) -> YearSpan:
    """The years a heading or title states, relative forms resolved against `anchor` (report year).

    "2021年工作总结" → 2021; "2017年以来" → 2017..anchor; "2021-2025年" → range; "未来五年" →
    anchor+1..anchor+5; "202_年" → unknown.
    """
    if m := _RANGE.search(text):
        return YearSpan(int(m.group(1)), int(m.group(2)))
    if m := _SINCE.search(text):
        start = parse_year(m.group(1))
        return YearSpan(start, anchor if anchor and start and anchor >= start else None)
    for name, (start, end) in _FIVE_YEAR_PLAN.items():
        if f"{name}以来" in text and anchor:
            return YearSpan(start, anchor)
        if f"{name}规划" in text or f"“{name}”" in text:
            return YearSpan(start, end)
    if (m := _NEXT_N.search(text)) and anchor:
        n = int(m.group(1)) if m.group(1).isdigit() else chinese_to_int(m.group(1))
        return YearSpan(anchor + 1, anchor + (n or 1))
    if anchor and re.search(r"明年|下一年|来年", text):
        return YearSpan(anchor + 1)
    years = [y for y in (parse_year(t) for t in _YEAR.findall(text)) if y and 1990 <= y <= 2100]
    if years:
        return YearSpan(min(years), max(years)) if len(set(years)) > 1 else YearSpan(years[0])
    return YearSpan()


def has_placeholder_year(text: str) -> bool:
    return bool(_PLACEHOLDER_YEAR.search(text)) and not _YEAR.search(text)


def title_years(title: str, *, anchor: int | None = None) -> tuple[YearSpan, YearSpan]:
    """(summary years, plan years) from a title such as "2022年度工作总结与 2023年度工作计划".

    The title is read part by part ("…总结" 与/和/及/暨 "…计划"); a part with a plan word gives the
    plan years, any other part the summary years. Placeholder years give unknown, not a guess.
    """
    summary, plan = YearSpan(), YearSpan()
    for part in _TITLE_JOIN.split(title):
        if has_placeholder_year(part):
            continue
        if _PLAN_WORDS.search(part) and not _SINCE.search(part):
            plan = plan if plan.known else years_in(part, anchor=anchor)
        else:
            summary = summary if summary.known else years_in(part, anchor=anchor)
    return summary, plan


def classify_heading(title: str) -> SectionKind | None:
    if _PROBLEM_WORDS.search(title) and not _PLAN_WORDS.search(title):
        return SectionKind.PROBLEMS
    if _PLAN_WORDS.search(title):
        return SectionKind.PLANS
    if _SUGGESTION_WORDS.search(title):
        return SectionKind.OTHER
    if _ACHIEVEMENT_WORDS.search(title):
        return SectionKind.ACHIEVEMENTS
    return None


def section_kind(path: tuple[str, ...], default: SectionKind) -> SectionKind:
    """The top-level heading decides for everything below it ("三、存在问题" → problems).

    Deeper headings name pieces of work and use the same words in another sense
    ("（六）补短板，强弱项，…服务能力有效提升" is an achievement), so they are not read.
    """
    kind = classify_heading(path[0]) if path else None
    return kind if kind is not None else default


def section_years(path: tuple[str, ...], kind: SectionKind, meta: ReportMeta) -> YearSpan:
    """Nearest heading that states years wins; otherwise the report's summary or plan years."""
    anchor = meta.years.end or meta.years.start
    for title in reversed(path):
        span = years_in(title, anchor=anchor)
        if span.known or has_placeholder_year(title):
            return span
    if kind is SectionKind.PLANS:
        return meta.plan_years
    return meta.years


def doc_type(title: str | None, kinds: set[SectionKind]) -> DocType:
    text = title or ""
    has_summary = bool(_ACHIEVEMENT_WORDS.search(text)) or "以来" in text
    has_plan = bool(_PLAN_WORDS.search(text))
    if "要点" in text and not has_summary:
        return DocType.KEY_POINTS
    if has_plan and not has_summary:
        return DocType.PLAN
    if (has_plan and has_summary) or (SectionKind.PLANS in kinds and SectionKind.ACHIEVEMENTS in kinds):
        return DocType.SUMMARY_AND_PLAN
    if not title and SectionKind.PLANS in kinds and SectionKind.ACHIEVEMENTS not in kinds:
        return DocType.PLAN
    return DocType.SUMMARY


def period(title: str | None, years: YearSpan) -> Period:
    text = title or ""
    if "上半年" in text:
        return Period.FIRST_HALF
    if "下半年" in text:
        return Period.SECOND_HALF
    if "以来" in text or (years.known and years.end not in (None, years.start)):
        return Period.MULTI_YEAR
    return Period.FULL_YEAR


def organisation(title: str | None, body: list[str], signoff: tuple[str, ...]) -> str | None:
    """Signing line first; then the most frequent mention that names a place; then the title's."""
    for line in signoff:
        if m := _ORG.fullmatch(line):
            return m.group(0)
    mentions = Counter(m.group(0) for line in body for m in _ORG.finditer(line)
                       if m.group(1) and not _NOT_A_PLACE.match(m.group(1)))
    if mentions:
        best = max(mentions.items(), key=lambda item: (item[1], len(item[0])))
        return best[0]
    if title and (m := _ORG.search(title)):
        return m.group(0)
    return None


def report_date(signoff: tuple[str, ...], title: str | None) -> str | None:
    for text in (*signoff, title or ""):
        if m := _DATE.search(text):
            year = parse_year(m.group(1))
            month = int(m.group(2)) if m.group(2).isdigit() else chinese_to_int(m.group(2))
            day = int(m.group(3)) if m.group(3).isdigit() else chinese_to_int(m.group(3))
            if year and month and day and 1 <= month <= 12 and 1 <= day <= 31:
                return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def report_meta(title: str | None, body: list[str], signoff: tuple[str, ...],
                sections: list[Section]) -> ReportMeta:
    """Everything the report states about itself; the date anchors relative years (以来, 未来五年)."""
    date = report_date(signoff, title)
    anchor = int(date[:4]) if date else _latest_heading_year(sections)
    if title:
        summary, plan = title_years(title, anchor=anchor)
    else:
        summary, plan = _opening_years(body), YearSpan()
    if summary.known and not plan.known:
        plan = _plan_years_from_headings(sections, summary)
    kinds = {section_kind(s.path, SectionKind.ACHIEVEMENTS) for s in sections}
    kind_of_doc = doc_type(title, kinds)
    if kind_of_doc in (DocType.PLAN, DocType.KEY_POINTS) and not summary.known:
        summary = plan
    return ReportMeta(
        title=title,
        years=summary,
        plan_years=plan,
        period=period(title, summary),
        doc_type=kind_of_doc,
        organisation=organisation(title, body, signoff),
        date=date,
    )


def _opening_years(body: list[str]) -> YearSpan:
    """A report without a title: the year its opening paragraphs start with ("2021年全区卫生健康系统…")."""
    paragraphs = [line for line in body[:6] if match_marker(line) is None][:2]
    for paragraph in paragraphs:
        if m := _YEAR.match(paragraph):
            return YearSpan(parse_year(m.group(1)))
    return YearSpan()


def _latest_heading_year(sections: list[Section]) -> int | None:
    years = [y for s in sections for t in s.path for y in years_in(t).years]
    return max(years) if years else None


def _plan_years_from_headings(sections: list[Section], summary: YearSpan) -> YearSpan:
    last = summary.end or summary.start
    for section in sections:
        if section.path and classify_heading(section.path[0]) is SectionKind.PLANS:
            span = years_in(section.path[0], anchor=last)
            if span.known:
                return span
            if "下半年" in section.path[0] and last:
                return YearSpan(last)       # a half-year report's plan for the rest of the year
    has_plans = any(s.path and classify_heading(s.path[0]) is SectionKind.PLANS for s in sections)
    return YearSpan(last + 1) if last and has_plans else YearSpan()
