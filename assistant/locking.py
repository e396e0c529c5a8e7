"""One writer per data directory, across processes: ingest, remove and reindex take an exclusive lock on
`DATA_DIR/.write.lock`; a second writer waits up to `wait_s`, then fails with a clear message. Readers
(search, ask, draft) never wait: SQLite's WAL and the indexes' atomic files let them read meanwhile."""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from collections.abc import Iterator

from assistant.errors import ReportAssistantError

LOCK_FILE = ".write.lock"
DEFAULT_WAIT_S = 30.0


class LibraryBusy(ReportAssistantError):
    """Another process is writing to the same data directory."""


@contextmanager
def write_lock(data_dir: Path, *, wait_s: float = DEFAULT_WAIT_S, create: bool = False) -> Iterator[None]:
    """Hold the data directory's write lock. Without `create`, a missing directory is not made (the command
    that follows reports it)."""
    if not data_dir.is_dir():
        if not create:
            yield
            return
        data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LibraryBusy(f"数据目录 {data_dir} 正被另一个进程写入（导入、删除或重建索引），等待 {wait_s:.0f} 秒后仍未结束。"
                                      "请等它完成后再试。") from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)                     # closing releases the lock
