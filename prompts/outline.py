"""The plan outline as data: the skeleton (总体要求 → 重点工作 → 保障措施) and the catalogue of typical
sections, each with the words that gather its evidence. The standard one ships as TOML in
prompts/outlines/; a user's own file has the same shape; `from_headings` makes one from a real plan.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ingest.errors import ReportAssistantError

STANDARD = "standard"
EVIDENCE_KINDS = ("achievement", "problem", "plan")
CN_ORDINALS = "一二三四五六七八九十"


class OutlineError(ReportAssistantError):
    """An outline file that cannot be read, or a section name it does not have."""


@dataclass(frozen=True, slots=True)
class Phrases:
    """The sentence frames of the offline composer (editable in the outline file)."""

    label: str = "基于往年材料的初稿"
    continue_: str = "继续"
    consolidate: str = "巩固{topic}成果。{year}年，{fact}。"
    address: str = "针对{problem}等问题，{action}。"
    none: str = "资料中未找到与“{topic}”相关的往年总结、存在问题或工作计划，本节请据实补充。"
    placeholder: str = "【待定：{what}】"
    old_target: str = "原计划{figure}"


@dataclass(frozen=True, slots=True)
class OutlineSection:
    id: str
    heading: str                          # as the draft shows it, without its number
    label: str                            # short name for notes and --sections
    terms: tuple[str, ...] = ()           # words that gather its evidence
    action: str = ""                      # the measure a named problem turns into (offline composer)
    kinds: tuple[str, ...] = EVIDENCE_KINDS   # which evidence it draws on: achievement / problem / plan
    children: tuple[OutlineSection, ...] = ()

    def names(self) -> set[str]:
        return {self.id, self.label, self.heading}


@dataclass(frozen=True, slots=True)
class Outline:
    title: str                            # "{organisation}{year}年卫生健康工作计划"
    parts: tuple[OutlineSection, ...]     # level 1; their children are level 2
    phrases: Phrases = field(default_factory=Phrases)
    origin: str = STANDARD                # "standard", a file path, or the plan it was taken from

    def sections(self) -> list[OutlineSection]:
        """Every section that is drafted (parts without children, and the children), in order."""
        return [s for part in self.parts for s in (part.children or (part,))]

    def select(self, names: list[str]) -> Outline:
        """Only the named sections (by id, label or heading), in outline order; parts left empty drop out."""
        known = {name for s in self.sections() for name in s.names()} | {n for p in self.parts for n in p.names()}
        unknown = [n for n in names if n not in known]
        if unknown:
            listing = "、".join(f"{s.label}（{s.id}）" for s in self.sections())
            raise OutlineError(f"提纲中没有这些部分：{'、'.join(unknown)}。可选：{listing}。")
        wanted = set(names)
        parts = []
        for part in self.parts:
            if part.names() & wanted:
                parts.append(part)
            elif part.children:
                children = tuple(c for c in part.children if c.names() & wanted)
                if children:
                    parts.append(OutlineSection(part.id, part.heading, part.label, part.terms, part.action,
                                                part.kinds, children))
        return Outline(self.title, tuple(parts), self.phrases, self.origin)


def numbered(level: int, n: int, heading: str) -> str:
    """(1, 2, "重点工作") -> "二、重点工作"; (2, 3, …) -> "（三）…": literal text, as 公文 write it."""
    ordinal = _cn_number(n)
    return f"{ordinal}、{heading}" if level == 1 else f"（{ordinal}）{heading}"


def ordinal_item(n: int) -> str:
    """1 -> "一是"."""
    return f"{_cn_number(n)}是"


def _cn_number(n: int) -> str:
    if n <= 10:
        return CN_ORDINALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_ORDINALS[tens - 1]) + "十" + (CN_ORDINALS[ones - 1] if ones else "")


def load_outline(path: Path | None = None) -> Outline:
    """The standard outline, or the user's TOML file (same shape)."""
    if path is None:
        text = resources.files("prompts").joinpath("outlines", f"{STANDARD}.toml").read_text(encoding="utf-8")
        return parse_outline(text, STANDARD)
    if not path.is_file():
        raise OutlineError(f"找不到提纲文件 {path}。请检查 --outline 的路径，或用 --outline library 取本单位最近一份计划的标题。")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise OutlineError(f"提纲文件 {path} 无法读取（{exc}）。请保存为 UTF-8 编码的 TOML 文件。") from None
    return parse_outline(text, str(path))


