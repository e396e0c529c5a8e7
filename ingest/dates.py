"""Years and dates as reports write them: 2021, 二〇二一, 2023年2月10日, 二〇二三年十二月二十日, 2023-02-10."""

from __future__ import annotations

import re

from ingest.lexicon import CN_YEAR_DIGITS
from ingest.outline import chinese_to_int

_CN_DAY = "[一二三四五六七八九十]{1,3}"
CN_YEAR = re.compile(rf"([{CN_YEAR_DIGITS}]{{4}})\s*年")                    # 二〇二一年
# A line that is only a date, placeholders allowed (a sign-off's "2021年9月22日", "20XX年X月").
DATE_LINE = re.compile(
    rf"^(?:\d{{4}}|[{CN_YEAR_DIGITS}]{{4}}|20[_xX]{{2}}|[xX]{{4}})\s*年\s*[\d一二三四五六七八九十xX]{{1,3}}\s*月"
    r"(?:\s*[\d一二三四五六七八九十xX]{1,3}\s*日)?$")
# A date or month mentioned in text, for "哪天/什么时候" questions.
DATE_MENTION = re.compile(r"\d{1,4}\s*年\s*\d{1,2}\s*月|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(rf"(\d{{4}}|[{CN_YEAR_DIGITS}]{{4}})\s*年\s*(\d{{1,2}}|{_CN_DAY})\s*月")
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


def year_month(text: str) -> str | None:
    """"2023年12月" → "2023-12" (a sign-off that gives only the month)."""
    if m := _MONTH.search(text):
        year, month = parse_year(m.group(1)), number(m.group(2))
        if year and month and 1 <= month <= 12:
            return f"{year:04d}-{month:02d}"
    return None
