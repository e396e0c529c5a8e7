import shutil
from pathlib import Path

from assistant.ingesting import ingest_paths, remove_file
from assistant.errors import FileNotIngested
from tests.conftest import SAMPLES
from tests.ingest.fixtures import build_numbered_docx, build_pdf

import pytest

from vectorstore.docstore import DocumentStore


@pytest.fixture
def store(tmp_path) -> DocumentStore:
    return DocumentStore(tmp_path / "data" / "documents.sqlite3")


def _reports_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    shutil.copytree(SAMPLES, folder)
    return folder


def test_second_run_reports_every_file_unchanged(tmp_path, store, budget):
    folder = _reports_folder(tmp_path)
    first = ingest_paths([folder], store, budget)
    assert [f.status for f in first.files] == ["ingested"] * 3
    chunks = store.counts()["chunks"]
    second = ingest_paths([folder], store, budget)
    assert [f.status for f in second.files] == ["unchanged"] * 3
    assert [f.chunks for f in second.files] == [f.chunks for f in first.files]
    assert store.counts()["chunks"] == chunks and second.added_chunk_ids == []


def test_changed_file_replaces_its_old_chunks(tmp_path, store, budget):
    folder = _reports_folder(tmp_path)
    ingest_paths([folder], store, budget)
    target = next(folder.glob("*2024年上半年*"))
    target.write_text(target.read_text(encoding="utf-8").replace("42016人", "42999人"), encoding="utf-8")
    summary = ingest_paths([folder], store, budget)
    assert sorted(f.status for f in summary.files) == ["ingested", "unchanged", "unchanged"]
    texts = " ".join(c.text for c in store.chunks())
    assert "42999人" in texts and "42016人" not in texts
    assert summary.removed_chunk_ids and summary.added_chunk_ids


def test_a_changed_chunk_budget_reingests_unchanged_files(tmp_path, store, budget):
    from ingest.chunking import TokenBudget

    folder = _reports_folder(tmp_path)
    ingest_paths([folder], store, budget)
    summary = ingest_paths([folder], store, TokenBudget(60, budget.counter))
    assert [f.status for f in summary.files] == ["ingested"] * 3


def test_bad_inputs_fail_alone_and_lose_nothing_else(tmp_path, store, budget):
    folder = _reports_folder(tmp_path)
    (folder / "empty.txt").write_text("  \n")
    (folder / "junk.txt").write_bytes(bytes(range(256)) * 4)
    good_docx = build_numbered_docx(tmp_path / "good.docx").read_bytes()
    (folder / "truncated.docx").write_bytes(good_docx[:500])
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7 not really")
    build_pdf(folder / "report.pdf", ["2023年工作总结", "一、工作完成情况", "签约率79.8%。"])
    (folder / "notes.xlsx").write_bytes(b"PK")                 # in a folder: skipped, not failed
    explicit = tmp_path / "table.xlsx"
    explicit.write_bytes(b"PK")                                # named explicitly: failed
    summary = ingest_paths([folder, explicit, tmp_path / "missing.txt"], store, budget)
    by_name = {Path(f.path).name: f for f in summary.files}
    for name in ["empty.txt", "junk.txt", "truncated.docx", "broken.pdf", "table.xlsx", "missing.txt"]:
        assert by_name[name].status == "failed", name
        assert name in by_name[name].error and "\n" not in by_name[name].error
    assert by_name["report.pdf"].status == "ingested"
    assert sum(f.status == "ingested" for f in summary.files) == 4
    assert summary.skipped == [str(folder / "notes.xlsx")]
    assert summary.failed and summary.totals()["failed"] == 6


def test_identical_copy_is_not_indexed_twice(tmp_path, store, budget):
    folder = _reports_folder(tmp_path)
    ingest_paths([folder], store, budget)
    copy = tmp_path / "copy.txt"
    shutil.copy(next(folder.glob("*2022年*")), copy)
    [outcome] = ingest_paths([copy], store, budget).files
    assert outcome.status == "unchanged" and "相同" in outcome.warnings[0]


