"""The document store: files, reports, sections and chunks in SQLite, the source of truth.

Every change to one file is one transaction. The search indexes are derived from this store and can
be rebuilt from it at any time.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterator

from ingest.model import Chunk, MetaOrigins, Origin, Report, SectionKind, YearSpan
from ingest.pipeline import IngestedFile

SCHEMA_VERSION = 2
WAL_CHECKPOINT_PAGES = 16384   # 4 KB pages: 64 MB
BUSY_TIMEOUT_S = 30.0          # a writer in another thread or process: wait this long, then fail clearly
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, source TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
    pipeline TEXT NOT NULL, encoding TEXT, warnings TEXT NOT NULL, ingested_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY, file_path TEXT NOT NULL REFERENCES files(path) ON DELETE CASCADE,
    idx INTEGER NOT NULL, title TEXT, year_start INTEGER, year_end INTEGER, plan_start INTEGER,
    plan_end INTEGER, period TEXT, doc_type TEXT NOT NULL, organisation TEXT, date TEXT, warnings TEXT NOT NULL,
    place TEXT, level TEXT, origins TEXT NOT NULL DEFAULT '{}', province TEXT);
CREATE TABLE IF NOT EXISTS sections (
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE, ordinal INTEGER NOT NULL,
    path TEXT NOT NULL, kind TEXT NOT NULL, year_start INTEGER, year_end INTEGER, text TEXT NOT NULL,
    PRIMARY KEY (report_id, ordinal));
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY, report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    source TEXT NOT NULL, ordinal INTEGER NOT NULL, section_path TEXT NOT NULL, text TEXT NOT NULL,
    kind TEXT NOT NULL, year_start INTEGER, year_end INTEGER, tokens INTEGER NOT NULL,
    years_origin TEXT NOT NULL DEFAULT 'none', outline_only INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS chunks_by_report ON chunks(report_id, ordinal);
CREATE INDEX IF NOT EXISTS files_by_sha ON files(sha256);
CREATE INDEX IF NOT EXISTS reports_by_file ON reports(file_path);
"""
# Columns added since schema 1: an older store gains them (empty = origin unknown, so nothing is filtered
# on them) and its files are re-parsed on the next ingest, whose pipeline version has changed.
_ADDED_COLUMNS = [("reports", "place", "TEXT"), ("reports", "level", "TEXT"),
                  ("reports", "origins", "TEXT NOT NULL DEFAULT '{}'"), ("reports", "province", "TEXT"),
                  ("chunks", "years_origin", "TEXT NOT NULL DEFAULT 'none'"),
                  ("chunks", "outline_only", "INTEGER NOT NULL DEFAULT 0")]


@dataclass(frozen=True, slots=True)
class FileRecord:
    path: str                  # absolute path: the file's identity
    source: str                # file name as the user knows it
    sha256: str
    size: int
    pipeline: str              # signature of the ingestion settings that produced the chunks
    encoding: str | None
    warnings: tuple[str, ...]
    ingested_at: str


@dataclass(frozen=True, slots=True)
class ReportRow:
    id: str
    file_path: str
    source: str
    index: int
    title: str | None
    years: YearSpan
    plan_years: YearSpan
    period: str | None
    doc_type: str
    organisation: str | None
    date: str | None
    chunks: int
    place: str | None = None
    level: str | None = None
    origins: MetaOrigins = MetaOrigins()
    province: str | None = None


