"""What stands around a report rather than in it, read as metadata instead of content.

Real files arrive in the shapes of where they were copied from:
- a government-portal page: breadcrumbs, a header block ("索引号：… | 发布机构：… | 名称：… | 文号：… |
  成文日期：… | 发布日期：…", one line or one field per line), font-size and print buttons;
- a notice that issues the report ("关于印发《2023年全省卫生健康工作要点》的通知", addressees,
  "现将…印发给你们", the issuer and date), then the report under its own title — or several reports;
- a title set over two lines ("寿光市卫生健康局" / "2023年工作总结…"), or with a subtitle ("——2022年…综述");
- a signed article, whose byline names the organisation ("绍兴市卫生健康委员会党委书记、主任 沈明远").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.dates import iso_date
from ingest.lexicon import BYLINE_TITLES, HEADER_FIELDS, TITLE_WORDS, alternation
from ingest.model import Frontmatter
from ingest.outline import match_marker
from ingest.places import OrgName, find_organisations, organisation_line

_FIELD = re.compile(rf"(?:^|(?<=[|｜\s]))({alternation(HEADER_FIELDS)})\s*[：:]\s*")
_FIELD_SPLIT = re.compile(r"\s*[|｜]\s*")
_CHROME = re.compile(r"^(?:首页|当前位置|您现在的位置|您的位置).*[>＞»›]"
                     r"|^(?:【[^】]*】\s*){2,}$|^[【\[]?(?:打印本页|关闭窗口|扫一扫在手机打开当前页|分享到)[】\]]?|字体[：:]\s*大\s*中\s*小")
CHROME_LINES = 8        # page chrome stands above or below the text, never inside it
_NOTICE = re.compile(r"^关于(?:印发|转发|下发|发布|公布|报送)(?P<what>.+?)的(?:通知|函|报告)$")
SIGNOFF_LINES = 3       # a notice never ends at the file's own sign-off
_QUOTED = re.compile(r"《([^《》]+)》")
_ISSUE_SENTENCE = re.compile(r"印发给你们|现印发|现予印发|现将.{0,60}(?:印发|下发|转发|报送)|请结合实际|请认真贯彻")
_TITLE_WORD = re.compile(alternation(TITLE_WORDS))
_SUBTITLE = re.compile(r"^[—─－-]{1,2}\s*")
_BYLINE = re.compile(rf"^(?:作者[：:]\s*|文[/／]\s*)?(?P<org>.+?)(?:党组|党委)?{alternation(BYLINE_TITLES)}"
                     rf"(?:[、，,\s]*(?:党组|党委)?{alternation(BYLINE_TITLES)})*\s*(?P<name>[\u4e00-\u9fff·]{{2,4}})?$")
HEADER_SCAN = 15        # a header block starts within the first lines of a file


@dataclass(frozen=True, slots=True)
class Document:
    """One report a file holds, after the wrapping has been taken off."""

    title: str | None
    from_notice: bool                 # the title is the one a notice issues it under
    lines: list[str]


@dataclass(frozen=True, slots=True)
class Notice:
    title: str                        # "关于印发《…》的通知"
    issuer: str | None
    issued: str | None                # ISO date


# --- portal pages -----------------------------------------------------------------------------------

def drop_chrome(lines: list[str]) -> list[str]:
    """Breadcrumbs and page buttons ("首页 > 政务公开 > …", "【字体：大 中 小】【打印本页】") among the first
    and last lines; a sentence mentioning 扫一扫 or a 【典型经验】 label in the body stays."""
    edge = set(range(min(CHROME_LINES, len(lines)))) | set(range(max(0, len(lines) - CHROME_LINES), len(lines)))
    return [line for i, line in enumerate(lines)
            if not (i in edge and len(line) <= 60 and "。" not in line and _CHROME.search(line))]


def read_portal_header(lines: list[str]) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """(header fields, the other lines). Fields may share a line ("a：x | b：y") or stand one per line,
    their value on the next line when the field line ends with its colon."""
    start = next((i for i, line in enumerate(lines[:HEADER_SCAN]) if _FIELD.match(line)), None)
    if start is None:
        return (), lines
    end = start + 1
    while end < len(lines) and (_FIELD.match(lines[end]) or _value_of_empty_field(lines, end)):
        end += 1            # a field line, or the value of a field that stood alone on the line before
    fields = _parse_fields(" | ".join(lines[start:end]))
    if len(fields) < 2:
        return (), lines
    return fields, lines[:start] + lines[end:]


def _value_of_empty_field(lines: list[str], i: int) -> bool:
    """Line i holds the value of a field left empty on the line before — unless it is the report's title
    under a trailing empty field ("主题词：" then "2022年工作总结"): a value is followed by more fields."""
    if not _ends_with_empty_field(lines[i - 1]) or match_marker(lines[i]):
        return False
    followed = i + 1 < len(lines) and bool(_FIELD.match(lines[i + 1]))
    return followed or not looks_like_title(lines[i])


def _ends_with_empty_field(line: str) -> bool:
    matches = list(_FIELD.finditer(line))
    return bool(matches) and not line[matches[-1].end():].strip(" |｜")


def _parse_fields(text: str) -> tuple[tuple[str, str], ...]:
    starts = list(_FIELD.finditer(text))
    fields = []
    for m, following in zip(starts, starts[1:] + [None]):
        value = text[m.end(): following.start() if following else len(text)]
        value = _FIELD_SPLIT.sub(" ", value).strip(" |｜\u3000")
        fields.append((m.group(1), value))
    return tuple(fields)


# --- notices ----------------------------------------------------------------------------------------

def issued_titles(notice_title: str) -> list[str]:
    """"关于印发《A》和《B》的通知" → [A, B]; "关于印发2023年工作要点的通知" → ["2023年工作要点"]."""
    m = _NOTICE.match(notice_title.strip())
    if not m:
        return []
    quoted = _QUOTED.findall(m.group("what"))
    return quoted or [m.group("what").strip()]


def unwrap_notice(lines: list[str], header_title: str | None = None) -> tuple[Notice | None, list[Document]]:
    """Take a notice's own lines off the reports it issues; each issued report keeps its own title."""
    notice_at = next((i for i, line in enumerate(lines[:8]) if _NOTICE.match(line)), None)
    notice_title = lines[notice_at] if notice_at is not None else header_title
    titles = issued_titles(notice_title) if notice_title else []
    if not titles:
        return None, [Document(None, False, lines)]
    start = notice_at + 1 if notice_at is not None else 0
    keys = [_squash(t) for t in titles]
    found = [(i, titles[keys.index(_squash(lines[i]))]) for i in range(start, len(lines))
             if _squash(lines[i]) in keys and not _ISSUE_SENTENCE.search(lines[i])]
    if found:
        body_start = found[0][0]
    elif notice_at is None:
        body_start = start           # only the header names the notice: the file holds just the report
    else:
        body_start = _end_of_notice(lines, start)
    issuer, issued = _notice_signature(lines[start:body_start])
    notice = Notice(notice_title, issuer, issued)
    if not found:
        if body_start >= len(lines) - SIGNOFF_LINES:
            return None, [Document(None, False, lines)]      # "关于报送…的报告" that is itself the report
        return notice, [Document(titles[0], True, lines[body_start:])]
    documents = []
    for (i, title), following in zip(found, found[1:] + [(len(lines), None)]):
        documents.append(Document(title, True, lines[i + 1: following[0]]))
    return notice, documents


