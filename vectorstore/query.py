"""Rule-based query understanding: years, period, organisation and intent, as filters and boosts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.errors import ReportAssistantError
from ingest.metadata import parse_year

MAX_QUERY_CHARS = 500

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*(?=年|$|\s|的|[^\d%‰.万亿元剂人个])")
_CN_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})\s*年")
_RELATIVE = {"今年": 0, "本年": 0, "本年度": 0, "去年": -1, "上年": -1, "上一年": -1, "前年": -2, "明年": 1, "下一年": 1, "来年": 1}
_PERIODS = {"上半年": "上半年", "下半年": "下半年", "全年": "全年"}
_PLAN_INTENT = re.compile(r"(计划|打算|谋划|思路|安排|下一步|下步|目标|明年|今后|未来|将要|准备)")
_NOT_INTENT = re.compile(r"计划生育|计划免疫|免疫规划|十[三四五]五规划|规划建设")
_PROBLEM_INTENT = re.compile(r"(问题|短板|不足|困难|差距|弱项|薄弱|瓶颈)")
_ORG_SUFFIX = re.compile(r"(卫健委|卫健局|卫生健康委员会|卫生健康委|卫生健康局|卫计委)$")
_TEXT = re.compile(r"[\w\u3400-\u9fff]")


class QueryError(ReportAssistantError):
    pass


@dataclass(frozen=True, slots=True)
class QueryPlan:
    text: str
    years: tuple[int, ...] = ()
    period: str | None = None
    organisation: str | None = None
    kinds: frozenset[str] = frozenset()          # intent: {"plans"} / {"problems"}
    notes: tuple[str, ...] = ()

    @property
    def year(self) -> int | None:
        """The year to filter on: only when the question names exactly one."""
        return self.years[0] if len(self.years) == 1 else None

    def filters(self) -> dict:
        return {"year": self.year, "years": list(self.years), "period": self.period,
                "organisation": self.organisation, "kinds": sorted(self.kinds)}


def check_query(query: str) -> str:
    text = query.strip()
    if not text:
        raise QueryError("请输入要查询的内容，例如“2021年疫苗接种剂次”。")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"查询太长（{len(text)} 字）。请概括为 {MAX_QUERY_CHARS} 字以内的问题或关键词。")
    if not _TEXT.search(text):
        raise QueryError("查询里只有标点符号，没有可检索的文字。请输入问题或关键词。")
    return text


def understand(query: str, *, organisations: list[str] = (), newest_year: int | None = None,
               year: int | None = None) -> QueryPlan:
    """Read what a question says about when, who and what kind; `year` (a --year flag) overrides."""
    text = check_query(query)
    notes: list[str] = []
    years = sorted({int(m.group(1)) for m in _YEAR.finditer(text)}
                   | {y for y in (parse_year(m.group(1)) for m in _CN_YEAR.finditer(text)) if y})
    for word, offset in _RELATIVE.items():
        if word in text and not years:
            if newest_year is None:
                notes.append(f"“{word}”无法换算成年份（文档库中没有已知年份的报告），未按年份筛选")
            else:
                years = [newest_year + offset]
                notes.append(f"“{word}”按最新报告年份 {newest_year} 理解为 {newest_year + offset} 年")
            break
    if year is not None:
        years = [year]
    if len(years) > 1:
        notes.append(f"问题涉及多个年份（{'、'.join(map(str, years))}），不按单一年份筛选")
    period = next((p for word, p in _PERIODS.items() if word in text), None)
    kinds: set[str] = set()
    intent_text = _NOT_INTENT.sub("", text)
    if _PROBLEM_INTENT.search(intent_text):
        kinds.add("problems")
    elif _PLAN_INTENT.search(intent_text):
        kinds.add("plans")
    return QueryPlan(text=text, years=tuple(years), period=period, organisation=_organisation(text, organisations),
                     kinds=frozenset(kinds), notes=tuple(notes))


def _organisation(text: str, organisations: list[str]) -> str | None:
    """An organisation whose place name the question mentions ("八公山区…" → 八公山区卫健委)."""
    for org in sorted(organisations, key=len, reverse=True):
        place = _ORG_SUFFIX.sub("", org)
        if org in text or (len(place) >= 3 and not re.search(r"[xX]{2}", place) and place in text):
            return org
    return None
