"""Rule-based query understanding: years, period, places, level and intent — filters and ranking signals."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from collections.abc import Iterable

from ingest.errors import ReportAssistantError
from ingest.lexicon import (
    DOCUMENT_QUESTION_WORDS, LEVEL_WORDS, NOT_PLAN_WORDS, PERIODS, PLAN_QUESTION_VERB, PLAN_QUESTION_WORDS, PROVINCES,
    RELATIVE_YEARS, contains_word,
)
from ingest.dates import CN_YEAR, parse_year
from ingest.metadata import is_plan_text, is_problem_text
from ingest.places import level_words_in, place_keys

MAX_QUERY_CHARS = 500

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*(?=年|$|\s|的|[^\d%‰.万亿元剂人个])")
_TEXT = re.compile(r"[\w\u3400-\u9fff]")
_PLAN_VERB = re.compile(PLAN_QUESTION_VERB)


class QueryError(ReportAssistantError):
    pass


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """The library's places, under every word a question may name them by: "绍兴" and "绍兴市" reach
    place "绍兴市"; an organisation's full name reaches its place even when anonymised ("xx市xx区卫生健康局")."""

    keys: dict[str, frozenset[str]]
    newest: dict[str, int]                 # place -> the latest year its reports summarise (what 今年 means there)
    regions: dict[str, frozenset[str]] = field(default_factory=dict)   # 甘肃 -> places whose text names 甘肃 most

    @classmethod
    def from_reports(cls, reports: Iterable) -> Gazetteer:
        """`reports`: rows with `place`, `organisation`, `province` and `years` (the document store's rows)."""
        keys: dict[str, set[str]] = {}
        regions: dict[str, set[str]] = {}
        newest: dict[str, int] = {}
        for row in reports:
            if not row.place:
                continue
            for key in place_keys(row.place) | ({row.organisation} if row.organisation else set()):
                keys.setdefault(key, set()).add(row.place)
            if getattr(row, "province", None):
                for key in place_keys(row.province) | {row.province}:
                    regions.setdefault(key, set()).add(row.place)
            if row.years.known:
                newest[row.place] = max(newest.get(row.place, 0), row.years.end or row.years.start)
        return cls({key: frozenset(places) for key, places in keys.items()}, newest,
                   {key: frozenset(places) for key, places in regions.items() if key not in keys})

    def match(self, text: str) -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
        """(places named, places in a province named, the words that named them); longest words first,
        each character used once. The province of a place the library only infers is never a filter."""
        places: set[str] = set()
        nearby: set[str] = set()
        words: list[str] = []
        for table, found in ((self.keys, places), (self.regions, nearby)):
            for key in sorted(table, key=len, reverse=True):
                if key in text:
                    found |= table[key]
                    words.append(key)
                    text = text.replace(key, "\u3000")
        return frozenset(places), frozenset(nearby - places), tuple(words)


@dataclass(frozen=True, slots=True)
class QueryPlan:
    text: str
    years: tuple[int, ...] = ()
    period: str | None = None
    places: frozenset[str] = frozenset()         # report places the question names ("浙江" → {"浙江省"})
    nearby: frozenset[str] = frozenset()         # places in a province it names ("甘肃那个县"): rank only
    place_words: tuple[str, ...] = ()            # the words that named them, and 全省/我区…: not content
    level: str | None = None                     # 省 / 市 / 区 / 县 from 全省 / 本市 / 我区 / 全县
    kinds: frozenset[str] = frozenset()          # intent: plans / problems / document: a ranking signal
    relative_year: bool = False                  # the year was read from 今年/明年: a guess, it only ranks
    notes: tuple[str, ...] = ()

    @property
    def year(self) -> int | None:
        """The year the question is about: only when it names exactly one."""
        return self.years[0] if len(self.years) == 1 else None

    @property
    def year_filter(self) -> int | None:
        """The year to filter on: a year the question states, not one guessed from 今年/明年."""
        return None if self.relative_year else self.year

    def filters(self) -> dict:
        return {"year": self.year, "years": list(self.years), "period": self.period, "places": sorted(self.places),
                "nearby": sorted(self.nearby), "level": self.level, "kinds": sorted(self.kinds)}


def check_query(query: str) -> str:
    text = query.strip()
    if not text:
        raise QueryError("请输入要查询的内容，例如“2021年疫苗接种剂次”。")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"查询太长（{len(text)} 字）。请概括为 {MAX_QUERY_CHARS} 字以内的问题或关键词。")
    if not _TEXT.search(text):
        raise QueryError("查询里只有标点符号，没有可检索的文字。请输入问题或关键词。")
    return text


def understand(query: str, *, gazetteer: Gazetteer | None = None, newest_year: int | None = None,
               year: int | None = None) -> QueryPlan:
    """Read what a question says about when, where and what kind; `year` (a --year flag) overrides."""
    text = check_query(query)
    notes: list[str] = []
    places, nearby, place_words = gazetteer.match(text) if gazetteer else (frozenset(), frozenset(), ())
    years = sorted({int(m.group(1)) for m in _YEAR.finditer(text)}
                   | {y for y in (parse_year(m.group(1)) for m in CN_YEAR.finditer(text)) if y})
    relative = False
    if not years and year is None and (word := next((w for w in RELATIVE_YEARS if w in text), None)):
        named = places or nearby
        place_years = [gazetteer.newest[p] for p in named if p in gazetteer.newest] if gazetteer else []
        anchor = max(place_years) if place_years else newest_year
        whose = f"{'、'.join(sorted(named))}的" if place_years else ""
        if anchor is None:
            notes.append(f"“{word}”无法换算成年份（文档库中没有已知年份的报告），未按年份筛选")
        else:
            years, relative = [anchor + RELATIVE_YEARS[word]], True
            notes.append(f"“{word}”按{whose}最新报告年份 {anchor} 理解为 {anchor + RELATIVE_YEARS[word]} 年（只用于排序，不筛选）")
    if year is not None:
        years = [year]
    if len(years) > 1:
        notes.append(f"问题涉及多个年份（{'、'.join(map(str, years))}），不按单一年份筛选")
    levels = level_words_in(text)
    unknown_provinces = tuple(p for p in PROVINCES if p in text and not any(p in w for w in place_words))
    place_words += unknown_provinces        # "甘肃那个县": a place the library cannot place, still no content word
    return QueryPlan(text=text, years=tuple(years), period=next((p for p in PERIODS if p in text), None),
                     places=places, nearby=nearby, place_words=place_words + tuple(levels),
                     level=LEVEL_WORDS[levels[0]] if levels else None, kinds=intent(text), relative_year=relative,
                     notes=tuple(notes))


def intent(text: str) -> frozenset[str]:
    """The part of a report a question asks about: problems (存在哪些问题, 短板), plans (计划, 明年, 目标),
    or the document's own particulars (文号, 哪天发布, 谁写的).

    Words inside other words do not count: 计划生育 is a field, 问题隐患 / 整改问题 are objects of work."""
    if contains_word(text, DOCUMENT_QUESTION_WORDS):
        return frozenset({"document"})
    if is_problem_text(text):
        return frozenset({"problems"})
    if is_plan_text(text) or contains_word(text, PLAN_QUESTION_WORDS, unless=NOT_PLAN_WORDS) or _PLAN_VERB.search(text):
        return frozenset({"plans"})
    return frozenset()
