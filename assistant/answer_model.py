"""What an answer is: text with [n] citations, the cited passages, and what could not be verified."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ingest.model import Chunk


@dataclass(frozen=True, slots=True)
class Citation:
    n: int
    chunk: Chunk
    title: str | None
    organisation: str | None
    quote: str                      # the sentence(s) the answer rests on, verbatim

    def as_json(self) -> dict:
        return {"n": self.n, "source": self.chunk.source, "section_path": list(self.chunk.section_path),
                "year": self.chunk.year, "quote": self.quote}

    @property
    def label(self) -> str:
        name = f"《{self.title}》" if self.title else self.chunk.source
        org = f"（{self.organisation}）" if self.organisation else ""
        where = " > ".join(self.chunk.section_path)
        return f"[{self.n}] {name}{org}" + (f" {where}" if where else "")

    def verification_text(self) -> str:
        """What the answer's figures may come from: the passage, its heading path and its report's title."""
        return "\n".join(filter(None, [self.title, self.chunk.context]))


StreamOutcome = Literal["none", "kept", "void"]
AnswerMode = Literal["llm", "extractive"]
STREAM_VOID_NOTE = "（以上是大模型的草稿，其中的数字未能在资料中核实，作废；以下是核实后的回答。）"


@dataclass(slots=True)
class Answer:
    text: str
    mode: AnswerMode
    citations: list[Citation] = field(default_factory=list)
    unverified_numbers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    found: bool = True
    streamed: StreamOutcome = "none"            # what became of the tokens shown while the LLM wrote

    @property
    def stream_void(self) -> bool:
        """The streamed draft is not the answer (a figure failed verification): say so, then show this one."""
        return self.streamed == "void"

    def as_json(self) -> dict:
        return {"answer": self.text, "found": self.found, "mode": self.mode, "citations": [c.as_json() for c in self.citations],
                "unverified_numbers": self.unverified_numbers, "notes": self.notes}

    def render(self) -> str:
        """Answer plus its sources, as a person reads it in a terminal."""
        lines = [self.text]
        if self.citations:
            lines += ["", "出处：" if self.found else "最接近的资料（不是答案）："] + [c.label for c in self.citations]
        if self.unverified_numbers:
            lines += ["", "注意：以下数字未能在资料中核实，请勿引用：" + "、".join(self.unverified_numbers)]
        return "\n".join(lines)
