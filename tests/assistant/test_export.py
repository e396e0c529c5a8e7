"""Exporting a draft: the .docx in the 公文 layout (GB/T 9704-2012), the Markdown, re-ingestion, bad paths."""

from __future__ import annotations

import os
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Emu

from assistant import docx_writer
from assistant.draft_model import Draft, DraftCitation, DraftParagraph, DraftSection
from assistant.errors import DraftExportError
from assistant.export import export_draft, to_markdown
from ingest.pipeline import ingest_file

VACCINE = DraftCitation("清河县2023年工作总结.docx", ("一、2023年工作完成情况", "（一）疫苗接种工作"), 2023,
                        "全年接种疫苗201187剂次，接种率98.6%。", "清河县卫健委2023年工作总结", "清河县卫健委")
SIGNING = DraftCitation("清河县2023年工作总结.docx", ("一、2023年工作完成情况", "（二）家庭医生签约"), 2023,
                        "家庭医生签约率达到79.8%。")
CLINICS = DraftCitation("清河县2022年工作计划.txt", ("二、2023年工作计划",), 2022, "新建标准化村卫生室12个。")
CITATIONS = (VACCINE, SIGNING, CLINICS)
LABEL = "基于往年材料的初稿（请核实后使用）"


def _draft() -> Draft:
    return Draft(year=2024, organisation="清河县卫健委", mode="offline", title="清河县卫健委2024年工作计划", label=LABEL,
                 sections=[
                     DraftSection("一、总体要求", 1, "总体要求", paragraphs=(
                         DraftParagraph("2024年，全县免疫规划和家庭医生签约服务继续巩固提升。", (VACCINE, SIGNING)),
                         DraftParagraph("坚持以人民健康为中心，推动卫生健康事业高质量发展。"))),
                     DraftSection("二、重点工作", 1, "重点工作"),
                     DraftSection("（一）坚持党建引领", 2, "党建", paragraphs=(
                         DraftParagraph("持续推进基层卫生机构标准化建设，新建村卫生室不少于10个。", (CLINICS,)),)),
                     DraftSection("（二）提升基层服务能力", 2, "基层", paragraphs=(
                         DraftParagraph("加强乡村医生培训，全年培训不少于300人次。"), DraftParagraph("   "))),
                 ])


def _heading_paths(draft: Draft) -> list[tuple[str, ...]]:
    paths, top = [], ""
    for section in draft.sections:
        if section.level == 1:
            top = section.heading
            paths.append((top,))
        else:
            paths.append((top, section.heading))
    return paths


@pytest.fixture
def written(tmp_path) -> docx.document.Document:
    return docx.Document(str(export_draft(_draft(), tmp_path / "计划.docx")))


def _by_text(document, start: str):
    return next(p for p in document.paragraphs if p.text.startswith(start))


def _east_asia(style) -> str | None:
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


def _footnotes(document) -> list[str]:
    """Texts of the real footnotes (ids ≥ 1), or [] when the document has no footnotes part."""
    parts = [rel.target_part for rel in document.part.rels.values() if rel.reltype == RT.FOOTNOTES]
    if not parts:
        return []
    root = parse_xml(parts[0].blob)
    return ["".join(t.text or "" for t in note.iter(qn("w:t"))) for note in root.iter(qn("w:footnote"))
            if int(note.get(qn("w:id"))) >= 1]


def _references(document) -> list[int]:
    return [int(ref.get(qn("w:id"))) for ref in document.element.body.iter(qn("w:footnoteReference"))]


# --- the .docx layout ----------------------------------------------------------------------------

def test_docx_page_is_a4_with_gongwen_margins_and_a_22_line_grid(written):
    section = written.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    for margin, mm in ((section.top_margin, 37), (section.bottom_margin, 35), (section.left_margin, 28),
                       (section.right_margin, 26)):
        assert abs(margin.mm - mm) <= 0.5
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    assert grid.get(qn("w:linePitch")) == "579"
    text_width_pt = Emu(section.page_width - section.left_margin - section.right_margin).pt
    pitch = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    assert text_width_pt / pitch == pytest.approx(28, abs=0.05)                # 28 三号 characters a line