def parse_outline(text: str, origin: str) -> Outline:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise OutlineError(f"提纲文件 {origin} 不是有效的 TOML：{exc}。请对照内置提纲 prompts/outlines/standard.toml 修改。") from None
    try:
        catalogue = tuple(_section(s, origin) for s in data.get("section", []))
        parts = tuple(_section(p, origin, catalogue if p.get("catalogue") else ()) for p in data["part"])
        phrases = data.get("phrases", {})
        defaults = Phrases()
        phrases = Phrases(**{name: str(phrases.get(name.rstrip("_"), getattr(defaults, name)))
                             for name in Phrases.__slots__})
        title = str(data.get("title", "{organisation}{year}年工作计划"))
    except (KeyError, TypeError, AttributeError) as exc:
        raise OutlineError(f"提纲文件 {origin} 缺少必要内容（{exc}）：至少要有一个 [[part]]，每节要有 heading。"
                           "请对照内置提纲 prompts/outlines/standard.toml 修改。") from None
    if not parts:
        raise OutlineError(f"提纲文件 {origin} 中没有任何 [[part]]。")
    _check_fields(origin, title, phrases)
    ids = [s.id for s in (*parts, *catalogue)]
    if len(ids) != len(set(ids)):
        raise OutlineError(f"提纲文件 {origin} 中有重复的 id：{'、'.join(sorted({i for i in ids if ids.count(i) > 1}))}。")
    return Outline(title, parts, phrases, origin)


# The placeholders each text may use, with sample values to try it on.
_FIELDS: dict[str, dict[str, object]] = {
    "title": {"organisation": "某县卫健委", "year": 2024}, "consolidate": {"topic": "某项", "year": 2023, "fact": "某事"},
    "address": {"problem": "某问题", "action": "某措施"}, "none": {"topic": "某项"}, "placeholder": {"what": "某值"},
    "old_target": {"figure": "80%"}}


def _check_fields(origin: str, title: str, phrases: Phrases) -> None:
    """Every text formats with the placeholders it is given: a typo ({org}) is an error now, not mid-draft."""
    texts = {"title": title} | {name.rstrip("_"): getattr(phrases, name) for name in Phrases.__slots__}
    for name, text in texts.items():
        try:
            text.format(**_FIELDS.get(name, {}))
        except (KeyError, IndexError, ValueError) as exc:
            allowed = "、".join(f"{{{k}}}" for k in _FIELDS.get(name, {})) or "（无）"
            raise OutlineError(f"提纲文件 {origin} 中 {name} 的写法有误（{exc!r}）。可用的占位符：{allowed}；"
                               "要写花括号本身请写成 {{ 和 }}。") from None


def _section(data: dict, origin: str, children: tuple[OutlineSection, ...] = ()) -> OutlineSection:
    heading = str(data["heading"]).strip()
    if not heading:
        raise KeyError("heading")
    terms = data.get("terms", [])
    if not isinstance(terms, list):
        raise TypeError("terms 应为字符串列表")
    label = str(data.get("label", heading))
    kinds = tuple(str(k) for k in data.get("evidence", EVIDENCE_KINDS))
    if not set(kinds) <= set(EVIDENCE_KINDS):
        raise TypeError(f"evidence 只能是 {'、'.join(EVIDENCE_KINDS)}")
    return OutlineSection(id=str(data.get("id", label)), heading=heading, label=label,
                          terms=tuple(str(t) for t in terms if str(t).strip()), action=str(data.get("action", "")),
                          kinds=kinds, children=children)


def from_headings(headings: list[tuple[str, tuple[str, ...]]], origin: str, title: str) -> Outline:
    """An outline from a real plan's headings: [(heading, terms)] become level-1 sections, in order."""
    sections = tuple(OutlineSection(id=f"s{n}", heading=h, label=h, terms=terms or (h,))
                     for n, (h, terms) in enumerate(headings, start=1))
    return Outline(title, sections, Phrases(), origin)
