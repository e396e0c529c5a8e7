"""What a draft is: the plan's title, its sections in outline order, and for every paragraph the passages
it rests on. Beside the answer types (answer_model.py); exported by assistant/export.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from ingest.model import Chunk

DraftMode = Literal["llm", "offline"]


class EvidenceKind(StrEnum):
    ACHIEVEMENT = "achievement"     # what was done in Y−1 (or its first half)
    PROBLEM = "problem"             # problems named
    PLAN = "plan"                   # what earlier plans set out for Y−1 or Y

    @property
    def label(self) -> str:
        return {"achievement": "上年完成情况", "problem": "存在问题", "plan": "往年计划"}[self.value]


@dataclass(frozen=True, slots=True)
class Evidence:
    """One cited passage a section rests on: the chunk and the sentences of it that are on topic."""

    kind: EvidenceKind
    chunk: Chunk
    quote: str                      # verbatim sentence(s) of the chunk
    title: str | None = None        # the report's title
    organisation: str | None = None

    def verification_text(self) -> str:
        """What a paragraph's figures may come from: the passage, its heading path and its report's title."""
        return "\n".join(filter(None, [self.title, self.chunk.context]))

    def citation(self) -> DraftCitation:
        return DraftCitation(self.chunk.source, self.chunk.section_path, self.chunk.year, self.quote, self.title,
                             self.organisation)


@dataclass(frozen=True, slots=True)
class DraftCitation:
    source: str
    section_path: tuple[str, ...]
    year: int | None
    quote: str
    title: str | None = None
    organisation: str | None = None

    def as_json(self) -> dict:
        return {"source": self.source, "section_path": list(self.section_path), "year": self.year, "quote": self.quote}

    @property
    def label(self) -> str:
        """《title》（organisation）heading path：“quote” — one footnote."""
        name = f"《{self.title}》" if self.title else self.source
        org = f"（{self.organisation}）" if self.organisation else ""
        where = " > ".join(self.section_path)
        return f"{name}{org}" + (f" {where}" if where else "") + f"：“{self.quote}”"


@dataclass(frozen=True, slots=True)
class DraftParagraph:
    text: str
    citations: tuple[DraftCitation, ...] = ()

    def as_json(self) -> dict:
        return {"text": self.text, "citations": [c.as_json() for c in self.citations]}


@dataclass(frozen=True, slots=True)
class DraftSection:
    heading: str                                # literal, numbered: "二、重点工作", "（一）坚持党建引领"
    level: int                                  # 1 or 2
    label: str
    evidence: tuple[Evidence, ...] = ()
    paragraphs: tuple[DraftParagraph, ...] = ()
    mode: DraftMode = "offline"
    found: bool = True                          # False: no evidence; the paragraph says so

    def as_json(self) -> dict:
        return {"heading": self.heading, "level": self.level, "mode": self.mode,
                "evidence_count": len(self.evidence), "paragraphs": [p.as_json() for p in self.paragraphs]}


@dataclass(slots=True)
class Draft:
    year: int
    organisation: str | None
    mode: DraftMode
    title: str
    label: str                                  # "基于往年材料的初稿"
    sections: list[DraftSection] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"year": self.year, "organisation": self.organisation, "mode": self.mode, "title": self.title,
                "sections": [s.as_json() for s in self.sections], "placeholders": self.placeholders,
                "notes": self.notes}

    @property
    def text(self) -> str:
        """Headings and paragraphs, without sources: what the plan says."""
        lines = [self.title]
        for section in self.sections:
            lines.append(section.heading)
            lines += [p.text for p in section.paragraphs]
        return "\n".join(lines)
