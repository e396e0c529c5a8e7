"""Split a file's text into reports; set aside what is not content (wrapping, TOC, title, sign-off).

One file may hold several reports ("第一篇: …", "第二篇: …", or a notice issuing several documents), a
portal header and a notice around the report (see `ingest.frontmatter`), or a table of contents in
front of the body. TOC entries the body repeats are dropped; entries the body never reaches (it was
cut short) are kept, so the report's outline stays searchable (`RawReport.toc`, marked outline-only).
"""

from __future__ import annotations

import re

from ingest.dates import DATE_LINE, iso_date
from ingest.frontmatter import drop_chrome, read_portal_header, take_byline, take_title, unwrap_notice
from ingest.lexicon import TOC_WORDS
from ingest.model import Frontmatter, Origin, RawReport
from ingest.outline import clean_line, heading_only, same_heading
from ingest.places import organisation_line

_PART = re.compile(r"^第([一二三四五六七八九十\d]{1,3})[篇部分]{1,2}\s*[:：、.．]?\s*(.*)$")
_TOC_LEADER = re.compile(r"[\s.．。…·•_\-—]{2,}\s*\d{0,3}\s*$|\s+\d{1,3}\s*$")
_TOC_WORDS = {w.replace(" ", "").replace("\u3000", "") for w in TOC_WORDS}


def split_reports(text: str) -> list[RawReport]:
    """Reports in file order, each with title, content lines, sign-off and frontmatter kept separately."""
    lines = drop_chrome([line for line in (clean_line(raw) for raw in text.split("\n")) if line])
    fields, lines = read_portal_header(lines)
    header = Frontmatter(fields)
    notice, documents = unwrap_notice(lines, header.field("名称", "标题"))
    issuer = header.field("发布机构", "发文机关", "发文机构")
    front = Frontmatter(
        fields=fields,
        issuer=issuer if issuer and organisation_line(issuer) else (notice.issuer if notice else None),
        issued=iso_date(header.field("成文日期") or "") or (notice.issued if notice else None)
        or iso_date(header.field("发布日期", "公开日期", "发布时间") or ""),
        notice_title=notice.title if notice else None)
    parts: list[tuple[str | None, bool, list[str]]] = []
    for document in documents:
        for n, (title, body) in enumerate(_parts(document.lines)):
            from_notice = document.from_notice and n == 0 and title is None
            parts.append((document.title if from_notice else title, from_notice, body))
    reports = []
    for index, (title, from_notice, body) in enumerate(p for p in parts if p[2] or p[0]):
        reports.append(_raw_report(index, title, from_notice, body, front))
    return reports


def _parts(lines: list[str]) -> list[tuple[str | None, list[str]]]:
    parts: list[tuple[str | None, list[str]]] = []
    for line in lines:
        m = _PART.match(line)
        if m:
            parts.append((m.group(2).strip() or None, []))
        else:
            if not parts:
                parts.append((None, []))
            parts[-1][1].append(line)
    return parts


def _raw_report(index: int, title: str | None, from_notice: bool, body: list[str], front: Frontmatter) -> RawReport:
    warnings: list[str] = []
    origin = Origin.NOTICE if from_notice else Origin.TITLE
    if title is None:
        title, body = take_title(body)
    body, toc = take_table_of_contents(body)
    if title is None:
        title, body = take_title(body)
    if title is None and (named := front.field("名称", "标题")) and not front.notice_title:
        title, origin = named, Origin.HEADER
    byline, body = take_byline(body)
    if byline:
        front = Frontmatter(front.fields, front.issuer, front.issued, front.notice_title, byline)
    if toc:
        warnings.append(f"目录（{len(toc)} 行标题）不作为正文检索；正文中没有的目录标题作为“仅目录”内容保留")
    body, signoff = split_signoff(body)
    if body and all(heading_only(line) for line in body):
        warnings.append("只有提纲没有正文，未生成可检索内容")
    return RawReport(index=index, title=title, lines=tuple(body), signoff=tuple(signoff), warnings=tuple(warnings),
                     title_origin=origin, front=front, toc=tuple(toc))


def toc_entry(line: str) -> str:
    """A TOC line without its dot leaders and page number: "（一）公立医院改革 ……… 1" → "（一）公立医院改革"."""
    return _TOC_LEADER.sub("", line).strip()


def take_table_of_contents(lines: list[str]) -> tuple[list[str], list[str]]:
    """(body, TOC entries): a leading block of bare headings after "目录", or one the body repeats."""
    start = 0
    explicit = bool(lines) and lines[0].replace(" ", "").replace("\u3000", "") in _TOC_WORDS
    if explicit:
        start = 1
    end = start
    while end < len(lines) and heading_only(toc_entry(lines[end])):
        if end > start and same_heading(toc_entry(lines[end]), toc_entry(lines[start])):
            break                                   # the body starts over with the first entry
        end += 1
    block = [toc_entry(line) for line in lines[start:end]]
    if not block:
        return lines, []
    rest = lines[end:]
    repeated = any(line == block[0] or line.startswith(block[0]) for line in rest)
    if explicit or (len(block) >= 3 and repeated):
        return rest, block
    return lines, []


def split_signoff(lines: list[str]) -> tuple[list[str], list[str]]:
    """Peel the signing organisation and date lines ("八公山区卫健委", "2021年9月22日") off the end."""
    body = list(lines)
    signoff: list[str] = []
    while body and len(signoff) < 3 and (organisation_line(body[-1]) or DATE_LINE.match(body[-1])):
        signoff.insert(0, body.pop())
    return body, signoff
