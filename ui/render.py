"""Pure renderings for the UI (no gradio here): answers with their sources, tables, status."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant.answer_model import Answer
from assistant.draft_model import Draft
from assistant.ingesting import STATUS_LABELS, IngestSummary

# A component whose content comes from the library, and what fills it: on each page load, after the login, so
# that the page (and Gradio's API description) a visitor gets before logging in holds nothing of the library.
Live = tuple[Any, Callable[[], Any]]
REPORT_COLUMNS = ["文件", "单位", "年份", "时期", "类型", "文本块"]
INGEST_COLUMNS = ["文件", "状态", "报告", "文本块", "年份", "说明"]


def answer_text(answer: Answer) -> str:
    """The answer as the chat shows it; figures that failed verification are marked, not hidden."""
    text = answer.text
    if answer.unverified_numbers:
        text += "\n\n⚠️ 以下数字未能在资料中核实，请勿引用：" + "、".join(answer.unverified_numbers)
    if answer.notes:
        text += "\n\n" + "\n".join(f"> {note}" for note in answer.notes)
    return text


def sources_markdown(answer: Answer) -> str:
    if not answer.citations:
        return "（没有出处）"
    head = "出处：" if answer.found else "最接近的资料（不是答案）："
    lines = [head]
    for c in answer.citations:
        chunk = c.chunk
        where = " > ".join(chunk.section_path) or "（开头）"
        lines.append(f"**[{c.n}] {chunk.source}**　{c.organisation or ''}　{where}　年份：{chunk.years}\n\n> "
                     + c.quote.replace("\n", "\n> "))
    return "\n\n".join(lines)


def answer_with_citations(answer: Answer) -> str:
    """For the /ask API: the answer and its sources in one text."""
    return answer.render()


def draft_sources_markdown(draft: Draft) -> str:
    lines = []
    for section in draft.sections:
        cited = [(p, c) for p in section.paragraphs for c in p.citations]
        if not cited:
            continue
        lines.append(f"**{section.heading}**")
        lines += [f"- {c.label}" for _p, c in cited]
    notes = [f"> {n}" for n in draft.notes]
    return "\n".join(lines + ([""] + notes if notes else [])) or "（没有出处）"


def report_rows(reports) -> list[list]:
    return [[r.source, r.organisation or "-", str(r.years), r.period or "-", r.doc_type, r.chunks] for r in reports]


def ingest_rows(summary: IngestSummary) -> list[list]:
    rows = [[f.path.rsplit("/", 1)[-1], STATUS_LABELS[f.status], f.reports, f.chunks,
             ",".join(map(str, f.years)) or "-", f.error or "；".join(f.warnings)] for f in summary.files]
    rows += [[p.rsplit("/", 1)[-1], "跳过", 0, 0, "-", "不支持的文件类型"] for p in summary.skipped]
    rows += [[p.rsplit("/", 1)[-1], "跳过", 0, 0, "-", reason] for p, reason in summary.refused]
    return rows


def status_markdown(services) -> str:
    s = services.settings
    embedder = services.index.embedder.name
    offline = embedder.startswith("hashing")
    counts = services.store.counts()
    llm = services.answerer.llm
    lines = [
        f"- **数据目录**：`{s.data_path}`",
        f"- **文档库**：{counts['files']} 个文件、{counts['reports']} 篇报告、{counts['chunks']} 个文本块",
        f"- **嵌入**：{embedder}" + ("（离线字符 n-gram 嵌入：检索以关键词为主，语义相近但用词不同的问题可能找不到）" if offline else ""),
        f"- **大模型**：{llm.name if llm else '未配置（回答与起草直接摘录资料原文）'}",
        f"- **离线模式**：{'是，不会下载任何模型' if s.offline else '否'}",
    ]
    if services.notices:
        lines.append("- **提示**：" + " ".join(services.notices))
    return "\n".join(lines)
