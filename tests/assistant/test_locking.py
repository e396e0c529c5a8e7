"""Two processes on one data directory: the second writer waits for the first, or fails clearly."""

import subprocess
import sys
import time

import pytest

from assistant.locking import LibraryBusy, write_lock
from tests.conftest import ROOT

HOLDER = ("import sys, time\nfrom pathlib import Path\nfrom assistant.locking import write_lock\n"
          "with write_lock(Path(sys.argv[1]), create=True):\n    print('held', flush=True)\n    time.sleep(float(sys.argv[2]))\n")


def _hold(data, seconds):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(data), str(seconds)], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_writer_fails_clearly_when_the_first_takes_too_long(tmp_path):
    holder = _hold(tmp_path, 5)
    try:
        with pytest.raises(LibraryBusy, match="正被另一个进程写入.*请等它完成后再试"):
            with write_lock(tmp_path, wait_s=0.3):
                pass
    finally:
        holder.kill()
        holder.wait()


def test_a_second_writer_waits_for_the_first(tmp_path):
    holder = _hold(tmp_path, 1)
    start = time.monotonic()
    with write_lock(tmp_path, wait_s=20):
        waited = time.monotonic() - start
    holder.wait()
    assert 0.3 < waited < 20


def test_threads_of_one_process_take_turns(tmp_path):
    import threading

    inside, overlaps = [], []

    def write():
        with write_lock(tmp_path, create=True):
            if inside:
                overlaps.append(True)
            inside.append(1)
            time.sleep(0.05)
            inside.pop()

    threads = [threading.Thread(target=write) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps == []


def test_a_missing_data_dir_is_not_created_by_the_lock(tmp_path):
    with write_lock(tmp_path / "nowhere"):
        pass
    assert not (tmp_path / "nowhere").exists()