class DocumentStore:
    """The SQLite document store. Safe to share between threads (a UI's workers): each thread gets its own
    connection, opened on first use; WAL lets readers go on while one writer commits."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        with self._db:
            self._db.executescript(_SCHEMA)
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            self._migrate()

    def _migrate(self) -> None:
        for table, column, kind in _ADDED_COLUMNS:
            columns = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            if column not in columns:
                self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
        self._db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))

    @property
    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")   # WAL + NORMAL: never corrupt, at worst loses the last commit
            # Checkpoint the WAL every 64 MB, not every 4 MB: an ingest commits once per file, and at 50,000 chunks
            # the frequent checkpoints were a third of the store's time. Durability is the same.
            db.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
            self._local.db = db
            with self._lock:
                self._connections.append(db)
        return db

    def close(self) -> None:
        """Close every thread's connection (call once, when no thread uses the store any more)."""
        with self._lock:
            connections, self._connections = self._connections, []
        for db in connections:
            db.close()
        self._local = threading.local()

    def __enter__(self) -> DocumentStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- files ---------------------------------------------------------------------------------

    def file(self, path: str) -> FileRecord | None:
        row = self._db.execute("SELECT * FROM files WHERE path = ?", (path,)).fetchone()
        return _file_record(row) if row else None

    def file_with_content(self, sha256: str) -> FileRecord | None:
        row = self._db.execute("SELECT * FROM files WHERE sha256 = ? LIMIT 1", (sha256,)).fetchone()
        return _file_record(row) if row else None

    def files(self) -> list[FileRecord]:
        return [_file_record(row) for row in self._db.execute("SELECT * FROM files ORDER BY source, path")]

    def find_files(self, name_or_path: str) -> list[FileRecord]:
        """By absolute path first, then by file name (several files may share a name)."""
        exact = self.file(str(Path(name_or_path).expanduser().resolve()))
        if exact:
            return [exact]
        rows = self._db.execute("SELECT * FROM files WHERE source = ? OR path = ?", (Path(name_or_path).name, name_or_path))
        return [_file_record(row) for row in rows]

    def replace_file(self, record: FileRecord, ingested: IngestedFile) -> tuple[list[str], list[Chunk]]:
        """Store one file's reports and chunks in place of its old ones: (removed chunk ids, new chunks)."""
        with self._db:
            removed = self._chunk_ids(record.path)
            self._db.execute("DELETE FROM files WHERE path = ?", (record.path,))
            self._db.execute(
                "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (record.path, record.source, record.sha256, record.size, record.pipeline, record.encoding,
                 _dump(list(record.warnings)), record.ingested_at))
            for report in ingested.reports:
                self._insert_report(record.path, report)
            self._db.executemany(
                "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(c.id, c.report_id, c.source, c.ordinal, _dump(list(c.section_path)), c.text, c.kind.value,
                  c.years.start, c.years.end, c.tokens, c.years_origin.value, int(c.outline_only))
                 for c in ingested.chunks])
        return removed, list(ingested.chunks)

    def move_file(self, old_path: str, new_path: str) -> None:
        """The same file found in another folder: keep its reports and chunks, record the new path."""
        with self._db:
            self._db.execute("PRAGMA defer_foreign_keys = ON")
            self._db.execute("UPDATE files SET path = ? WHERE path = ?", (new_path, old_path))
            self._db.execute("UPDATE reports SET file_path = ? WHERE file_path = ?", (new_path, old_path))

    def remove_file(self, path: str) -> list[str]:
        """Delete a file and everything derived from it; returns the removed chunk ids."""
        with self._db:
            removed = self._chunk_ids(path)
            self._db.execute("DELETE FROM files WHERE path = ?", (path,))
        return removed

    # --- reports and chunks --------------------------------------------------------------------

    def reports(self, file_path: str | None = None) -> list[ReportRow]:
        where, args = ("WHERE r.file_path = ? ", (file_path,)) if file_path else ("", ())
        rows = self._db.execute(
            "SELECT r.id, r.file_path, f.source, r.idx, r.title, r.year_start, r.year_end, r.plan_start, r.plan_end, "
            "r.period, r.doc_type, r.organisation, r.date, (SELECT COUNT(*) FROM chunks c WHERE c.report_id = r.id), "
            f"r.place, r.level, r.origins, r.province FROM reports r JOIN files f ON f.path = r.file_path {where}"
            "ORDER BY f.source, r.idx",
            args)
        return [ReportRow(r[0], r[1], r[2], r[3], r[4], YearSpan(r[5], r[6]), YearSpan(r[7], r[8]), r[9], r[10],
                          r[11], r[12], r[13], r[14], r[15], _origins(r[16]), r[17]) for r in rows]

    def chunks(self, report_id: str | None = None) -> Iterator[Chunk]:
        query = "SELECT * FROM chunks" + (" WHERE report_id = ?" if report_id else "") + " ORDER BY report_id, ordinal"
        for row in self._db.execute(query, (report_id,) if report_id else ()):
            yield _chunk(row)

    def indexed_chunks(self, ids: set[str] | None = None) -> Iterator[tuple[Chunk, ReportRow | None]]:
        """(chunk, its report) — what the search indexes are built from."""
        reports = self.report_rows()
        for chunk in self.chunks():
            if ids is None or chunk.id in ids:
                yield chunk, reports.get(chunk.report_id)

    def chunk_ids(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT id FROM chunks")}

    def chunks_by_id(self, ids: list[str]) -> dict[str, Chunk]:
        found: dict[str, Chunk] = {}
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            rows = self._db.execute(f"SELECT * FROM chunks WHERE id IN ({','.join('?' * len(part))})", part)
            for row in rows:
                found[row[0]] = _chunk(row)
        return found

    def report_rows(self, ids: set[str] | None = None) -> dict[str, ReportRow]:
        return {r.id: r for r in self.reports() if ids is None or r.id in ids}

    def newest_year(self) -> int | None:
        """The latest year any report summarises (plan years excluded): what 今年 means."""
        return self.year_range()[1]

    def year_range(self) -> tuple[int | None, int | None]:
        """(earliest, latest) year any report summarises."""
        row = self._db.execute("SELECT MIN(year_start), MAX(COALESCE(year_end, year_start)) FROM reports").fetchone()
        return row[0], row[1]

    def counts(self) -> dict[str, int]:
        return {table: self._db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("files", "reports", "sections", "chunks")}

    def report_chunk_ids(self, report_ids: set[str]) -> set[str]:
        """The ids of the chunks of these reports."""
        ids: set[str] = set()
        wanted = sorted(report_ids)
        for start in range(0, len(wanted), 500):
            batch = wanted[start:start + 500]
            rows = self._db.execute(f"SELECT id FROM chunks WHERE report_id IN ({','.join('?' * len(batch))})", batch)
            ids.update(row[0] for row in rows)
        return ids

    def _chunk_ids(self, path: str) -> list[str]:
        rows = self._db.execute(
            "SELECT c.id FROM chunks c JOIN reports r ON r.id = c.report_id WHERE r.file_path = ?", (path,))
        return [row[0] for row in rows]

    def _insert_report(self, file_path: str, report: Report) -> None:
        m = report.meta
        self._db.execute(
            "INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (report.id, file_path, report.index, m.title, m.years.start, m.years.end, m.plan_years.start,
             m.plan_years.end, m.period.value if m.period else None, m.doc_type.value, m.organisation, m.date,
             _dump(list(report.warnings)), m.place, m.level, _dump(m.origins.as_dict()), m.province))
        self._db.executemany(
            "INSERT INTO sections VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(report.id, i, _dump(list(s.path)), s.kind.value, s.years.start, s.years.end, s.text)
             for i, s in enumerate(report.sections)])


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _chunk(row: tuple) -> Chunk:
    return Chunk(id=row[0], report_id=row[1], source=row[2], ordinal=row[3], section_path=tuple(json.loads(row[4])),
                 text=row[5], kind=SectionKind(row[6]), years=YearSpan(row[7], row[8]), tokens=row[9],
                 years_origin=Origin(row[10]), outline_only=bool(row[11]))


def _origins(text: str | None) -> MetaOrigins:
    stored = json.loads(text or "{}")
    return MetaOrigins(**{name: Origin(value) for name, value in stored.items() if name in MetaOrigins.__slots__})


def _file_record(row: tuple) -> FileRecord:
    return FileRecord(row[0], row[1], row[2], row[3], row[4], row[5], tuple(json.loads(row[6])), row[7])
