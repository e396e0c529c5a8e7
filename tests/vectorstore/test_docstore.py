from pathlib import Path

from ingest.pipeline import ingest_text
from vectorstore.docstore import DocumentStore, FileRecord

TEXT_2022 = "2022年工作总结\n一、工作完成情况\n（一）疫苗接种。已接种186420剂。\n二、存在问题\n人才短缺。\n"
TEXT_2023 = "2023年工作总结\n一、工作完成情况\n（一）疫苗接种。已接种191004剂。\n"


def _record(path: str, sha: str) -> FileRecord:
    return FileRecord(path, Path(path).name, sha, 10, "v1/test/350", "utf-8", (), "2026-11-22T00:00:00+00:00")


def test_replace_and_remove_keep_everything_in_step(tmp_path, budget):
    store = DocumentStore(tmp_path / "docs.sqlite3")
    first = ingest_text(TEXT_2022, budget, source="a.txt")
    removed, added = store.replace_file(_record("/r/a.txt", "sha1"), first)
    assert removed == [] and [c.id for c in added] == [c.id for c in first.chunks]
    assert store.counts() == {"files": 1, "reports": 1, "sections": 3, "chunks": 2}

    changed = ingest_text(TEXT_2023, budget, source="a.txt")
    removed, added = store.replace_file(_record("/r/a.txt", "sha2"), changed)
    assert set(removed) == {c.id for c in first.chunks}
    assert [c.text for c in store.chunks()] == ["（一）疫苗接种。已接种191004剂。"]
    assert store.reports()[0].years.start == 2023

    assert store.remove_file("/r/a.txt") == [c.id for c in changed.chunks]
    assert store.counts() == {"files": 0, "reports": 0, "sections": 0, "chunks": 0}


def test_chunks_round_trip_with_metadata(tmp_path, budget):
    store = DocumentStore(tmp_path / "docs.sqlite3")
    ingested = ingest_text(TEXT_2022, budget, source="a.txt")
    store.replace_file(_record("/r/a.txt", "sha1"), ingested)
    store.close()
    reopened = DocumentStore(tmp_path / "docs.sqlite3")
    assert list(reopened.chunks()) == list(ingested.chunks)
    assert reopened.find_files("a.txt")[0].path == "/r/a.txt"
    assert reopened.file_with_content("sha1").source == "a.txt"
