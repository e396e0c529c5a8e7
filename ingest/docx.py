"""Read .docx paragraphs and tables in document order, rebuilding Word automatic numbering.

python-docx returns a paragraph's runs only: a heading numbered by Word ("一、", "（一）" from a
chineseCounting list definition) comes back as its bare title, and the outline is lost. We read
numbering.xml and the styles, keep one counter per list, and put the number back in front.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import CorruptDocument, EmptyDocument
from ingest.model import LoadedText
from ingest.normalize import clean_text


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN_DIGITS = "零一二三四五六七八九"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"


def chinese_counting(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 21 → 二十一, 105 → 一百零五 (Word's chineseCounting)."""
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + _CN_DIGITS[rest] if rest < 10
                                     else chinese_counting(rest).replace("十", "一十", 1) if rest < 20 else chinese_counting(rest))
        return _CN_DIGITS[n // 100] + "百" + tail
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + sym, n - value
    return out


def _letters(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """Render counter value `n` in a w:numFmt."""
    if fmt in {"chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "chineseLegalSimplified", "ideographDigital"}:
        return chinese_counting(n)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else f"({n})"
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _DIZHI[(n - 1) % 12]
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt in {"none", "bullet"}:
        return ""
    return str(n)  # decimal, decimalZero and anything exotic


@dataclass(slots=True)
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass(slots=True)
class Numbering:
    """numbering.xml + styles, with live counters: `label(num_id, ilvl)` advances and renders."""

    abstract_of: dict[str, str] = field(default_factory=dict)          # numId -> abstractNumId
    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # abstractNumId -> ilvl -> level
    start_overrides: dict[str, dict[int, int]] = field(default_factory=dict)
    style_numpr: dict[str, tuple[str, int]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    def label(self, num_id: str, ilvl: int) -> str | None:
        abstract = self.abstract_of.get(num_id)
        if abstract is None or abstract not in self.levels:
            return None
        levels = self.levels[abstract]
        if ilvl not in levels:
            return None
        counters = self.counters.setdefault(abstract, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl, start in self.start_overrides.get(num_id, {}).items():
                counters[lvl] = start - 1
        counters[ilvl] = counters.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if levels[ilvl].fmt == "bullet":
            return None
        text = levels[ilvl].text
        for lvl in range(9):
            token = f"%{lvl + 1}"
            if token in text:
                level = levels.get(lvl, _Level())
                value = counters.get(lvl, level.start)
                text = text.replace(token, format_number(value, level.fmt))
        return text


def read_numbering(zf: zipfile.ZipFile) -> Numbering:
    from lxml import etree

    numbering = Numbering()
    names = set(zf.namelist())
    if "word/numbering.xml" in names:
        root = etree.fromstring(zf.read("word/numbering.xml"))
        for abstract in root.iter(f"{W}abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in abstract.iter(f"{W}lvl"):
                level = _Level()
                for tag, attr in (("numFmt", "fmt"), ("lvlText", "text")):
                    node = lvl.find(f"{W}{tag}")
                    if node is not None and node.get(f"{W}val") is not None:
                        setattr(level, attr, node.get(f"{W}val"))
                start = lvl.find(f"{W}start")
                if start is not None:
                    level.start = int(start.get(f"{W}val", "1"))
                levels[int(lvl.get(f"{W}ilvl", "0"))] = level
            numbering.levels[abstract.get(f"{W}abstractNumId")] = levels
        for num in root.iter(f"{W}num"):
            num_id = num.get(f"{W}numId")
            ref = num.find(f"{W}abstractNumId")
            if ref is not None:
                numbering.abstract_of[num_id] = ref.get(f"{W}val")
            for override in num.iter(f"{W}lvlOverride"):
                start = override.find(f"{W}startOverride")
                if start is not None:
                    numbering.start_overrides.setdefault(num_id, {})[int(override.get(f"{W}ilvl", "0"))] = int(
                        start.get(f"{W}val", "1"))
    if "word/styles.xml" in names:
        numbering.style_numpr = _style_numbering(etree.fromstring(zf.read("word/styles.xml")))
    return numbering


def _style_numbering(styles) -> dict[str, tuple[str, int]]:
    """styleId -> (numId, ilvl) for paragraph styles that carry numbering, following basedOn."""
    direct: dict[str, tuple[str | None, int | None]] = {}
    based_on: dict[str, str] = {}
    for style in styles.iter(f"{W}style"):
        sid = style.get(f"{W}styleId")
        base = style.find(f"{W}basedOn")
        if base is not None:
            based_on[sid] = base.get(f"{W}val")
        numpr = style.find(f"{W}pPr/{W}numPr")
        if numpr is not None:
            num_id = numpr.find(f"{W}numId")
            ilvl = numpr.find(f"{W}ilvl")
            direct[sid] = (num_id.get(f"{W}val") if num_id is not None else None,
                           int(ilvl.get(f"{W}val")) if ilvl is not None else None)
    resolved: dict[str, tuple[str, int]] = {}
    for sid in set(direct) | set(based_on):
        num_id, ilvl, seen, cur = None, None, set(), sid
        while cur and cur not in seen:
            seen.add(cur)
            d_num, d_lvl = direct.get(cur, (None, None))
            num_id = num_id or d_num
            ilvl = ilvl if ilvl is not None else d_lvl
            cur = based_on.get(cur)
        if num_id and num_id != "0":
            resolved[sid] = (num_id, ilvl or 0)
    return resolved


def _paragraph_numbering(p, numbering: Numbering) -> tuple[str, int] | None:
    ppr = p.find(f"{W}pPr")
    num_id, ilvl = None, None
    if ppr is not None:
        numpr = ppr.find(f"{W}numPr")
        if numpr is not None:
            node = numpr.find(f"{W}numId")
            num_id = node.get(f"{W}val") if node is not None else None
            node = numpr.find(f"{W}ilvl")
            ilvl = int(node.get(f"{W}val")) if node is not None else None
        style = ppr.find(f"{W}pStyle")
        if style is not None and style.get(f"{W}val") in numbering.style_numpr:
            s_num, s_lvl = numbering.style_numpr[style.get(f"{W}val")]
            num_id = num_id or s_num
            ilvl = ilvl if ilvl is not None else s_lvl
    if not num_id or num_id == "0":
        return None
    return num_id, ilvl or 0


def _paragraph_text(p) -> str:
    parts: list[str] = []
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}delText"):
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append("\t")
        elif node.tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
    return "".join(parts)


def _table_lines(tbl) -> list[str]:
    lines = []
    for row in tbl.iter(f"{W}tr"):
        cells = []
        for cell in row.findall(f"{W}tc"):
            text = " ".join(t for t in (_paragraph_text(p).strip() for p in cell.iter(f"{W}p")) if t)
            cells.append(text)
        if any(cells):
            lines.append(" | ".join(cells))
    return lines


def _body_blocks(body):
    """w:p and w:tbl in document order, looking through content controls (w:sdt)."""
    for child in body:
        if child.tag in (f"{W}p", f"{W}tbl"):
            yield child
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _body_blocks(content)


def load_docx(path: Path) -> LoadedText:
    from lxml import etree

    try:
        with zipfile.ZipFile(path) as zf:
            if "word/document.xml" not in zf.namelist():
                raise CorruptDocument(str(path), "不是有效的 .docx 文件（缺少 word/document.xml）。请用 Word/WPS 打开后另存为 .docx。")
            document = etree.fromstring(zf.read("word/document.xml"))
            numbering = read_numbering(zf)
    except (zipfile.BadZipFile, etree.XMLSyntaxError, OSError, KeyError, ValueError) as exc:
        if path.exists() and path.stat().st_size == 0:
            raise EmptyDocument(str(path), "文件是空的。请确认选择了正确的文件。") from None
        raise CorruptDocument(str(path), f".docx 文件已损坏或不完整（{type(exc).__name__}）。请用 Word/WPS 打开后另存为 .docx。") from None
    body = document.find(f"{W}body")
    lines: list[str] = []
    rebuilt = 0
    for block in _body_blocks(body if body is not None else []):
        if block.tag == f"{W}tbl":
            lines.extend(_table_lines(block))
            continue
        text = _paragraph_text(block)
        numpr = _paragraph_numbering(block, numbering)
        label = numbering.label(*numpr) if numpr else None
        if label and text.strip():
            text = label + text.lstrip()
            rebuilt += 1
        lines.append(text)
    warnings = []
    if rebuilt:
        warnings.append(f"已还原 Word 自动编号（{rebuilt} 段）")
    return LoadedText(clean_text("\n".join(lines)), None, tuple(warnings))
