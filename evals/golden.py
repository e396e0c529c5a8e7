"""The golden-set format (JSONL, one question per line) and the relevance rule.

    {"id": "q001", "question": "2021 年疫苗接种剂次",
     "relevant": [{"source": "000_d45329e85b51d0b2.txt", "contains": "已接种201187剂"}],
     "answer_contains": ["201187"], "tags": ["numeric", "year"]}
    {"id": "u001", "question": "全区有多少名护士", "relevant": [], "tags": ["unanswerable"]}

A hit is relevant when its source equals an entry's source and its text contains the entry's
`contains` string, whitespace-insensitively. A question the library cannot answer has no relevant
entries and the tag `unanswerable`: it is not scored for retrieval, only for whether the answer
declines. Unknown fields are ignored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ReportAssistantError

_SPACE = re.compile(r"\s+")
UNANSWERABLE = "unanswerable"


class GoldenSetError(ReportAssistantError):
    pass


@dataclass(frozen=True, slots=True)
class Relevant:
    source: str
    contains: str


@dataclass(frozen=True, slots=True)
class GoldenQuestion:
    id: str
    question: str
    relevant: tuple[Relevant, ...]
    answer_contains: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def unanswerable(self) -> bool:
        return UNANSWERABLE in self.tags


def squash(text: str) -> str:
    return _SPACE.sub("", text)


def is_relevant(source: str, text: str, question: GoldenQuestion) -> bool:
    flat = squash(text)
    return any(source == r.source and squash(r.contains) in flat for r in question.relevant)


def load_golden(path: Path) -> list[GoldenQuestion]:
    if not path.is_file():
        raise GoldenSetError(f"找不到评测集文件 {path}。请检查 --golden 路径。")
    questions: list[GoldenQuestion] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            question = GoldenQuestion(
                id=str(row["id"]), question=str(row["question"]),
                relevant=tuple(Relevant(str(r["source"]), str(r["contains"])) for r in row["relevant"]),
                answer_contains=tuple(str(a) for a in row.get("answer_contains", [])),
                tags=tuple(str(t) for t in row.get("tags", [])))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise GoldenSetError(f"{path} 第 {number} 行格式错误（{type(exc).__name__}: {exc}）。"
                                 "每行应是一个 JSON 对象，至少包含 id、question、relevant[{source, contains}]。") from None
        if not question.relevant and not question.unanswerable:
            raise GoldenSetError(f"{path} 第 {number} 行：relevant 为空。每个问题至少需要一条相关来源；"
                                 f"资料中确实没有答案的问题请加标签 \"{UNANSWERABLE}\"。")
        if question.relevant and question.unanswerable:
            raise GoldenSetError(f"{path} 第 {number} 行：标为 {UNANSWERABLE} 的问题不应有 relevant。")
        if question.id in seen:
            raise GoldenSetError(f"{path} 第 {number} 行：问题编号 {question.id} 重复。")
        seen.add(question.id)
        questions.append(question)
    if not questions:
        raise GoldenSetError(f"评测集 {path} 是空的。请至少写入一个问题。")
    return questions
