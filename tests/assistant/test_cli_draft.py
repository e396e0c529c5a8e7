"""`report-assistant draft`: JSON shape, Word and Markdown output, and one clear message per bad input."""

import json

import pytest

from assistant.cli import main
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    data = tmp_path_factory.mktemp("draft") / "data"
    assert main(["ingest", "--data-dir", str(data), str(SAMPLES), "--json"]) == 0
    return data


def _run(argv, capsys):
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_draft_has_the_documented_shape(data, capsys):
    code, out, _ = _run(["draft", "--data-dir", str(data), "--year", "2024", "--org", "清河县", "--no-llm", "--json",
                         "--sections", "family_doctor,妇幼健康"], capsys)
    assert code == 0
    doc = json.loads(out)
    assert set(doc) >= {"year", "organisation", "mode", "sections", "placeholders", "notes"}
    assert doc["year"] == 2024 and doc["organisation"] == "清河县卫健委" and doc["mode"] == "offline"
    headings = [s["heading"] for s in doc["sections"]]
    assert headings == ["一、重点工作", "（一）做实家庭医生签约服务", "（二）保障妇幼健康"]
    section = doc["sections"][1]
    assert section["evidence_count"] > 0
    citation = section["paragraphs"][0]["citations"][0]
    assert set(citation) == {"source", "section_path", "year", "quote"} and citation["source"].endswith(".txt")


def test_docx_and_markdown_files(data, tmp_path, capsys):
    for name in ("计划.docx", "计划.md"):
        out_file = tmp_path / name
        code, out, _ = _run(["draft", "--data-dir", str(data), "--year", "2024", "--no-llm", "--out", str(out_file)], capsys)
        assert code == 0 and out_file.stat().st_size > 0 and f"已写入 {out_file}" in out
    assert "[^1]" in (tmp_path / "计划.md").read_text(encoding="utf-8")
    _run(["draft", "--data-dir", str(data), "--year", "2024", "--no-llm", "--clean", "--out", str(tmp_path / "c.md")], capsys)
    assert "[^" not in (tmp_path / "c.md").read_text(encoding="utf-8")


def test_terminal_output_streams_sections_with_sources(data, capsys):
    code, out, err = _run(["draft", "--data-dir", str(data), "--year", "2024", "--no-llm", "--sections", "family_doctor"],
                          capsys)
    assert code == 0 and out.startswith("清河县卫健委2024年卫生健康工作计划")
    assert "（一）做实家庭医生签约服务" in out and "〔出处〕《清河县卫健委" in out


@pytest.mark.parametrize("args, message", [
    (["--year", "2019"], "2019 年之前的报告"),
    (["--year", "2024", "--org", "红星县"], "没有“红星县”的报告"),
    (["--year", "2024", "--sections", "养猪"], "提纲中没有这些部分：养猪"),
    (["--year", "2024", "--outline", "nowhere.toml"], "找不到提纲文件 nowhere.toml"),
])
def test_bad_requests_are_one_clear_message(data, capsys, args, message):
    code, out, err = _run(["draft", "--data-dir", str(data), "--no-llm", *args], capsys)
    assert code == 2 and message in err and out == ""


def test_an_outline_that_does_not_parse(data, tmp_path, capsys):
    bad = tmp_path / "提纲.toml"
    bad.write_text("[[part]\nheading = 1", encoding="utf-8")
    code, _, err = _run(["draft", "--data-dir", str(data), "--year", "2024", "--no-llm", "--outline", str(bad)], capsys)
    assert code == 2 and "不是有效的 TOML" in err and str(bad) in err


def test_a_users_outline_file(data, tmp_path, capsys):
    mine = tmp_path / "mine.toml"
    mine.write_text('title = "{organisation}{year}年工作要点"\n[[part]]\nid = "sign"\nheading = "家庭医生"\n'
                    'terms = ["签约"]\n', encoding="utf-8")
    code, out, _ = _run(["draft", "--data-dir", str(data), "--year", "2024", "--no-llm", "--json", "--outline", str(mine)],
                        capsys)
    doc = json.loads(out)
    assert code == 0 and [s["heading"] for s in doc["sections"]] == ["一、家庭医生"] and doc["sections"][0]["evidence_count"]


def test_an_output_path_that_cannot_be_written_writes_nothing(data, tmp_path, capsys):
    target = tmp_path / "没有这个文件夹" / "计划.docx"
    code, out, err = _run(["draft", "--data-dir", str(data), "--year", "2024", "--no-llm", "--out", str(target)], capsys)
    assert code == 2 and str(target.parent) in err and not target.parent.exists()
    code, _, err = _run(["draft", "--data-dir", str(data), "--year", "2024", "--no-llm", "--out", str(tmp_path / "x.pdf")],
                        capsys)
    assert code == 2 and "x.pdf" in err and not list(tmp_path.glob("*x.pdf*"))
