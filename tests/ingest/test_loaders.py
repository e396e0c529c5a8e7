from pathlib import Path

import pytest

from ingest.errors import ConverterMissing, CorruptDocument, EmptyDocument, NoTextLayer, UnreadableText, UnsupportedFormat
from ingest.loaders import detect_encoding, load_file
from ingest.normalize import fold_digits, fold_radicals
from tests.ingest.fixtures import build_numbered_docx, build_pdf, build_scanned_pdf

REPORT = "一、2021年工作总结\n（二）新冠病毒疫苗接种工作。截至9月21日，已接种201187剂，完成率72.17%。\n"


@pytest.mark.parametrize("codec, reported", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"),
    ("utf-16-be", "utf-16-be"), ("gbk", "gbk"),
])
def test_text_encodings_are_detected_and_reported(tmp_path: Path, codec: str, reported: str):
    path = tmp_path / "report.txt"
    path.write_bytes(REPORT.encode(codec))
    loaded = load_file(path)
    assert loaded.encoding == reported
    assert "已接种201187剂" in loaded.text and "（二）" in loaded.text
    assert "\ufeff" not in loaded.text


def test_gb18030_only_characters_are_read(tmp_path: Path):
    path = tmp_path / "report.txt"
    path.write_bytes(("㐀" + REPORT).encode("gb18030"))   # U+3400 is in GB18030 but not in GBK
    loaded = load_file(path)
    assert loaded.encoding == "gb18030"
    assert loaded.text.startswith("㐀一、2021年")


def test_crlf_and_ideographic_spaces_survive(tmp_path: Path):
    path = tmp_path / "r.txt"
    path.write_bytes("　　一、总结\r\n　　内容，保留。\r\n".encode("gbk"))
    assert load_file(path).text == "　　一、总结\n　　内容，保留。\n"


@pytest.mark.parametrize("content", [b"", b"   \n\t  \r\n"])
def test_empty_text_file_is_a_clear_error(tmp_path: Path, content: bytes):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(EmptyDocument, match="empty.txt"):
        load_file(path)


def test_binary_junk_is_not_read_as_text(tmp_path: Path):
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(UnreadableText, match="junk.txt.*UTF-8"):
        load_file(path)
    with pytest.raises(ValueError):
        detect_encoding(b"\x00\x01\x02\x03garbage\x00")


def test_unknown_extension_names_the_supported_ones(tmp_path: Path):
    path = tmp_path / "table.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(UnsupportedFormat, match=r"table\.xlsx.*\.docx"):
        load_file(path)


def test_markdown_syntax_is_dropped_and_numbering_kept(tmp_path: Path):
    path = tmp_path / "r.md"
    path.write_text("# 2023年工作总结\n\n## 一、工作完成情况\n\n- **签约率**达到`79.8%`。\n", encoding="utf-8")
    text = load_file(path).text
    assert "一、工作完成情况" in text and "签约率达到79.8%。" in text and "#" not in text


def test_docx_rebuilds_word_numbering_and_reads_tables_in_order(tmp_path: Path):
    loaded = load_file(build_numbered_docx(tmp_path / "numbered.docx"))
    lines = loaded.text.split("\n")
    assert "一、2023年工作完成情况" in lines
    assert "（一）疫苗接种工作" in lines and "（二）家庭医生签约" in lines
    assert "1.签约重点人群41258人。" in lines and "2.履约随访12360人次。" in lines
    assert "二、存在问题" in lines and "三、2024年工作计划" in lines
    assert "（一）巩固签约成果" in lines          # level 1 restarts under a new level-0 item
    assert "要点提示" in lines                     # a bullet gets no number
    table = lines.index("指标 | 2022年 | 2023年")
    assert lines[table + 1] == "签约率 | 76.4% | 79.8%"
    assert lines.index("2.履约随访12360人次。") < table < lines.index("二、存在问题")
    assert any("自动编号" in w for w in loaded.warnings)


def test_truncated_docx_is_a_clear_error(tmp_path: Path):
    good = build_numbered_docx(tmp_path / "good.docx").read_bytes()
    bad = tmp_path / "truncated.docx"
    bad.write_bytes(good[: len(good) // 2])
    with pytest.raises(CorruptDocument, match="truncated.docx.*另存为"):
        load_file(bad)


def test_zip_that_is_not_a_docx(tmp_path: Path):
    import zipfile

    path = tmp_path / "fake.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(CorruptDocument, match="fake.docx"):
        load_file(path)


def test_pdf_text_layer_with_radicals_folded(tmp_path: Path):
    path = build_pdf(tmp_path / "r.pdf", ["2021年工作总结", "一、工作完成情况",
                                           "（一）疫苗接种工作。截至9⽉21⽇，已接种201187剂，完成率72.17%。"])
    text = load_file(path).text
    assert "一、工作完成情况" in text
    assert "截至9月21日，已接种201187剂，完成率72.17%。" in text


def test_pdf_lines_broken_at_page_width_are_rejoined(tmp_path: Path):
    path = build_pdf(tmp_path / "wrapped.pdf", ["一、工作完成情况", "全县家庭医生团队签约重点人群41258人，重点人群签约",
                                                 "率76.4%，较上年提高3.2个百分点。", "二、存在问题"])
    lines = load_file(path).text.split("\n")
    assert "全县家庭医生团队签约重点人群41258人，重点人群签约率76.4%，较上年提高3.2个百分点。" in lines
    assert "二、存在问题" in lines


def test_scanned_pdf_without_text_says_ocr(tmp_path: Path):
    with pytest.raises(NoTextLayer, match="scan.pdf.*OCR"):
        load_file(build_scanned_pdf(tmp_path / "scan.pdf"))


def test_corrupt_pdf_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a pdf\n")
    with pytest.raises((CorruptDocument, NoTextLayer), match="broken.pdf"):
        load_file(path)


def test_doc_without_libreoffice_says_how_to_proceed(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0 old word file")
    with pytest.raises(ConverterMissing, match=r"old\.doc.*LibreOffice.*另存为 \.docx"):
        load_file(path)


def test_doc_is_converted_by_soffice_when_installed(tmp_path: Path, monkeypatch):
    """A stand-in `soffice` on PATH that behaves like LibreOffice's --convert-to docx."""
    converted = build_numbered_docx(tmp_path / "source.docx")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "soffice"
    script.write_text(
        "#!/bin/sh\n"
        "# soffice --headless --convert-to docx --outdir OUT FILE\n"
        f'[ "$1" = --headless ] && [ "$2" = --convert-to ] && [ "$3" = docx ] && [ "$4" = --outdir ] || exit 3\n'
        f'name=$(basename "$6"); cp "{converted}" "$5/${{name%.*}}.docx"\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    path = tmp_path / "old.wps"
    path.write_bytes(b"wps bytes")
    loaded = load_file(path)
    assert "一、2023年工作完成情况" in loaded.text
    assert any("LibreOffice" in w for w in loaded.warnings)


def test_folding_helpers():
    assert fold_radicals("⽣⾄⽉⽇，（）。") == "生至月日，（）。"
    assert fold_digits("２０２１年７２．１７％") == "2021年72.17%"
