"""Rule-based metadata, each value with where it was read (`Origin`): years, period, document type,
section kind, organisation, place, level, date. No LLM.

The rule for years is "never a wrong guess": 202_, 20XX, xxxx年 mean *unknown*. A year is read where a
report states it (portal header, notice, title, heading) — those are sure and may filter a search — and,
failing that, from its opening sentence, file name or date: those are unsure and only rank.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import PurePath

from ingest.dates import iso_date, number, parse_year, year_month
from ingest.frontmatter import byline_organisation
from ingest.lexicon import (
    ACHIEVEMENT_WORDS, FIVE_YEAR_PLANS, NOT_PLAN_WORDS, NOT_PROBLEM_WORDS, PLACEHOLDER_YEAR,
    PLAN_PART_HEADING, PLAN_WORDS, PROBLEM_PART_HEADING, PROBLEM_WORDS, RELATIVE_YEARS, SUGGESTION_WORDS, THIS_YEAR_WORDS,
    YEAR, alternation, contains_word,
)
from ingest.model import DocType, MetaOrigins, Origin, Period, RawReport, ReportMeta, Section, SectionKind, YearSpan
from ingest.outline import match_marker
from ingest.places import (
    OrgName, body_level, find_organisations, has_name, level_of, organisation_line, province_of, suffix_of,
    title_place,
)

_YEAR = re.compile(rf"(?<![\d_xX])({YEAR})\s*年")
_PLACEHOLDER_YEAR = re.compile(rf"{PLACEHOLDER_YEAR}\s*年")
_SINCE = re.compile(rf"({YEAR})\s*年\s*(?:以来|至今)")
_RANGE = re.compile(r"((?:19|20)\d{2})\s*[-—–~～至到]\s*((?:19|20)\d{2})\s*年")
_NEXT_N = re.compile(r"(?:未来|今后)\s*([一二三四五六七八九十\d]{1,2})\s*年")
_TITLE_JOIN = re.compile(r"(?<=[总结情况述])\s*(?:与|和|及|暨|并|、)\s*")
_ACHIEVEMENT = re.compile(alternation(ACHIEVEMENT_WORDS))
_PROBLEM_PART = re.compile(PROBLEM_PART_HEADING)
_PLAN_PART = re.compile(PLAN_PART_HEADING)


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
    for name, (start, end) in FIVE_YEAR_PLANS.items():
        if f"{name}以来" in text and anchor:
            return YearSpan(start, anchor)
        if f"{name}规划" in text or f"“{name}”" in text:
            return YearSpan(start, end)
    if (m := _NEXT_N.search(text)) and anchor:
        n = number(m.group(1))
        return YearSpan(anchor + 1, anchor + (n or 1))
    if anchor and any(word in text for word, offset in RELATIVE_YEARS.items() if offset == 1):
        return YearSpan(anchor + 1)
    years = [y for y in (parse_year(t) for t in _YEAR.findall(text)) if y and 1990 <= y <= 2100]
    if years:
        return YearSpan(min(years), max(years)) if len(set(years)) > 1 else YearSpan(years[0])
    return YearSpan()


def states_year(text: str) -> bool:
    """Whether a text names a year outright (not only 明年 / 未来五年, which need an anchor)."""
    return bool(_YEAR.search(text) or _RANGE.search(text))


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
        if is_plan_text(part) and not _SINCE.search(part):
            plan = plan if plan.known else years_in(part, anchor=anchor)
        else:
            summary = summary if summary.known else years_in(part, anchor=anchor)
    return summary, plan


def is_plan_text(text: str) -> bool:
    return contains_word(text, PLAN_WORDS, unless=NOT_PLAN_WORDS)


def is_problem_text(text: str) -> bool:
    return contains_word(text, PROBLEM_WORDS, unless=NOT_PROBLEM_WORDS)


@lru_cache(maxsize=4096)
def classify_heading(title: str) -> SectionKind | None:
    if is_problem_text(title) and not is_plan_text(title):
        return SectionKind.PROBLEMS
    if is_plan_text(title):
        return SectionKind.PLANS
    if contains_word(title, SUGGESTION_WORDS):
        return SectionKind.OTHER
    if _ACHIEVEMENT.search(title):
        return SectionKind.ACHIEVEMENTS
    return None


def section_kind(path: tuple[str, ...], default: SectionKind) -> SectionKind:
    """The top-level heading decides for everything below it ("三、存在问题" → problems), unless a
    deeper heading is itself the name of a part ("（九）存在的问题", "（十）2022年工作思路").

    Deeper headings otherwise name pieces of work and use the same words in another sense
    ("（六）补短板，强弱项，…服务能力有效提升" is an achievement, "（二）资金安排和使用情况" no plan),
    so a deeper heading counts only when it is nothing but the name of a part.
    """
    for title in reversed(path[1:]):
        kind = _part_heading(title)
        if kind is not None:
            return kind
    kind = classify_heading(path[0]) if path else None
    return kind if kind is not None else default


@lru_cache(maxsize=4096)
def _part_heading(title: str) -> SectionKind | None:
    marker = match_marker(title)
    if marker is None or marker.style == "shi":
        return None
    text = re.sub(r"[\s。：:]", "", marker.rest)
    if _PROBLEM_PART.match(text):
        return SectionKind.PROBLEMS
    if _PLAN_PART.match(text):
        return SectionKind.PLANS
    return None


def section_years(path: tuple[str, ...], kind: SectionKind, meta: ReportMeta) -> tuple[YearSpan, Origin]:
    """Nearest heading that states years wins; otherwise the report's summary or plan years."""
    anchor = meta.years.end or meta.years.start
    for title in reversed(path):
        span = years_in(title, anchor=anchor)
        if span.known:
            sure = states_year(title) or meta.origins.years.sure
            return span, Origin.HEADING if sure else Origin.INFERRED
        if has_placeholder_year(title):
            return span, Origin.NONE
    if kind is SectionKind.PLANS:
        return meta.plan_years, meta.origins.plan_years
    return meta.years, meta.origins.years


