"""Use case: bring files into the document store, idempotently, one file's failure losing nothing else."""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field, replace
from datetime import datetime, UTC
from pathlib import Path
from collections.abc import Callable, Iterable, Iterator
from typing import Literal

from ingest.chunking import TokenBudget
from ingest.errors import IngestError, UnsupportedFormat
from ingest.loaders import MAX_TEXT_CHARS, SUPPORTED_SUFFIXES, unsupported_reason
from ingest.pipeline import PIPELINE_VERSION, IngestedFile, ingest_file, text_file_too_large
from vectorstore.docstore import DocumentStore, FileRecord
from vectorstore.feeding import WORKERS, Feeder, Prepared, Preparer, become_worker, worker_pool
from vectorstore.indexes import SearchIndex

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]   # (done, total, current file)
FileStatus = Literal["ingested", "unchanged", "failed"]
STATUS_LABELS: dict[str, str] = {"ingested": "已导入", "unchanged": "未变化", "failed": "失败"}   # as the CLI and UI show them


@dataclass(frozen=True, slots=True)
class FileOutcome:
    path: str
    status: FileStatus
    encoding: str | None = None
    reports: int = 0
    sections: int = 0
    chunks: int = 0
    years: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()
    error: str | None = None

    def as_json(self) -> dict:
        return {"path": self.path, "status": self.status, "encoding": self.encoding, "reports": self.reports,
                "sections": self.sections, "chunks": self.chunks, "years": list(self.years),
                "warnings": list(self.warnings), "error": self.error}


@dataclass(slots=True)
class IngestSummary:
    files: list[FileOutcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)      # files in folders with unsupported types
    refused: list[tuple[str, str]] = field(default_factory=list)   # (path, reason): links not followed
    removed_chunk_ids: list[str] = field(default_factory=list)
    added_chunk_ids: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(f.status == "failed" for f in self.files)

    def totals(self) -> dict[str, int]:
        count = lambda status: sum(1 for f in self.files if f.status == status)  # noqa: E731
        return {"files": len(self.files), "ingested": count("ingested"), "unchanged": count("unchanged"),
                "failed": count("failed"), "skipped": len(self.skipped) + len(self.refused),
                "reports": sum(f.reports for f in self.files if f.status == "ingested"),
                "chunks": sum(f.chunks for f in self.files if f.status == "ingested")}

    def as_json(self) -> dict:
        return {"files": [f.as_json() for f in self.files], "skipped": self.skipped,
                "refused": [{"path": p, "reason": r} for p, r in self.refused], "totals": self.totals()}


def pipeline_signature(budget: TokenBudget) -> str:
    """What produced a file's chunks: a change here re-ingests unchanged files."""
    return f"v{PIPELINE_VERSION}/{budget.counter.name}/{budget.max_tokens}"


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[str], list[tuple[str, str]]]:
    """(files, skipped, refused). Named files as given; folders walked without following links: supported
    types only, no hidden or ~$ lock files. `skipped`: files of other types; `refused`: (path, reason) for
    links that lead out of the folder, links to folders, broken links and link loops — never read."""
    files: list[Path] = []
    skipped: list[str] = []
    refused: list[tuple[str, str]] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        root = path.resolve()
        for folder, dirs, names in os.walk(path, followlinks=False):
            here = Path(folder)
            for name in list(dirs):
                if name.startswith("."):
                    dirs.remove(name)
                elif (here / name).is_symlink():
                    dirs.remove(name)
                    refused.append((str(here / name), _link_reason(here / name, root, folder=True)))
            dirs.sort()
            for name in sorted(names):
                child = here / name
                if name.startswith((".", "~$")):
                    continue
                if child.is_symlink():
                    reason = _link_reason(child, root, folder=False)
                    if reason:
                        refused.append((str(child), reason))
                        continue
                (files.append(child) if child.suffix.lower() in SUPPORTED_SUFFIXES else skipped.append(str(child)))
    return files, skipped, refused


def _link_reason(link: Path, root: Path, *, folder: bool) -> str | None:
    """Why a symbolic link in a folder is not followed (None: a link to a file inside the folder, read)."""
    try:
        target = link.resolve(strict=True)
    except RuntimeError:
        return "符号链接形成循环，未读取。"
    except OSError:
        return "符号链接指向的文件不存在，未读取。"
    if target != root and root not in target.parents:
        return f"符号链接指向所选文件夹之外（{target}），为安全起见未读取。需要时请直接导入该文件。"
    if folder or target.is_dir():
        return "指向文件夹的符号链接，未跟随（避免重复和循环）。需要时请直接导入该文件夹。"
    return None


def ingest_and_index(paths: Iterable[Path], store: DocumentStore, budget: TokenBudget, index: SearchIndex, *,
                     progress: Progress | None = None, max_chars: int = MAX_TEXT_CHARS) -> IngestSummary:
    """Ingest into the document store, indexing each file as soon as it is stored (its BM25 tokens and cheap
    vectors are made where it was parsed: a worker process on several cores); then bring the indexes in step
    with the store for anything else (files removed, an ingest killed before)."""
    try:
        with index.feeding() as feeder:
            summary = ingest_paths(paths, store, budget, progress=progress, feed=(index.preparer(), feeder),
                                   max_chars=max_chars)
    finally:                        # also when an ingest fails half-way: what was stored gets indexed
        index.sync(store, progress)
    return summary


