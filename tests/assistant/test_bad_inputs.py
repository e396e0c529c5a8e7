"""The files people actually have, generated here: every file gets a status and a reason, every good file is
ingested, readable encodings are searchable afterwards, and nothing else is lost."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path


from assistant.ingesting import ingest_and_index
from assistant.settings import load_settings
from assistant.wiring import build_services
from ingest.chunking import TokenBudget
from ingest.tokens import ConservativeCounter
from tests.ingest.fixtures import build_numbered_docx, build_pdf, build_scanned_pdf

REPORT = "{place}卫健局2023年工作总结\n一、工作完成情况\n（一）疫苗接种。全年接种疫苗{figure}剂次。\n二、存在问题\n人才短缺。\n"
ENCODINGS = {"gbk": ("gbk", 11111), "gb18030": ("gb18030", 22222), "utf16le": ("utf-16", 33333),
             "utf16be": ("utf-16-be", 44444), "utf8bom": ("utf-8-sig", 55555)}
PLACES = {"gbk": "甲县", "gb18030": "乙县", "utf16le": "丙县", "utf16be": "丁县", "utf8bom": "戊县"}


def _corpus(folder) -> dict[str, str]:
    """name -> what must become of it: "ingested", "unchanged" (a duplicate) or "failed"."""
    folder.mkdir()
    expected = {}
    for key, (codec, figure) in ENCODINGS.items():
        data = REPORT.format(place=PLACES[key], figure=figure).encode(codec)
        if key == "utf16be":
            data = b"\xfe\xff" + data                       # with its byte-order mark
        (folder / f"{key}.txt").write_bytes(data)
        expected[f"{key}.txt"] = "ingested"
    (folder / "空文件.txt").write_bytes(b"")
    (folder / "只有空白.txt").write_text(" \n\t\n\u3000\n", encoding="utf-8")
    (folder / "二进制.txt").write_bytes(os.urandom(4096))
    good = build_numbered_docx(folder.parent / "good.docx").read_bytes()
    (folder / "截断.docx").write_bytes(good[:700])
    with zipfile.ZipFile(folder / "其实是压缩包.docx", "w") as z:
        z.writestr("readme.txt", "not a word file")
    build_pdf(folder / "加密.pdf", ["2023年工作总结", "签约率79.8%。"], password="secret")
    build_scanned_pdf(folder / "扫描件.pdf")
    expected |= dict.fromkeys(["空文件.txt", "只有空白.txt", "二进制.txt", "截断.docx", "其实是压缩包.docx", "加密.pdf",
                               "扫描件.pdf"], "failed")
    lines = "\n".join(f"第{i}行没有任何标点的文字内容" for i in range(10_000))
    (folder / "无标点 一万行.txt").write_text("己县卫健局2023年工作总结\n" + lines, encoding="utf-8")
    (folder / "报告 📄 2023（终稿）.txt").write_text(REPORT.format(place="庚县", figure=66666), encoding="utf-8")
    (folder / "同一内容另存.txt").write_bytes((folder / "报告 📄 2023（终稿）.txt").read_bytes())
    expected |= {"无标点 一万行.txt": "ingested", "报告 📄 2023（终稿）.txt": "copy", "同一内容另存.txt": "copy"}
    block = (REPORT.format(place="癸县", figure=12345) * 2000).encode("utf-8")
    with (folder / "五十兆.txt").open("wb") as f:               # 50 MB: refused before it is read
        for _ in range(50 * 1024 * 1024 // len(block) + 1):
            f.write(block)
    expected["五十兆.txt"] = "failed"
    return expected


def test_a_folder_of_bad_and_good_files(tmp_path):
    folder = tmp_path / "资料 文件夹"
    expected = _corpus(folder)
    services = build_services(load_settings(data_dir=tmp_path / "data", **{"embedding.kind": "hashing"}))
    summary = ingest_and_index([folder], services.store, TokenBudget(350, ConservativeCounter()), services.index)
    services.refresh()
    outcomes = {os.path.basename(f.path): f for f in summary.files}
    assert set(outcomes) == set(expected)
    copies = sorted(outcomes[name].status for name, status in expected.items() if status == "copy")
    assert copies == ["ingested", "unchanged"]           # the same content under two names: kept once
    for name, status in expected.items():
        outcome = outcomes[name]
        if status == "copy":
            continue
        assert outcome.status == status, (name, outcome.status, outcome.error)
        if status == "failed":
            assert outcome.error and name in outcome.error and "\n" not in outcome.error, name
    assert "加密" in outcomes["加密.pdf"].error or "密码" in outcomes["加密.pdf"].error
    assert "太大" in outcomes["五十兆.txt"].error and "ingest.max_text_chars" in outcomes["五十兆.txt"].error
    assert (folder / "五十兆.txt").stat().st_size >= 50 * 1024 * 1024
    for key, (_codec, figure) in ENCODINGS.items():
        answer = services.answerer.ask(f"{PLACES[key]}2023年疫苗接种剂次", use_llm=False)
        assert str(figure) in answer.text, key
    assert "66666" in services.answerer.ask("庚县2023年疫苗接种剂次", use_llm=False).text
    services.close()


def test_an_unreadable_file_fails_alone(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "好.txt").write_text(REPORT.format(place="辛县", figure=77777), encoding="utf-8")
    locked = folder / "锁住.txt"
    locked.write_text(REPORT.format(place="壬县", figure=88888), encoding="utf-8")
    locked.chmod(0)
    if os.geteuid() == 0:                                    # root reads whatever the mode: refuse as the OS would
        real_open = Path.open

        def refusing_open(path, *args, **kwargs):
            if path.name == locked.name:
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(Path, "open", refusing_open)
    services = build_services(load_settings(data_dir=tmp_path / "data", **{"embedding.kind": "hashing"}))
    summary = ingest_and_index([folder], services.store, TokenBudget(350, ConservativeCounter()), services.index)
    outcomes = {os.path.basename(f.path): f for f in summary.files}
    assert outcomes["好.txt"].status == "ingested"
    assert outcomes["锁住.txt"].status == "failed" and "锁住.txt" in outcomes["锁住.txt"].error
    services.close()


def test_the_size_limit_is_a_setting_and_counts_characters(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text = "子县卫健局2023年工作总结\n一、工作完成情况\n" + "全年接种疫苗一万剂次，签约率百分之八十。\n" * 1200   # ~25,000 characters
    (folder / "长.txt").write_text(text, encoding="utf-8")                                      # ~75 KB
    (folder / "短.txt").write_text(REPORT.format(place="丑县", figure=99999), encoding="utf-8")
    services = build_services(load_settings(data_dir=tmp_path / "data", **{"embedding.kind": "hashing",
                                                                         "ingest.max_text_chars": 20_000}))
    budget = TokenBudget(350, ConservativeCounter())
    limit = services.settings.ingest.max_text_chars
    summary = ingest_and_index([folder], services.store, budget, services.index, max_chars=limit)
    outcomes = {os.path.basename(f.path): f for f in summary.files}
    assert outcomes["短.txt"].status == "ingested"
    assert outcomes["长.txt"].status == "failed" and "万字" in outcomes["长.txt"].error    # counted, not guessed from bytes
    summary = ingest_and_index([folder], services.store, budget, services.index)            # the default: 3 million
    assert {os.path.basename(f.path): f.status for f in summary.files}["长.txt"] == "ingested"
    services.close()