def doc_type(title: str | None, kinds: set[SectionKind]) -> DocType:
    text = title or ""
    has_summary = bool(_ACHIEVEMENT.search(text)) or "以来" in text
    has_plan = is_plan_text(text)
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


# --- organisation and place --------------------------------------------------------------------------

def organisation(raw: RawReport, file_name: str | None = None) -> tuple[OrgName | None, Origin]:
    """Who wrote the report: the portal header's 发布机构, the notice's issuer, the sign-off, the byline,
    the title, and last the mention the body makes most often (that one is unsure)."""
    front = raw.front
    if front.issuer and (org := organisation_line(front.issuer)):
        return org, Origin.HEADER if front.field("发布机构", "发文机关", "发文机构") == front.issuer else Origin.NOTICE
    for line in raw.signoff:
        if org := organisation_line(line):
            return org, Origin.SIGNOFF
    if front.byline and (org := byline_organisation(front.byline)):
        return org, Origin.BYLINE
    title_orgs = find_organisations(raw.title) if raw.title else []
    if named := [o for o in title_orgs if has_name(o.place)]:
        return named[0], Origin.TITLE
    mentions = [org for line in raw.lines for org in find_organisations(line)]
    if body := _body_organisation(mentions, named=True):
        return body, Origin.BODY
    if title_orgs and title_orgs[0].level:
        return title_orgs[0], Origin.TITLE                      # "市卫健委…总结": a level, its place elsewhere
    return _body_organisation(mentions, named=False), Origin.BODY


def _body_organisation(mentions: list[OrgName], *, named: bool) -> OrgName | None:
    """The most frequent mention naming a place (anonymised "XX市" included); or, with `named` false,
    a level-only one written as such ("县卫健局…", not "按照省卫健委…" / "在市卫健委指导下": superiors)."""
    if named:
        counts = Counter(org.name for org in mentions if has_name(org.place))
    else:
        counts = Counter(org.name for org in mentions if org.written == org.name and org.level not in (None, "省"))
    if not counts:
        return None
    best = max(counts.items(), key=lambda item: (item[1], len(item[0])))[0]
    return next(org for org in mentions if org.name == best)


def complete_place(org: OrgName | None, raw: RawReport, file_name: str | None) -> tuple[str | None, Origin]:
    """The report's place: its organisation's; for a place-less name ("市卫生健康委") the place the
    header, notice, title or file name states (of the same level when the name gives one)."""
    if org is not None and has_name(org.place):
        return org.place, Origin.NONE        # the organisation's own origin applies
    byline = byline_organisation(raw.front.byline) if raw.front.byline else None
    sources = [(raw.front.issuer, Origin.HEADER), (byline and byline.name, Origin.BYLINE), (raw.title, raw.title_origin),
               (raw.front.notice_title, Origin.NOTICE), (file_name and PurePath(file_name).stem, Origin.FILENAME)]
    for text, origin in sources:
        place = title_place(text) if text else None
        if place and (org is None or org.level is None or place.endswith(org.level)):
            return place, origin
    return None, Origin.NONE


# --- dates ---------------------------------------------------------------------------------------------

def report_date(signoff: tuple[str, ...], title: str | None) -> str | None:
    return next((date for text in (*signoff, title or "") if (date := iso_date(text))), None)


def _dated(raw: RawReport) -> tuple[str | None, Origin]:
    if date := report_date(raw.signoff, None):
        return date, Origin.SIGNOFF
    if raw.front.issued:
        in_header = any(raw.front.field(name) for name in ("成文日期", "发布日期", "公开日期", "发布时间"))
        return raw.front.issued, Origin.HEADER if in_header else Origin.NOTICE
    if date := report_date((), raw.title):
        return date, Origin.TITLE
    for line in raw.signoff:                               # "2023年12月": a month is enough to anchor 今年
        if month := year_month(line):
            return month, Origin.SIGNOFF
    return None, Origin.NONE