def test_docx_title_is_centred_xiaobiaosong_erhao_and_not_bold(written):
    title = written.paragraphs[0]
    assert title.text == "清河县卫健委2024年工作计划"
    assert title.style.name == "公文标题"
    assert _east_asia(title.style) == "方正小标宋简体"
    assert title.style.font.size.pt == 22
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert not title.style.font.bold
    assert written.paragraphs[1].text == LABEL


def test_docx_body_is_fangsong_sanhao_indented_two_characters(written):
    body = _by_text(written, "坚持以人民健康为中心")
    assert body.style.name == "公文正文"
    assert _east_asia(body.style) == "仿宋_GB2312"
    assert body.style.font.size.pt == 16
    assert body.style.paragraph_format.first_line_indent.pt == 32
    assert body.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert not any(p.text.strip() == "" for p in written.paragraphs)          # the blank paragraph is skipped


def test_docx_headings_are_literal_text_with_outline_levels(written):
    level1, level2 = _by_text(written, "二、重点工作"), _by_text(written, "（一）坚持党建引领")
    assert (level1.style.name, _east_asia(level1.style)) == ("一级标题", "黑体")
    assert (level2.style.name, _east_asia(level2.style)) == ("二级标题", "楷体_GB2312")
    for heading, outline in ((level1, "0"), (level2, "1")):
        assert heading.style.font.size.pt == 16 and not heading.style.font.bold
        assert heading.style.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == outline
    assert [p.text for p in written.paragraphs if p.style.name in ("一级标题", "二级标题")] == [
        "一、总体要求", "二、重点工作", "（一）坚持党建引领", "（二）提升基层服务能力"]
    for paragraph in written.paragraphs:                                       # no Word automatic numbering
        assert paragraph._p.pPr is None or paragraph._p.pPr.numPr is None
        assert paragraph.style.element.pPr is None or paragraph.style.element.pPr.numPr is None


def test_docx_footer_shows_the_page_number_between_dashes_odd_right_even_left(written):
    assert written.settings.odd_and_even_pages_header_footer
    section = written.sections[0]
    for footer, alignment in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        [paragraph] = footer.paragraphs
        shown = ""
        for child in paragraph._p:
            if child.tag == qn("w:r"):
                shown += "".join(t.text for t in child.iter(qn("w:t")))
            elif child.tag == qn("w:fldSimple"):
                shown += "{" + child.get(qn("w:instr")).strip() + "}"
        assert shown == "— {PAGE} —"
        assert _east_asia(paragraph.style) == "宋体" and paragraph.style.font.size.pt == 14
        assert paragraph.alignment == alignment


def test_docx_citations_are_word_footnotes_in_reading_order(written):
    notes = _footnotes(written)
    assert len(notes) == len(CITATIONS)
    for note, citation in zip(notes, CITATIONS):
        assert citation.quote in note
        assert (f"《{citation.title}》" if citation.title else citation.source) in note
        assert " > ".join(citation.section_path) in note
    assert _references(written) == [1, 2, 3]
    first = _by_text(written, "2024年，全县免疫规划")
    assert [int(r.get(qn("w:id"))) for r in first._p.iter(qn("w:footnoteReference"))] == [1, 2]
    assert first.text == "2024年，全县免疫规划和家庭医生签约服务继续巩固提升。"     # the quote stays out of the text


def test_clean_docx_has_no_label_and_no_footnotes(tmp_path):
    document = docx.Document(str(export_draft(_draft(), tmp_path / "计划.docx", clean=True)))
    assert _footnotes(document) == [] and _references(document) == []
    assert LABEL not in [p.text for p in document.paragraphs]
    assert document.paragraphs[1].text == "一、总体要求"


