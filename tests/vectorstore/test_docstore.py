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


SCHEMA_1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (path TEXT PRIMARY KEY, source TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
    pipeline TEXT NOT NULL, encoding TEXT, warnings TEXT NOT NULL, ingested_at TEXT NOT NULL);
CREATE TABLE reports (id TEXT PRIMARY KEY, file_path TEXT NOT NULL REFERENCES files(path) ON DELETE CASCADE,
    idx INTEGER NOT NULL, title TEXT, year_start INTEGER, year_end INTEGER, plan_start INTEGER, plan_end INTEGER,
    period TEXT, doc_type TEXT NOT NULL, organisation TEXT, date TEXT, warnings TEXT NOT NULL);
CREATE TABLE sections (report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE, ordinal INTEGER NOT NULL,
    path TEXT NOT NULL, kind TEXT NOT NULL, year_start INTEGER, year_end INTEGER, text TEXT NOT NULL,
    PRIMARY KEY (report_id, ordinal));
CREATE TABLE chunks (id TEXT PRIMARY KEY, report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    source TEXT NOT NULL, ordinal INTEGER NOT NULL, section_path TEXT NOT NULL, text TEXT NOT NULL,
    kind TEXT NOT NULL, year_start INTEGER, year_end INTEGER, tokens INTEGER NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1');
INSERT INTO files VALUES ('/r/a.txt', 'a.txt', 'sha1', 10, 'v1/conservative-v1/350', 'utf-8', '[]', '2026-11-01');
INSERT INTO reports VALUES ('r1', '/r/a.txt', 0, '2022年工作总结', 2022, 2022, 2023, 2023, '全年', '总结+计划',
    '八公山区卫健委', NULL, '[]');
INSERT INTO chunks VALUES ('c1', 'r1', 'a.txt', 0, '["一、工作"]', '已接种186420剂。', 'achievements', 2022, 2022, 9);
"""


def test_a_store_from_the_previous_version_opens_with_nothing_lost(tmp_path):
    import sqlite3

    from ingest.model import Origin

    path = tmp_path / "docs.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA_1)
    store = DocumentStore(path)
    [report] = store.reports()
    assert report.organisation == "八公山区卫健委" and report.place is None and report.origins.years is Origin.NONE
    [chunk] = store.chunks()
    assert chunk.text == "已接种186420剂。" and not chunk.years_sure and not chunk.outline_only
    assert store.file("/r/a.txt").pipeline == "v1/conservative-v1/350"       # differs: the next ingest re-parses


def test_one_store_serves_many_threads_while_one_writes(tmp_path, budget):
    """A UI runs handlers in worker threads: readers in 8 threads and a writer in another, one store."""
    import threading

    store = DocumentStore(tmp_path / "docs.sqlite3")
    store.replace_file(_record("/r/base.txt", "base"), ingest_text(TEXT_2022, budget, source="base.txt"))
    errors: list[BaseException] = []
    seen: list[int] = []

    def read() -> None:
        try:
            for _ in range(50):
                chunks = list(store.chunks())
                assert chunks and store.reports()
                seen.append(len(chunks))
        except BaseException as exc:          # noqa: BLE001 - collected and re-raised in the test thread
            errors.append(exc)

    def write() -> None:
        try:
            for n in range(20):
                store.replace_file(_record(f"/r/{n}.txt", f"sha{n}"), ingest_text(TEXT_2023, budget, source=f"{n}.txt"))
        except BaseException as exc:          # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(8)] + [threading.Thread(target=write)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(seen) == 400 and min(seen) >= 2
    assert store.counts()["files"] == 21
    store.close()