def test_remove_by_name(tmp_path, store, budget):
    folder = _reports_folder(tmp_path)
    ingest_paths([folder], store, budget)
    name = next(folder.glob("*2022年*")).name
    record, removed = remove_file(name, store)
    assert record.source == name and removed
    assert store.counts()["files"] == 2
    with pytest.raises(FileNotIngested, match="files"):
        remove_file(name, store)


def test_sample_reports_metadata(tmp_path, store, budget):
    summary = ingest_paths([SAMPLES], store, budget)
    encodings = sorted(f.encoding for f in summary.files)
    assert encodings == ["gbk", "utf-8", "utf-8"]
    rows = {r.source: r for r in store.reports()}
    half = next(r for name, r in rows.items() if "上半年" in name)
    assert (half.years.start, half.period, half.plan_years.start) == (2024, "上半年", 2024)
    assert {r.organisation for r in rows.values()} == {"清河县卫健委"}
    assert sorted(r.years.start for r in rows.values()) == [2022, 2023, 2024]


def test_an_unexpected_parser_error_fails_one_file_only(tmp_path, store, budget, monkeypatch):
    import assistant.ingesting as ingesting

    real = ingesting.ingest_file

    def flaky(path, budget, **options):
        if "2022年" in path.name:
            raise RuntimeError("boom")
        return real(path, budget, **options)

    monkeypatch.setattr(ingesting, "ingest_file", flaky)
    summary = ingest_paths([_reports_folder(tmp_path)], store, budget)
    statuses = sorted(f.status for f in summary.files)
    assert statuses == ["failed", "ingested", "ingested"]
    failed = next(f for f in summary.files if f.status == "failed")
    assert "内部错误" in failed.error and "RuntimeError" in failed.error


def test_a_moved_folder_keeps_its_content_without_reingesting(tmp_path, store, budget):
    folder = _reports_folder(tmp_path)
    ingest_paths([folder], store, budget)
    ids = {c.id for c in store.chunks()}
    moved = folder.rename(tmp_path / "archive-2024")
    summary = ingest_paths([moved], store, budget)
    assert [f.status for f in summary.files] == ["unchanged"] * 3
    assert all("移到这里" in f.warnings[0] for f in summary.files)
    assert {f.path for f in store.files()} == {str(p.resolve()) for p in moved.iterdir()}
    assert {c.id for c in store.chunks()} == ids and store.counts()["reports"] == 3


def test_links_leaving_the_folder_and_link_loops_are_reported_not_followed(tmp_path, store, budget):
    import os

    folder = _reports_folder(tmp_path)
    secret = tmp_path / "outside" / "机密.txt"
    secret.parent.mkdir()
    secret.write_text("2023年工作总结\n一、工作完成情况\n机密数字424242。\n", encoding="utf-8")
    os.symlink(secret, folder / "看起来无害.txt")                    # a file link out of the folder
    os.symlink(secret.parent, folder / "外部文件夹")                  # a folder link out of the folder
    os.symlink(folder / "b.txt", folder / "a.txt")                    # a loop: a → b → a
    os.symlink(folder / "a.txt", folder / "b.txt")
    os.symlink(tmp_path / "nowhere.txt", folder / "断开.txt")         # broken
    inside = next(p for p in folder.iterdir() if p.suffix == ".txt" and not p.is_symlink())
    os.symlink(inside, folder / "同一份.txt")                         # a link to a file inside: read
    summary = ingest_paths([folder], store, budget)
    reasons = {Path(p).name: r for p, r in summary.refused}
    assert "所选文件夹之外" in reasons["看起来无害.txt"] and "所选文件夹之外" in reasons["外部文件夹"]
    assert "循环" in reasons["a.txt"] and "循环" in reasons["b.txt"]
    assert "不存在" in reasons["断开.txt"]
    assert "同一份.txt" not in reasons
    assert not any("424242" in c.text for c in store.chunks())         # nothing from outside was read
    assert summary.as_json()["refused"] and summary.totals()["skipped"] == 5