# --- Markdown ------------------------------------------------------------------------------------

def test_markdown_has_literal_headings_and_footnotes():
    lines = to_markdown(_draft()).splitlines()
    assert lines[:3] == ["# 清河县卫健委2024年工作计划", "", f"> {LABEL}"]
    assert "## 一、总体要求" in lines and "## 二、重点工作" in lines
    assert "### （一）坚持党建引领" in lines and "### （二）提升基层服务能力" in lines
    assert "2024年，全县免疫规划和家庭医生签约服务继续巩固提升。[^1][^2]" in lines
    assert "持续推进基层卫生机构标准化建设，新建村卫生室不少于10个。[^3]" in lines
    assert lines[-3:] == [f"[^{n}]: {c.label}" for n, c in enumerate(CITATIONS, start=1)]


def test_clean_markdown_has_neither_label_nor_footnotes():
    text = to_markdown(_draft(), clean=True)
    assert "[^" not in text and LABEL not in text
    assert text.startswith("# 清河县卫健委2024年工作计划\n\n## 一、总体要求\n")


# --- export, then ingest again -------------------------------------------------------------------

@pytest.mark.parametrize("name", ["计划.docx", "计划.md"])
@pytest.mark.parametrize("clean", [False, True])
def test_exported_draft_reingests_to_the_same_section_paths(tmp_path, budget, name, clean):
    path = export_draft(_draft(), tmp_path / name, clean=clean)
    [report] = ingest_file(path, budget).reports
    assert report.meta.title == "清河县卫健委2024年工作计划"
    paths = {section.path for section in report.sections}
    assert set(_heading_paths(_draft())) <= paths
    plan = next(s for s in report.sections if s.path == ("二、重点工作", "（一）坚持党建引领"))
    assert plan.paragraphs[0].startswith("持续推进基层卫生机构标准化建设")
    if name.endswith(".docx") or clean:                                        # Word footnotes stay out of the text
        assert not any(c.quote in p for s in report.sections for p in s.paragraphs for c in CITATIONS)


# --- bad paths -----------------------------------------------------------------------------------

def test_missing_folder_is_named_and_nothing_is_written(tmp_path):
    target = tmp_path / "不存在" / "计划.docx"
    with pytest.raises(DraftExportError, match="不存在") as raised:
        export_draft(_draft(), target)
    assert str(target) in str(raised.value) and "--out" in str(raised.value)
    assert list(tmp_path.iterdir()) == []


def test_read_only_folder_is_named_and_nothing_is_written(tmp_path):
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    folder = tmp_path / "只读"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(DraftExportError, match="写入权限") as raised:
            export_draft(_draft(), folder / "计划.md")
        assert str(folder / "计划.md") in str(raised.value)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("name", ["计划.pdf", "计划"])
def test_unsupported_suffix_says_to_use_docx_or_md(tmp_path, name):
    with pytest.raises(DraftExportError, match=r"\.docx.*\.md") as raised:
        export_draft(_draft(), tmp_path / name)
    assert str(tmp_path / name) in str(raised.value)
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_the_old_file_and_leaves_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "计划.docx"
    target.write_bytes(b"old draft")

    def full_disk(draft, path, *, clean=False):
        Path(path).write_bytes(b"PK\x03\x04 half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(docx_writer, "write_docx", full_disk)
    with pytest.raises(DraftExportError, match="磁盘空间不足") as raised:
        export_draft(_draft(), target)
    assert str(target) in str(raised.value)
    assert target.read_bytes() == b"old draft"
    assert list(tmp_path.iterdir()) == [target]


def test_export_replaces_an_existing_file_and_returns_its_path(tmp_path):
    target = tmp_path / "计划.md"
    target.write_text("旧稿", encoding="utf-8")
    assert export_draft(_draft(), target) == target
    assert target.read_text(encoding="utf-8").startswith("# 清河县卫健委2024年工作计划")
    assert list(tmp_path.iterdir()) == [target]
