"""Core data of ingestion: frozen, content-addressed, no behaviour beyond derived views."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum


def content_id(*parts: object) -> str:
    """sha256 over the parts, separated so ("ab", "c") != ("a", "bc"); 16 hex digits."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()[:16]


class SectionKind(StrEnum):
    ACHIEVEMENTS = "achievements"   # 工作完成情况 / 总结
    PROBLEMS = "problems"           # 存在问题 / 短板
    PLANS = "plans"                 # 工作计划 / 谋划 / 打算 / 思路
    OTHER = "other"                 # 意见建议 and anything else


class DocType(StrEnum):
    SUMMARY = "总结"
    PLAN = "计划"
    KEY_POINTS = "要点"
    SUMMARY_AND_PLAN = "总结+计划"


class Period(StrEnum):
    FULL_YEAR = "全年"
    FIRST_HALF = "上半年"
    SECOND_HALF = "下半年"
    MULTI_YEAR = "多年"


@dataclass(frozen=True, slots=True)
class YearSpan:
    """Years a text covers; `None` bounds mean "not known" (202_, 20XX, xxxx年), never a guess."""

    start: int | None = None
    end: int | None = None

    @property
    def known(self) -> bool:
        return self.start is not None

    @property
    def years(self) -> tuple[int, ...]:
        if self.start is None:
            return ()
        return tuple(range(self.start, (self.end or self.start) + 1))

    def __str__(self) -> str:
        if self.start is None:
            return "未知"
        return str(self.start) if self.end in (None, self.start) else f"{self.start}-{self.end}"


@dataclass(frozen=True, slots=True)
class LoadedText:
    """What a loader read from one file: plain text with one paragraph per line."""

    text: str
    encoding: str | None = None          # for text files: the detected encoding
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RawReport:
    """One report inside a file: its title (when it has one) and its lines."""

    index: int                            # position in the file, 0-based
    title: str | None
    lines: tuple[str, ...]
    signoff: tuple[str, ...] = ()         # trailing organisation / date lines
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Heading:
    level: int                            # 1 = 一、, 2 = （一）, 3 = 1., 4 = （1）, 5 = ①, 6 = 一是
    marker: str                           # "一、", "（二）", "3."
    title: str                            # "（二）新冠病毒疫苗接种工作" as shown in a heading path


@dataclass(frozen=True, slots=True)
class Section:
    """A node of the outline with the paragraphs that sit directly under it."""

    path: tuple[str, ...]                 # heading titles from the top; () is the preamble
    paragraphs: tuple[str, ...]
    kind: SectionKind = SectionKind.OTHER
    years: YearSpan = field(default_factory=YearSpan)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass(frozen=True, slots=True)
class ReportMeta:
    title: str | None
    years: YearSpan                      # the years the report summarises (or plans, for a pure plan)
    plan_years: YearSpan                 # the years its plan sections are for
    period: Period | None
    doc_type: DocType
    organisation: str | None
    date: str | None                     # ISO date of the report when stated ("2021-09-22")


@dataclass(frozen=True, slots=True)
class Report:
    id: str                              # content id of (source, index, text)
    source: str                          # file name as the user knows it
    index: int
    meta: ReportMeta
    sections: tuple[Section, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Chunk:
    id: str                              # content_id(report_id, section_path, text)
    report_id: str
    source: str
    section_path: tuple[str, ...]
    text: str                            # verbatim, for citation
    ordinal: int                         # position within the report
    kind: SectionKind
    years: YearSpan
    tokens: int

    @property
    def year(self) -> int | None:
        """The single year a chunk is about, when it is about exactly one."""
        return self.years.start if self.years.start == (self.years.end or self.years.start) else None

    @property
    def context(self) -> str:
        """Heading path + text: what an embedder should see (the text alone is what is cited)."""
        return " > ".join(self.section_path) + ("\n" if self.section_path else "") + self.text