def _squash(text: str) -> str:
    return re.sub(r"[\s《》“”\"]", "", text)


def _end_of_notice(lines: list[str], start: int) -> int:
    """Without the issued title repeated, the notice ends after its date line (and attachment notes)."""
    for i in range(start, min(len(lines), start + 15)):
        if iso_date(lines[i]) and len(lines[i]) <= 16:
            end = i + 1
            while end < len(lines) and re.match(r"^[（(].{0,20}[）)]$|^附件", lines[end]):
                end += 1
            return end
    return start


def _notice_signature(lines: list[str]) -> tuple[str | None, str | None]:
    issuer = next((org.name for line in lines if (org := organisation_line(line))), None)
    issued = next((d for line in lines if len(line) <= 16 and (d := iso_date(line))), None)
    return issuer, issued


# --- titles and bylines -----------------------------------------------------------------------------

def looks_like_title(line: str) -> bool:
    """"2017年以来工作总结和未来五年工作谋划": short, no outline marker, no sentence, a report word."""
    return (len(line) <= 60 and match_marker(line) is None and "。" not in line
            and not line.endswith(("：", ":")) and bool(_TITLE_WORD.search(line)))


def take_title(lines: list[str]) -> tuple[str | None, list[str]]:
    """The report's title from its first lines, joined when it is set over two of them:
    an organisation line over the title, or a main title over a "——" subtitle."""
    if not lines:
        return None, lines
    first = lines[0]
    second = lines[1] if len(lines) > 1 else ""
    if second and _SUBTITLE.match(second) and len(first) <= 40 and "。" not in first and looks_like_title(second):
        return f"{first}{second}", lines[2:]
    if second and organisation_line(first) and looks_like_title(second):
        return f"{first}{second}", lines[2:]
    if looks_like_title(first):
        return first, lines[1:]
    return None, lines


def byline_organisation(line: str) -> OrgName | None:
    """The organisation a byline names ("XX市卫生健康局党组书记、局长 张三" → XX市卫生健康局), or None."""
    if len(line) > 50 or "。" in line or "，" in line:
        return None
    m = _BYLINE.match(line)
    if m and (orgs := find_organisations(m.group("org"))) and orgs[-1].name == m.group("org").strip():
        return orgs[-1]
    return None


def take_byline(lines: list[str]) -> tuple[str | None, list[str]]:
    """A byline among the first lines: the line, taken out of the body."""
    for i, line in enumerate(lines[:3]):
        if byline_organisation(line):
            return line, lines[:i] + lines[i + 1:]
    return None, lines


def card_lines(title: str | None, front: Frontmatter, signoff: tuple[str, ...]) -> list[str]:
    """The report's particulars as searchable lines ("文号：湘卫发〔2023〕3号", the byline, the sign-off),
    so "哪天发布的" and "谁写的" find them; empty when the report states nothing beyond its text."""
    lines = [f"{key}：{value}" for key, value in front.fields if value]
    if front.notice_title and not any(front.notice_title in line for line in lines):
        lines.append(front.notice_title)
    if front.byline:
        lines.append(f"作者：{front.byline}")
    if signoff:
        lines.append("落款：" + " ".join(signoff))
    if lines and title:
        lines.insert(0, f"标题：{title}")
    return lines
