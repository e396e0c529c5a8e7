"""Split a file's text into reports; set aside what is not content (TOC, title, sign-off).

One file may hold several reports ("第一篇: …", "第二篇: …"), or a table of contents in front of
the body (a block of bare headings that is repeated, with text, further down). A bare TOC is dropped
with a warning, never indexed as content.
"""

from __future__ import annotations

import re

from ingest.model import RawReport
from ingest.outline import clean_line, heading_only, match_marker

_PART = re.compile(r"^第([一二三四五六七八九十\d]{1,3})[篇部分]{1,2}\s*[:：、.．]?\s*(.*)$")
_TITLE_WORDS = re.compile(r"(总结|计划|报告|要点|谋划|打算|汇报|情况|思路|述职)")
_TOC_WORDS = {"目录", "目 录", "目　录"}
ORG_LINE = re.compile(r"^.{0,24}(卫健委|卫健局|卫生健康委员会|卫生健康局|卫生和计划生育委员会|卫计委|卫生计生委)$")
DATE_LINE = re.compile(
    r"^(?:\d{4}|[〇零一二三四五六七八九]{4}|20[_xX]{2}|[xX]{4})\s*年\s*[\d一二三四五六七八九十xX]{1,3}\s*月"
    r"(?:\s*[\d一二三四五六七八九十xX]{1,3}\s*日)?$")


def split_reports(text: str) -> list[RawReport]:
    """Reports in file order, each with title, content lines and sign-off lines kept separately."""
    lines = [line for line in (clean_line(raw) for raw in text.split("\n")) if line]
    parts: list[tuple[str | None, list[str]]] = []
    for line in lines:
        m = _PART.match(line)
        if m:
            parts.append((m.group(2).strip() or None, []))
        else:
            if not parts:
                parts.append((None, []))
            parts[-1][1].append(line)
    reports = []
    for index, (title, body) in enumerate(p for p in parts if p[1] or p[0]):
        warnings: list[str] = []
        body, toc = drop_table_of_contents(body)
        if toc:
            warnings.append(f"跳过目录（{toc} 行标题），不作为正文检索")
        if title is None and body and looks_like_title(body[0]):
            title, body = body[0], body[1:]
        body, signoff = split_signoff(body)
        if body and all(heading_only(line) for line in body):
            warnings.append("只有提纲没有正文，未生成可检索内容")
        reports.append(RawReport(index=index, title=title, lines=tuple(body), signoff=tuple(signoff),
                                 warnings=tuple(warnings)))
    return reports


def looks_like_title(line: str) -> bool:
    """"2017年以来工作总结和未来五年工作谋划": short, no outline marker, no sentence, a report word."""
    return (len(line) <= 60 and match_marker(line) is None and "。" not in line
            and not line.endswith(("：", ":")) and bool(_TITLE_WORDS.search(line)))


def drop_table_of_contents(lines: list[str]) -> tuple[list[str], int]:
    """Remove a leading block of bare headings that the body repeats (or that follows "目录")."""
    start = 0
    explicit = bool(lines) and lines[0].replace(" ", "") in {w.replace(" ", "") for w in _TOC_WORDS}
    if explicit:
        start = 1
    end = start
    while end < len(lines) and heading_only(lines[end]):
        end += 1
    block = lines[start:end]
    if not block:
        return lines, 0
    rest = lines[end:]
    repeated = any(line == block[0] or line.startswith(block[0]) for line in rest)
    if explicit or (len(block) >= 3 and repeated):
        return rest, len(block)
    return lines, 0


def split_signoff(lines: list[str]) -> tuple[list[str], list[str]]:
    """Peel the signing organisation and date lines ("八公山区卫健委", "2021年9月22日") off the end."""
    body = list(lines)
    signoff: list[str] = []
    while body and len(signoff) < 3 and (ORG_LINE.match(body[-1]) or DATE_LINE.match(body[-1])):
        signoff.insert(0, body.pop())
    return body, signoff
