"""Parse the 公文 outline of a report into sections with heading paths.

Heading styles and their usual rank: 一、(1)  （一）(2)  1. / 1、(3)  （1）(4)  ①(5)  and the
paragraph-leading enumeration 一是…(6). A heading is either a line of its own ("二、2021年工作总结")
or runs into its paragraph ("1.扎实推进医联体建设。我区…"): then the title is the first clause and
the whole paragraph stays as the section's text, verbatim.

Real reports are irregular. A Word numbering artefact in front of a real marker
("3、 （四）基本公卫服务工作") yields the inner marker; a stand-alone heading whose number neither
continues nor starts its list and that reads like a part of the report ("4、 未来五年工作谋划" after
（四）) is taken as a top-level part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.lexicon import CN_NUMERALS, PART_TITLE_WORDS, alternation
from ingest.model import Heading, Section
from ingest.normalize import strip_line

_CN_NUM = CN_NUMERALS
_CN_VALUES = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}

# (style, rank, pattern). The number is group "n"; the pattern consumes the marker only.
_STYLES: list[tuple[str, int, re.Pattern[str]]] = [
    ("paren_cn", 2, re.compile(rf"^[（(](?P<n>[{_CN_NUM}]{{1,3}})[）)][、.．]?")),
    ("paren_arabic", 4, re.compile(r"^(?:[（(](?P<n>\d{1,2})[）)]|(?P<n2>\d{1,2})[)）])[、.．]?")),
    ("circle", 5, re.compile(r"^(?P<n>[①-⑳])")),
    ("cn", 1, re.compile(rf"^(?P<n>[{_CN_NUM}]{{1,3}})(?:、|[.．，,](?!\d))")),
    ("arabic", 3, re.compile(r"^(?P<n>\d{1,2})(?:[.．](?!\d)|[、，,])")),
    ("shi", 6, re.compile(rf"^(?P<n>[{_CN_NUM}]{{1,3}})是(?=[^，。,.是])")),
]
_ARTEFACT_PREFIX = re.compile(r"^[>＞]+[\s\u3000]*")
_CLAUSE_END = re.compile(r"[。：:；;！？!?]")
_SHI_CLAUSE_END = re.compile(r"[，,。：:；;！？!?]")
_PART_TITLE = re.compile(alternation(PART_TITLE_WORDS))
_MAX_TITLE = 40


def chinese_to_int(text: str) -> int | None:
    """一 → 1, 十一 → 11, 二十 → 20, 一百零五 → 105; None when not a Chinese numeral."""
    if not text or any(c not in _CN_VALUES and c not in "十百" for c in text):
        return None
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _CN_VALUES[char] if current else _CN_VALUES[char]
    return total + current


def clean_line(line: str) -> str:
    """Trim spaces (ASCII and U+3000) and the '>' quote artefacts some exports leave at line start."""
    return strip_line(_ARTEFACT_PREFIX.sub("", strip_line(line)))


@dataclass(frozen=True, slots=True)
class Marker:
    style: str
    rank: int
    number: int
    marker: str          # the marker as written, e.g. "（四）"
    rest: str            # the line after the marker
    irregular: bool = False


def match_marker(line: str) -> Marker | None:
    """The outline marker a (cleaned) line starts with, if any."""
    found = _match_one(line)
    if found is None:
        return None
    inner = _match_one(found.rest.lstrip(" \u3000")) if found.style in ("arabic", "cn") else None
    if inner is not None and inner.style not in ("shi",) and found.rest[:1] in (" ", "\u3000", "（", "("):
        # "3、 （四）基本公卫服务工作": a numbering artefact in front of the real marker
        return Marker(inner.style, inner.rank, inner.number, inner.marker, inner.rest, irregular=True)
    return found


def _match_one(line: str) -> Marker | None:
    for style, rank, pattern in _STYLES:
        m = pattern.match(line)
        if not m:
            continue
        raw = m.group("n") or m.groupdict().get("n2")
        if style == "circle":
            number = ord(raw) - 0x2460 + 1
        elif raw.isdigit():
            number = int(raw)
        else:
            number = chinese_to_int(raw)
        if not number:
            continue
        rest = line[m.end():]
        if not rest.strip() and style == "shi":
            continue
        return Marker(style, rank, number, m.group(0), rest)
    return None


def starts_with_marker(line: str) -> bool:
    return match_marker(clean_line(line)) is not None


def heading_only(line: str) -> bool:
    """A line that is a heading and nothing else: a marker, a short title, no sentence inside."""
    marker = match_marker(line)
    if marker is None or marker.style == "shi":
        return False
    body = marker.rest.strip(" \u3000")
    return 0 < len(body) <= _MAX_TITLE and not _CLAUSE_END.search(body)


def heading_title(marker: Marker) -> str:
    """Marker + first clause: "（二）新冠病毒疫苗接种工作" from "（二）新冠病毒疫苗接种工作。截至…"."""
    rest = marker.rest.strip(" \u3000")
    end = (_SHI_CLAUSE_END if marker.style == "shi" else _CLAUSE_END).search(rest)
    title = rest[: end.start()] if end else rest
    if len(title) > _MAX_TITLE:
        title = title[:_MAX_TITLE] + "…"
    return marker.marker.strip() + title.strip()


@dataclass(slots=True)
class _Open:
    marker: Marker
    heading: Heading


def parse_outline(lines: list[str] | tuple[str, ...]) -> tuple[list[Section], list[str]]:
    """Sections in document order (kind and years are filled in later) and parse warnings."""
    stack: list[_Open] = []
    last_number: dict[tuple[tuple[str, ...], str], int] = {}
    sections: list[tuple[tuple[str, ...], list[str]]] = [((), [])]
    warnings: list[str] = []
    headings = irregular = 0
    for raw in lines:
        line = clean_line(raw)
        if not line:
            continue
        marker = match_marker(line)
        if marker is None:
            sections[-1][1].append(line)
            continue
        headings += 1
        while stack and stack[-1].marker.rank >= marker.rank:
            stack.pop()
        parent_path = tuple(o.heading.title for o in stack)
        expected = last_number.get((parent_path, marker.style), 0) + 1
        standalone = heading_only(line)
        if marker.number not in (expected, 1) and standalone and _PART_TITLE.search(marker.rest) and stack:
            stack.clear()          # "4、 未来五年工作谋划": a mis-numbered top-level part
            parent_path = ()
            marker = Marker(marker.style, 1, marker.number, marker.marker, marker.rest, True)
        if marker.irregular:
            irregular += 1
        last_number[(parent_path, marker.style)] = marker.number
        heading = Heading(level=len(stack) + 1, marker=marker.marker.strip(), title=heading_title(marker))
        stack.append(_Open(marker, heading))
        path = tuple(o.heading.title for o in stack)
        sections.append((path, [] if standalone else [line]))
    if headings == 0:
        warnings.append("未识别到标题（一、/（一）/1. 等），全文作为一个整体切分")
    if irregular:
        warnings.append(f"有 {irregular} 处不规范的标题编号，已按上下文归位")
    result = [Section(path=path, paragraphs=tuple(paras)) for path, paras in sections if path or paras]
    return result, warnings


def outline_only_sections(toc: tuple[str, ...] | list[str], body: list[Section]) -> list[Section]:
    """Sections for the TOC entries the body never reaches (it was cut short), so they stay searchable.

    The entries are parsed as an outline of their own (so "（六）" knows it sits under "一、…"); each
    missing entry without missing children is listed under its parent's path, as outline-only text.
    """
    if not toc:
        return []
    parsed, _ = parse_outline(toc)
    present = {title for section in body for title in section.path}
    paths = [s.path for s in parsed if s.path]
    missing = [p for p in paths if not any(same_heading(p[-1], title) for title in present)]
    groups: dict[tuple[str, ...], list[str]] = {}
    for path in missing:
        if any(other[: len(path)] == path and len(other) > len(path) for other in missing):
            continue                        # shown through its own missing children
        groups.setdefault(path[:-1] or path, []).append(path[-1])
    return [Section(path=path, paragraphs=tuple(items), outline_only=True) for path, items in groups.items()]


def same_heading(a: str, b: str) -> bool:
    """Two writings of one heading: a TOC entry is often the first words of the body's heading
    ("(一)加强党建引领" for "（一）加强党建引领,强化…"); spaces, punctuation and half-width brackets aside."""
    a, b = _squash(a), _squash(b)
    return a.startswith(b) or b.startswith(a)


def _squash(text: str) -> str:
    return re.sub(r"[\s。.．、，,：:]", "", text).replace("(", "（").replace(")", "）")