def ingest_paths(paths: Iterable[Path], store: DocumentStore, budget: TokenBudget, *,
                 progress: Progress | None = None, feed: tuple[Preparer, Feeder] | None = None,
                 max_chars: int = MAX_TEXT_CHARS) -> IngestSummary:
    files, skipped, refused = collect_files(paths)
    summary = IngestSummary(skipped=skipped, refused=refused)
    signature = pipeline_signature(budget)
    steps: list[FileOutcome | _Job] = []
    seen: dict[str, str] = {}
    for path in files:                     # cheap checks first: what is new or changed?
        step = _check(path, store, signature, summary, seen, max_chars)
        steps.append(step)
    jobs = [s for s in steps if isinstance(s, _Job)]
    parsed = _parse_all(jobs, _Options(budget, feed[0] if feed else None, max_chars))
    for done, step in enumerate(steps):
        if progress:
            progress(done, len(steps), Path(step.path).name)
        if isinstance(step, _Job):
            result, prepared = next(parsed)
            outcome = _store(step, result, store, signature, summary, prepared, feed[1] if feed else None)
        else:
            outcome = step
        log.info("%s: %s", outcome.path, outcome.status)
        summary.files.append(outcome)
    if progress:
        progress(len(steps), len(steps), "")
    return summary


@dataclass(frozen=True, slots=True)
class _Job:
    path: str                 # as given
    file: Path
    key: str                  # absolute path: the file's identity in the store
    sha: str
    size: int


PARALLEL_MIN_FILES = 200      # below this, starting worker processes costs more than it saves


def _check(path: Path, store: DocumentStore, signature: str, summary: IngestSummary,
           seen: dict[str, str], max_chars: int) -> FileOutcome | _Job:
    shown = str(path)
    if not path.exists():
        return FileOutcome(shown, "failed", error=f"{shown}: 文件不存在。请检查路径。")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return FileOutcome(shown, "failed", error=str(UnsupportedFormat(shown, unsupported_reason(path.suffix.lower()))))
    key = str(path.resolve())
    try:
        if too_large := text_file_too_large(path, max_chars):
            return FileOutcome(shown, "failed", error=str(too_large))
        with path.open("rb") as f:                     # hashed in blocks: a big file is never all in memory
            sha = hashlib.file_digest(f, "sha256").hexdigest()
        size = path.stat().st_size
    except OSError as exc:
        return FileOutcome(shown, "failed", error=f"{shown}: 无法读取文件（{exc.strerror}）。请检查权限。")
    previous = store.file(key)
    if previous and previous.sha256 == sha and previous.pipeline == signature:
        return _unchanged(shown, previous, store)
    if sha in seen and seen[sha] != key:
        return FileOutcome(shown, "unchanged", warnings=(f"内容与同批的 {seen[sha]} 相同，未重复导入",))
    twin = store.file_with_content(sha)
    if twin and twin.path != key and twin.pipeline == signature and not previous \
            and twin.source == path.name and not Path(twin.path).exists():
        store.move_file(twin.path, key)                    # the folder was moved or renamed
        return replace(_unchanged(shown, store.file(key), store), warnings=(f"文件已从 {twin.path} 移到这里，沿用已导入的内容",))
    if twin and twin.path != key and twin.pipeline == signature:
        if previous:  # the file changed into a copy of another one: drop its old content
            summary.removed_chunk_ids.extend(store.remove_file(key))
        return FileOutcome(shown, "unchanged", warnings=(f"内容与已导入的 {twin.path} 相同，未重复导入",))
    seen[sha] = key
    return _Job(shown, path, key, sha, size)


Parsed = tuple[IngestedFile | FileOutcome, Prepared | None]


@dataclass(frozen=True, slots=True)
class _Options:
    """What parsing a file needs besides the file (sent once to each worker process)."""

    budget: TokenBudget
    preparer: Preparer | None         # chunks are prepared for the indexes where they are parsed
    max_chars: int


def _parse(job: _Job, options: _Options) -> Parsed:
    """Parse one file (and prepare its chunks for the indexes); failures come back as outcomes, also across
    process boundaries."""
    try:
        ingested = ingest_file(job.file, options.budget, source=job.file.name, max_chars=options.max_chars)
        return ingested, options.preparer.prepare(ingested.chunks) if options.preparer else None
    except IngestError as exc:
        return FileOutcome(job.path, "failed", error=str(exc)), None
    except Exception as exc:  # a bug of ours must not cost the user the other files
        log.exception("unexpected error while ingesting %s", job.file)
        return FileOutcome(job.path, "failed", error=f"{job.path}: 处理时出现内部错误（{type(exc).__name__}: {exc}）。"
                                                      "其他文件不受影响；请用 -v 重新运行并报告此问题。"), None


