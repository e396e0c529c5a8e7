"""Character-level clean-up that keeps Chinese punctuation intact.

We never NFKC a whole document (it turns ，。（） into ASCII). We do fold the characters that
look the same but are not: Kangxi/CJK radicals that PDF text layers emit (⽣⾄⽉⽇ → 生至月日),
and full-width digits where matching needs them.
"""

from __future__ import annotations

import unicodedata

# Kangxi Radicals (U+2F00–U+2FD5) and CJK Radicals Supplement (U+2E80–U+2EF3) → unified ideographs.
_RADICALS = {
    cp: unicodedata.normalize("NFKC", chr(cp))
    for cp in [*range(0x2E80, 0x2EF4), *range(0x2F00, 0x2FD6)]
    if unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
}
_FULLWIDTH_DIGITS = {0xFF10 + i: str(i) for i in range(10)} | {0xFF0E: ".", 0xFF05: "%"}
_INVISIBLE = {0x200B: None, 0x200C: None, 0x200D: None, 0xFEFF: None, 0x00AD: None}


def fold_radicals(text: str) -> str:
    """⽣ (U+2F63, KANGXI RADICAL LIFE) → 生; other characters unchanged."""
    return text.translate(_RADICALS)


def fold_digits(text: str) -> str:
    """Full-width digits, point and percent to ASCII, for matching figures (not for display)."""
    return text.translate(_FULLWIDTH_DIGITS)


def clean_text(text: str) -> str:
    """Line endings to \\n, invisible characters dropped, radicals folded; punctuation untouched."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n")
    return fold_radicals(text.translate(_INVISIBLE))


def strip_line(line: str) -> str:
    """Trim ASCII and ideographic spaces (U+3000) around a paragraph; the inside stays verbatim."""
    return line.strip(" \t\u3000\u00a0")
