"""One file in, its reports and chunks out. Pure: reads the file, writes nothing, no network."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.chunking import TokenBudget, chunk_report
from ingest.frontmatter import card_lines
from ingest.errors import TooLarge
from ingest.loaders import MAX_TEXT_CHARS, TEXT_SUFFIXES, load_file
from ingest.metadata import report_meta, section_kind, section_years
from ingest.model import Chunk, DocType, Report, Section, SectionKind, content_id
from ingest.outline import outline_only_sections, parse_outline
from ingest.split import split_reports

PIPELINE_VERSION = "2"   # bump when parsing or chunking changes, so unchanged files are re-ingested
CARD_PATH = ("文件信息",)   # the section holding a report's particulars (title, 文号, dates, byline, sign-off)


@dataclass(frozen=True, slots=True)
class IngestedFile:
    source: str
    encoding: str | None
    reports: tuple[Report, ...]
    chunks: tuple[Chunk, ...]
    warnings: tuple[str, ...]


MAX_BYTES_PER_CHAR = 4          # no supported text encoding needs more


def ingest_file(path: Path, budget: TokenBudget, *, source: str | None = None,
                max_chars: int = MAX_TEXT_CHARS) -> IngestedFile:
    """Load, split, parse, annotate and chunk one file. Raises `IngestError` for bad input, `TooLarge` for a
    file with more than `max_chars` characters of text (a text file that big is refused before reading)."""
    source = source or path.name
    if too_large := text_file_too_large(path, max_chars):
        raise too_large
    loaded = load_file(path)
    if len(loaded.text) > max_chars:
        raise TooLarge(str(path), _too_large(f"约 {len(loaded.text) / 10000:.0f} 万字", max_chars))
    return ingest_text(loaded.text, budget, source=source, encoding=loaded.encoding, warnings=loaded.warnings)


def text_file_too_large(path: Path, max_chars: int) -> TooLarge | None:
    """A text file whose bytes alone say it has more than `max_chars` characters (checked without reading)."""
    if path.suffix.lower() in TEXT_SUFFIXES and (size := path.stat().st_size) > max_chars * MAX_BYTES_PER_CHAR:
        return TooLarge(str(path), _too_large(f"{size / 1024 / 1024:.1f} MB", max_chars))
    return None


def _too_large(size: str, max_chars: int) -> str:
    return (f"文件太大（{size}），超过单个文件 {max_chars / 10000:.0f} 万字的上限（一份工作报告通常只有几万字），未导入。"
            "若是多份报告合在一起，请拆成单独的文件再导入；确需整个导入，请调大设置 ingest.max_text_chars。")


def ingest_text(text: str, budget: TokenBudget, *, source: str, encoding: str | None = None,
                warnings: tuple[str, ...] = ()) -> IngestedFile:
    reports: list[Report] = []
    chunks: list[Chunk] = []
    all_warnings = list(warnings)
    raw_reports = split_reports(text)
    for raw in raw_reports:
        sections, outline_warnings = parse_outline(raw.lines)
        sections += outline_only_sections(raw.toc, sections)
        meta = report_meta(raw, sections, file_name=source)
        default_kind = SectionKind.PLANS if meta.doc_type in (DocType.PLAN, DocType.KEY_POINTS) else SectionKind.ACHIEVEMENTS
        annotated = []
        for section in sections:
            kind = section_kind(section.path, default_kind)
            years, origin = section_years(section.path, kind, meta)
            annotated.append(Section(section.path, section.paragraphs, kind, years, origin, section.outline_only))
        if card := card_lines(raw.title, raw.front, raw.signoff):
            annotated.insert(0, Section(CARD_PATH, tuple(card), SectionKind.DOCUMENT, meta.years, meta.origins.years))
        report = Report(
            id=content_id(source, raw.index, raw.title, raw.lines),
            source=source, index=raw.index, meta=meta, sections=tuple(annotated),
            warnings=(*raw.warnings, *outline_warnings),
        )
        reports.append(report)
        chunks.extend(chunk_report(report, budget))
        prefix = f"第{raw.index + 1}篇：" if len(raw_reports) > 1 else ""
        all_warnings.extend(prefix + w for w in report.warnings)
    return IngestedFile(source, encoding, tuple(reports), tuple(chunks), tuple(all_warnings))
