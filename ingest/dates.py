"""Years and dates as reports write them: 2021, 二〇二一, 2023年2月10日, 二〇二三年十二月二十日, 2023-02-10."""

from __future__ import annotations

import re

from ingest.lexicon import CN_YEAR_DIGITS
from ingest.outline import chinese_to_int

_CN_DAY = "[一二三四五六七八九十]{1,3}"
_DATE = re.compile(rf"(\d{{4}}|[{CN_YEAR_DIGITS}]{{4}})\s*(?:年|[-./])\s*(\d{{1,2}}|{_CN_DAY})\s*(?:月|[-./])"
                   rf"\s*(\d{{1,2}}|{_CN_DAY})\s*日?")


def parse_year(token: str) -> int | None:
    """'2021' → 2021, '二〇二一' → 2021."""
    if token.isdigit():
        return int(token)
    digits = "".join(str("〇一二三四五六七八九".index(c)) if c != "零" else "0" for c in token if c in CN_YEAR_DIGITS)
    return int(digits) if len(digits) == 4 else None


def number(token: str) -> int | None:
    """'09' → 9, '十二' → 12."""
    return int(token) if token.isdigit() else chinese_to_int(token)


def iso_date(text: str) -> str | None:
    """The first full date in `text`, ISO: "2023-02-10", "2023年2月10日", "二〇二三年十二月二十日" → "2023-02-10"."""
    for m in _DATE.finditer(text):
        year, month, day = parse_year(m.group(1)), number(m.group(2)), number(m.group(3))
        if year and month and day and 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None
