"""Figures in Chinese report text, normalised so that an answer's figures can be checked against sources.

"72.17%", "-1.53‰", "201,187", "２０１８７", "3.44万管" (= 34400), "23.45亿元", "9月21日" (9 and 21) are
all figures. A figure is verified when a cited passage holds the same value in the same kind (plain,
percent, per-mille) after normalisation; citation markers like "[2]" are not figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from collections.abc import Callable

from ingest.normalize import fold_digits

_CITATION = re.compile(r"\[\d+(?:\s*[,，、]\s*\d+)*\]|[\w.-]+\.(?:txt|md|docx|doc|pdf|wps)\b")
_FIGURE = re.compile(
    r"(?<![\d.])(?P<sign>[-−－]?)(?P<num>\d+(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<unit>%|％|‰|万亿|亿|万|千)?")
_YEAR_FOLLOWERS = "年—–-～~至到"
_MULTIPLIER = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "万亿": Decimal(10**12), "千": Decimal(1000)}


@dataclass(frozen=True, slots=True)
class Figure:
    text: str                     # as written
    kind: str                     # "plain" | "%" | "‰"
    value: Decimal

    @property
    def key(self) -> tuple[str, Decimal]:
        return self.kind, self.value.normalize()


def figures(text: str) -> list[Figure]:
    """Every figure in `text` (citation markers and file names removed first)."""
    folded = fold_digits(_CITATION.sub(" ", text)).replace("−", "-").replace("－", "-")
    found = []
    for m in _FIGURE.finditer(folded):
        read = _read(m)
        if read is not None:
            found.append(Figure(m.group(0).strip(), *read))
    return found


def _read(m: re.Match) -> tuple[str, Decimal] | None:
    """(kind, value) of one `_FIGURE` match: "3.44万" → ("plain", 34400); None when it is no number."""
    try:
        value = Decimal(m.group("num").replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None
    unit = m.group("unit") or ""
    kind = "%" if unit in ("%", "％") else "‰" if unit == "‰" else "plain"
    return kind, value * _MULTIPLIER.get(unit, Decimal(1)) * (-1 if m.group("sign") else 1)


def figure_keys(texts: list[str]) -> set[tuple[str, Decimal]]:
    keys = set()
    for text in texts:
        for figure in figures(text):
            keys.add(figure.key)
            if figure.value < 0:                 # "下降-1.53‰" may be quoted as "下降1.53‰"
                keys.add((figure.kind, (-figure.value).normalize()))
    return keys


def unverified(answer: str, sources: list[str]) -> list[str]:
    """Figures of `answer` that no source holds, as written in the answer (in order, no repeats)."""
    known = figure_keys(sources)
    missing: list[str] = []
    for figure in figures(answer):
        if figure.key not in known and figure.text not in missing:
            missing.append(figure.text)
    return missing


def replace_figures(text: str, replace: Callable[[Figure, bool, str], str | None]) -> str:
    """`text` with each figure (as `figures` reads it) replaced by `replace(figure, is_year, after)`; None keeps
    it. `is_year`: a four-digit number followed by 年 or a range dash ("2023年底", "2022—2025年"); `after`:
    the text that follows the figure (its unit, "型糖尿病", "G")."""
    folded = fold_digits(text)
    out, last = [], 0
    for m in _FIGURE.finditer(folded):
        read = _read(m)
        if read is None:
            continue
        kind, value = read
        start, end = m.start(), m.end()
        while end > start and text[end - 1].isspace():
            end -= 1
        after = folded[m.end("num"):].lstrip()[:1]
        is_year = (kind == "plain" and len(m.group("num")) == 4 and not m.group("unit") and 1949 <= value <= 2100
                   and after != "" and after in _YEAR_FOLLOWERS)
        new = replace(Figure(text[start:end], kind, value), is_year, text[end:])
        if new is not None:
            out += [text[last:start], new]
            last = end
    return "".join(out) + text[last:]