# --- the whole report ----------------------------------------------------------------------------------

def report_meta(raw: RawReport, sections: list[Section], *, file_name: str | None = None) -> ReportMeta:
    """Everything the report states about itself, each value with its origin; the date anchors
    relative years (以来, 未来五年, 今年)."""
    date, date_origin = _dated(raw)
    anchor = int(date[:4]) if date else _latest_heading_year(sections)
    title = raw.title
    summary, plan, years_origin, plan_origin = YearSpan(), YearSpan(), Origin.NONE, Origin.NONE
    if title:
        summary, plan = title_years(title, anchor=anchor)
        years_origin = raw.title_origin if summary.known else Origin.NONE
        plan_origin = raw.title_origin if plan.known else Origin.NONE
    kinds = {section_kind(s.path, SectionKind.ACHIEVEMENTS) for s in sections}
    kind_of_doc = doc_type(title or (file_name and PurePath(file_name).stem), kinds)
    if not summary.known and not plan.known:
        summary, years_origin = _unsure_years(raw, file_name, date, anchor)
        if kind_of_doc in (DocType.PLAN, DocType.KEY_POINTS):
            plan, plan_origin = summary, years_origin
    if summary.known and not plan.known:
        plan, plan_origin = _plan_years_from_headings(sections, summary)
    if kind_of_doc in (DocType.PLAN, DocType.KEY_POINTS) and not summary.known:
        summary, years_origin = plan, plan_origin
    org, org_origin = organisation(raw, file_name)
    place, place_origin = complete_place(org, raw, file_name)
    if org is not None and place and not has_name(org.place):
        org = OrgName(place + suffix_of(org), place, org.level or level_of(place))   # 市卫生健康委 → 绍兴市卫生健康委
    elif org is not None and has_name(org.place):
        place, place_origin = org.place, org_origin
    level = (org.level if org else None) or level_of(place or "")
    province, stated = province_of(place, raw.lines)
    return ReportMeta(
        title=title, years=summary, plan_years=plan, period=period(title or file_name, summary),
        doc_type=kind_of_doc, organisation=org.name if org else None, date=date,
        place=place, level=level or body_level(raw.lines), province=province,
        origins=MetaOrigins(title=raw.title_origin if title else Origin.NONE, years=years_origin,
                            plan_years=plan_origin, organisation=org_origin if org else Origin.NONE,
                            place=place_origin if place else Origin.NONE,
                            province=(place_origin if stated else Origin.BODY) if province else Origin.NONE,
                            date=date_origin),
    )


def _unsure_years(raw: RawReport, file_name: str | None, date: str | None, anchor: int | None) -> tuple[YearSpan, Origin]:
    """A report whose title gives no year: its opening sentence, its file name, then its date."""
    opening = _opening_years(raw.lines)
    if opening.known:
        return opening, Origin.OPENING
    if file_name:
        summary, plan = title_years(PurePath(file_name).stem, anchor=anchor)
        if summary.known or plan.known:
            return (summary if summary.known else plan), Origin.FILENAME
    if date and _mentions_this_year(raw.lines):
        return YearSpan(int(date[:4])), Origin.INFERRED   # "今年…" in a report dated 2020年12月
    return YearSpan(), Origin.NONE


def _mentions_this_year(lines: tuple[str, ...]) -> bool:
    return any(word in line for line in lines[:8] for word in THIS_YEAR_WORDS)


def _opening_years(body: tuple[str, ...] | list[str]) -> YearSpan:
    """A report without a title year: the year its opening paragraphs start with ("2021年全区卫生健康系统…")."""
    paragraphs = [line for line in body[:6] if match_marker(line) is None][:2]
    for paragraph in paragraphs:
        if m := _YEAR.match(paragraph):
            return YearSpan(parse_year(m.group(1)))
    return YearSpan()


def _latest_heading_year(sections: list[Section]) -> int | None:
    years = [y for s in sections for t in s.path for y in years_in(t).years]
    return max(years) if years else None


def _plan_years_from_headings(sections: list[Section], summary: YearSpan) -> tuple[YearSpan, Origin]:
    last = summary.end or summary.start
    plan_parts = [s.path for s in sections if s.path and section_kind(s.path, SectionKind.ACHIEVEMENTS) is SectionKind.PLANS]
    for path in plan_parts:
        for title in path:
            span = years_in(title, anchor=last)
            if span.known and is_plan_text(title):
                return span, Origin.HEADING if states_year(title) else Origin.INFERRED
            if "下半年" in title and last:
                return YearSpan(last), Origin.INFERRED       # a half-year report's plan for the rest of the year
    return (YearSpan(last + 1), Origin.INFERRED) if last and plan_parts else (YearSpan(), Origin.NONE)
