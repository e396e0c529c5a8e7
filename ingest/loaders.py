"""Read a file of any supported format into plain text, one paragraph per line.

Formats: .txt (UTF-8 with/without BOM, UTF-16, GB18030/GBK — detected and reported), .md, .docx
(see `ingest.docx`), .pdf (text layer via pypdf), .doc/.wps (converted by LibreOffice when it is
installed). Every failure is an `IngestError` naming the file and what to do.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ingest.errors import (
    ConverterMissing,
    CorruptDocument,
    EmptyDocument,
    NoTextLayer,
    UnreadableText,
    UnsupportedFormat,
)
from ingest.model import LoadedText
from ingest.normalize import clean_text


TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | {".docx", ".pdf", ".doc", ".wps"}
MAX_TEXT_CHARS = 3_000_000      # per file (a setting); the longest real report seen has ~60,000 characters
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def load_file(path: Path) -> LoadedText:
    """Dispatch on the suffix; the result always holds some non-blank text."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFormat(str(path), unsupported_reason(suffix))
    if suffix in TEXT_SUFFIXES:
        loaded = load_text(path)
        if suffix in {".md", ".markdown"}:
            loaded = LoadedText(strip_markdown(loaded.text), loaded.encoding, loaded.warnings)
    elif suffix == ".docx":
        from ingest.docx import load_docx

        loaded = load_docx(path)
    elif suffix == ".pdf":
        loaded = load_pdf(path)
    else:
        loaded = load_via_libreoffice(path)
    if not loaded.text.strip():
        raise EmptyDocument(str(path), "文件中没有文字内容。请确认文件不是空白的，或选择正确的文件。")
    return loaded


def unsupported_reason(suffix: str) -> str:
    return (f"不支持的文件类型“{suffix or '无扩展名'}”。支持：.txt .md .docx .pdf .doc .wps；"
            "其他格式请先另存为 .docx 或 .txt。")


# --- text files -------------------------------------------------------------------------------

def detect_encoding(data: bytes) -> str:
    """Name the encoding of Chinese text bytes, or raise ValueError for binary junk.

    BOMs first; then UTF-16 without BOM (NUL bytes on one side); then strict UTF-8; then strict
    GB18030, reported as "gbk" when the bytes are plain GBK (what users call their files).
    """
    for bom, name in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return name
    sample = data[:4096]
    if len(sample) >= 4:
        even_nuls = sample[0::2].count(0) / len(sample[0::2])
        odd_nuls = sample[1::2].count(0) / len(sample[1::2])
        if odd_nuls > 0.3 and even_nuls < 0.05:
            return "utf-16-le"
        if even_nuls > 0.3 and odd_nuls < 0.05:
            return "utf-16-be"
    if b"\x00" in data:
        raise ValueError("binary")
    for name in ("utf-8", "gbk", "gb18030"):
        try:
            data.decode(name)
        except UnicodeDecodeError:
            continue
        return name
    raise ValueError("unknown")


def load_text(path: Path) -> LoadedText:
    data = _read_bytes(path)
    if not data.strip():
        raise EmptyDocument(str(path), "文件是空的（或只有空白）。请确认选择了正确的文件。")
    try:
        encoding = detect_encoding(data)
        text = data.decode(encoding)
    except (ValueError, UnicodeDecodeError):
        raise UnreadableText(
            str(path),
            "无法识别文件编码，可能不是文本文件。请用记事本或 WPS 另存为 UTF-8 编码的 .txt 后重试。",
        ) from None
    if len(_CONTROL.findall(text)) > max(3, len(text) // 200):
        raise UnreadableText(str(path), "文件含大量控制字符，不像是文本文件。请确认文件类型，或另存为 .txt。")
    return LoadedText(clean_text(text), encoding=encoding)


_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_MD_LIST = re.compile(r"^\s*(?:[-*+]\s+|>\s*)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|`)")


def strip_markdown(text: str) -> str:
    """Drop Markdown syntax (#, lists, quotes, **, `) and keep the report's own numbering."""
    lines = []
    for line in text.split("\n"):
        line = _MD_LIST.sub("", _MD_HEADING.sub("", line))
        lines.append(_MD_EMPHASIS.sub("", line))
    return "\n".join(lines)


# --- pdf ----------------------------------------------------------------------------------------

def load_pdf(path: Path) -> LoadedText:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    data = _read_bytes(path)
    if not data.strip():
        raise EmptyDocument(str(path), "PDF 文件是空的。请确认选择了正确的文件。")
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise CorruptDocument(str(path), "PDF 已加密。请用 PDF 阅读器取消密码后重新导入。")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise CorruptDocument(str(path), f"PDF 文件已损坏或不完整（{type(exc).__name__}）。请重新导出 PDF，或改用 .docx。") from None
    text = clean_text("\n".join(pages))
    if len(re.sub(r"\s", "", text)) < 10 * max(1, len(pages)) // 2:
        raise NoTextLayer(
            str(path),
            f"PDF 共 {len(pages)} 页，但几乎没有可提取的文字，可能是扫描件。请先做文字识别（OCR），或改用原始 Word 文件。",
        )
    return LoadedText(_join_pdf_lines(text))


_SENTENCE_END = "。！？；：”」』）)"


def _join_pdf_lines(text: str) -> str:
    """PDF text layers break lines at the page width: rejoin lines that do not end a sentence.

    A line that starts with an outline marker always starts a new paragraph.
    """
    from ingest.outline import starts_with_marker

    paragraphs: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip(" \t\u3000")
        if not line:
            continue
        if paragraphs and not starts_with_marker(line) and not paragraphs[-1].endswith(tuple(_SENTENCE_END)) \
                and len(paragraphs[-1]) >= 25:
            paragraphs[-1] += line
        else:
            paragraphs.append(line)
    return "\n".join(paragraphs)


# --- .doc / .wps --------------------------------------------------------------------------------

def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def load_via_libreoffice(path: Path, timeout_s: float = 120) -> LoadedText:
    soffice = find_soffice()
    if soffice is None:
        raise ConverterMissing(
            str(path),
            f"{path.suffix} 文件需要 LibreOffice 转换，但本机未安装。"
            "请安装 LibreOffice（如 apt-get install libreoffice-writer），或在 Word/WPS 中另存为 .docx 后导入。",
        )
    from ingest.docx import load_docx

    with tempfile.TemporaryDirectory(prefix="ra-convert-") as out:
        cmd = [soffice, "--headless", "--convert-to", "docx", "--outdir", out, str(path)]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=timeout_s)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            raise CorruptDocument(str(path), f"LibreOffice 转换失败（{type(exc).__name__}）。"
                                             "请在 Word/WPS 中另存为 .docx 后导入。") from None
        converted = Path(out) / (path.stem + ".docx")
        if not converted.exists():
            raise CorruptDocument(str(path), "LibreOffice 没有生成 .docx，文件可能已损坏。请在 Word/WPS 中另存为 .docx 后导入。")
        loaded = load_docx(converted)
    return LoadedText(loaded.text, None, (*loaded.warnings, f"已用 LibreOffice 将 {path.suffix} 转换为 .docx"))


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableText(str(path), f"无法读取文件（{exc.strerror}）。请检查路径和权限。") from None