def _parse_all(jobs: list[_Job], options: _Options) -> Iterator[Parsed]:
    """Parsed files in job order; on several cores, by worker processes while the caller stores results."""
    if len(jobs) >= PARALLEL_MIN_FILES and WORKERS >= 2:
        if _picklable(options):
            return _parallel(jobs, options, WORKERS)
        log.warning("the ingest options cannot be sent to worker processes; parsing on one core")
    return (_parse(job, options) for job in jobs)


_worker: _Options | None = None


def _init_worker(options: _Options) -> None:
    """Each worker gets the options once (its tokenizer loads the dictionary once). Workers run at a lower
    priority (the main process, which stores and indexes their results, is the pipeline's narrow end) and
    end with the main process (`become_worker`)."""
    global _worker
    _worker = options
    become_worker()


def _parse_in_worker(job: _Job) -> Parsed:
    assert _worker is not None
    return _parse(job, _worker)


def _parallel(jobs: list[_Job], options: _Options, workers: int) -> Iterator[Parsed]:
    from concurrent.futures.process import BrokenProcessPool

    if options.preparer is not None:
        options.preparer.tokenizer.ensure_cached()
    done = 0
    try:
        with _pool(workers, options) as pool:
            for result in pool.map(_parse_in_worker, jobs, chunksize=4):
                yield result
                done += 1
    except BrokenProcessPool:       # a worker died (out of memory, a crash in a document library)
        log.warning("a worker process died; the remaining %d files are parsed one at a time", len(jobs) - done)
        yield from _one_at_a_time(jobs[done:], options)


def _one_at_a_time(jobs: list[_Job], options: _Options) -> Iterator[Parsed]:
    """After a worker died: each file in a worker of its own pool until one dies again, so the file that kills
    a worker fails alone and every other file is still parsed."""
    from concurrent.futures.process import BrokenProcessPool

    pool = None
    try:
        for job in jobs:
            pool = pool or _pool(1, options)
            try:
                result = pool.submit(_parse_in_worker, job).result()
            except BrokenProcessPool:
                pool.shutdown(wait=False, cancel_futures=True)
                pool = None
                result = FileOutcome(job.path, "failed", error=f"{job.path}: 处理此文件时工作进程意外退出（文件可能损坏，"
                                                                "或内存不足）。其他文件不受影响；可单独再导入此文件试试。"), None
            yield result
    finally:
        if pool is not None:
            pool.shutdown()


def _pool(workers: int, options: _Options):
    return worker_pool(workers, _init_worker, (options,))


def _picklable(value: object) -> bool:
    import pickle

    try:
        pickle.dumps(value)
    except (pickle.PicklingError, TypeError, AttributeError):
        return False
    return True


def _store(job: _Job, parsed: IngestedFile | FileOutcome, store: DocumentStore, signature: str,
           summary: IngestSummary, prepared: Prepared | None, feeder: Feeder | None) -> FileOutcome:
    if isinstance(parsed, FileOutcome):
        return parsed
    record = FileRecord(job.key, job.file.name, job.sha, job.size, signature, parsed.encoding, parsed.warnings,
                        datetime.now(UTC).isoformat(timespec="seconds"))
    removed, added = store.replace_file(record, parsed)      # the store first: the indexes follow it
    summary.removed_chunk_ids.extend(removed)
    summary.added_chunk_ids.extend(c.id for c in added)
    if feeder is not None and prepared is not None:
        places = {r.id: (r.meta.place, r.meta.origins.place.sure) for r in parsed.reports}
        feeder.add(added, prepared, places, removed)
    return FileOutcome(
        job.path, "ingested", encoding=parsed.encoding, reports=len(parsed.reports),
        sections=sum(len(r.sections) for r in parsed.reports), chunks=len(parsed.chunks),
        years=_years(parsed.reports), warnings=parsed.warnings)


def _unchanged(shown: str, record: FileRecord, store: DocumentStore) -> FileOutcome:
    reports = store.reports(record.path)
    years = sorted({y for r in reports for y in (*r.years.years, *r.plan_years.years)})
    return FileOutcome(shown, "unchanged", encoding=record.encoding, reports=len(reports),
                       chunks=sum(r.chunks for r in reports), years=tuple(years), warnings=record.warnings)


def _years(reports) -> tuple[int, ...]:
    return tuple(sorted({y for r in reports for y in (*r.meta.years.years, *r.meta.plan_years.years)}))


def remove_file(name_or_path: str, store: DocumentStore, index=None) -> tuple[FileRecord, list[str]]:
    from assistant.errors import FileNotIngested

    matches = store.find_files(name_or_path)
    if not matches:
        raise FileNotIngested(f"文档库中没有文件 {name_or_path}。用 `report-assistant files` 查看已导入的文件。")
    if len(matches) > 1:
        listing = "、".join(m.path for m in matches)
        raise FileNotIngested(f"有多个名为 {name_or_path} 的文件：{listing}。请给出完整路径。")
    removed = store.remove_file(matches[0].path)
    if index is not None:
        index.sync(store)
    return matches[0], removed
