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
    DOCUMENT = "document"           # the report's own particulars: title, issuer, 文号, dates, byline


class DocType(StrEnum):
    SUMMARY = "总结"
    PLAN = "计划"
    KEY_POINTS = "要点"
    SUMMARY_AND_PLAN = "总结+计划"


class Origin(StrEnum):
    """Where a metadata value was read. Explicit statements are sure; what is inferred or counted is not."""

    HEADER = "header"          # a government-portal header block (名称, 发布机构, 成文日期)
    NOTICE = "notice"          # the notice that issues the report (关于印发《…》的通知, its issuer and date)
    TITLE = "title"            # the report's own title
    HEADING = "heading"        # an outline heading ("二、2021年工作总结")
    SIGNOFF = "signoff"        # the signing lines at the end
    BYLINE = "byline"          # "XX市卫生健康局党组书记、局长 张某某" under a signed article's title
    OPENING = "opening"        # the opening sentence ("2021年，全区卫生健康系统…")
    BODY = "body"              # the mention the body makes most often
    FILENAME = "filename"      # the file's name ("浙江省2023年工作要点.txt")
    INFERRED = "inferred"      # derived: a plan part is for the year after the summary
    NONE = "none"              # not known

    @property
    def sure(self) -> bool:
        """Sure values may filter a search; unsure ones only rank (they must never hide an answer)."""
        return self in _SURE_ORIGINS

    @property
    def label(self) -> str:
        """As a person reads it: where the value was read."""
        return _LABELS[self]


_LABELS = {Origin.HEADER: "网页信息栏", Origin.NOTICE: "印发通知", Origin.TITLE: "标题", Origin.HEADING: "提纲标题",
           Origin.SIGNOFF: "落款", Origin.BYLINE: "署名", Origin.OPENING: "开头一句，不确定", Origin.BODY: "正文，不确定",
           Origin.FILENAME: "文件名，不确定", Origin.INFERRED: "推算，不确定", Origin.NONE: "未知"}
_SURE_ORIGINS = frozenset({Origin.HEADER, Origin.NOTICE, Origin.TITLE, Origin.HEADING, Origin.SIGNOFF, Origin.BYLINE})


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
class Frontmatter:
    """What stands around a report rather than in it: a portal header, the notice that issues it, a byline."""

    fields: tuple[tuple[str, str], ...] = ()   # portal header fields in order: ("发布机构", "浙江省卫生健康委员会")
    issuer: str | None = None                  # the issuing organisation (header 发布机构 or the notice's signature)
    issued: str | None = None                  # ISO date it was written or issued
    notice_title: str | None = None            # "关于印发《2023年全省卫生健康工作要点》的通知"
    byline: str | None = None                  # a signed article's byline, as written

    def field(self, *names: str) -> str | None:
        return next((value for key, value in self.fields if key in names and value), None)


@dataclass(frozen=True, slots=True)
class RawReport:
    """One report inside a file: its title (when it has one) and its lines."""

    index: int                            # position in the file, 0-based
    title: str | None
    lines: tuple[str, ...]
    signoff: tuple[str, ...] = ()         # trailing organisation / date lines
    warnings: tuple[str, ...] = ()
    title_origin: Origin = Origin.TITLE   # NOTICE when the title is the one a notice issues it under
    front: Frontmatter = field(default_factory=Frontmatter)
    toc: tuple[str, ...] = ()             # table-of-contents entries (those the body never reaches stay searchable)


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
    years_origin: Origin = Origin.NONE
    outline_only: bool = False            # headings from a table of contents whose body is missing

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass(frozen=True, slots=True)
class MetaOrigins:
    """Where each of a report's metadata values was read (and so how sure it is)."""

    title: Origin = Origin.NONE
    years: Origin = Origin.NONE
    plan_years: Origin = Origin.NONE
    organisation: Origin = Origin.NONE
    place: Origin = Origin.NONE
    province: Origin = Origin.NONE
    date: Origin = Origin.NONE

    def as_dict(self) -> dict[str, str]:
        return {name: getattr(self, name).value for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class ReportMeta:
    title: str | None
    years: YearSpan                      # the years the report summarises (or plans, for a pure plan)
    plan_years: YearSpan                 # the years its plan sections are for
    period: Period | None
    doc_type: DocType
    organisation: str | None
    date: str | None                     # ISO date of the report when stated ("2021-09-22")
    place: str | None = None             # "浙江省", "绍兴市越城区": the organisation's place, or the title's
    level: str | None = None             # 省 / 市 / 区 / 县 …: the level the report speaks for (全省, 我区)
    province: str | None = None          # the province its place is in (named, or the one its body names most)
    origins: MetaOrigins = field(default_factory=MetaOrigins)


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
    years_origin: Origin = Origin.NONE
    outline_only: bool = False

    @property
    def years_sure(self) -> bool:
        return self.years.known and self.years_origin.sure

    @property
    def year(self) -> int | None:
        """The single year a chunk is about, when it is about exactly one."""
        return self.years.start if self.years.start == (self.years.end or self.years.start) else None

    @property
    def context(self) -> str:
        """Heading path + text: what an embedder should see (the text alone is what is cited)."""
        return " > ".join(self.section_path) + ("\n" if self.section_path else "") + self.text
