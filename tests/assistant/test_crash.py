"""Crash safety: `kill -9` in the middle of a large ingest, then the same ingest again — the document store
and both indexes end as a clean run leaves them (same files, chunk ids, counts; no index entry pointing to
a missing chunk), and `report-assistant check` finds them consistent."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, SAMPLES, VARIED

CORPORA = [SAMPLES, VARIED, ROOT / "evals" / "corpus" / "holdout", ROOT / "evals" / "corpus" / "holdout2"]


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "assistant.cli", *args]


def _env(tmp_path) -> dict:
    return {**os.environ, "HOME": str(tmp_path), "REPORT_ASSISTANT_EMBEDDING__KIND": "hashing"}


def _state(data, env) -> dict:
    probe = ("import json, sys\nfrom assistant.settings import load_settings\nfrom assistant.wiring import "
             "open_document_store, open_search_index\ns = load_settings(data_dir=sys.argv[1])\n"
             "with open_document_store(s) as store:\n    index, _ = open_search_index(s)\n"
             "    c = index.check(store)\n"
             "    print(json.dumps({'files': sorted(f.path for f in store.files()), 'chunks': sorted(store.chunk_ids()),"
             " 'counts': store.counts(), 'ok': c.ok, 'lexical': len(index.lexical.live_ids()),"
             " 'dense': len(index.dense.live_ids())}))\n")
    out = subprocess.run([sys.executable, "-c", probe, str(data)], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crash") / "reports"
    for source in CORPORA:
        shutil.copytree(source, folder / source.name)
    return folder


def _clean_run(folder, data, env) -> tuple[dict, float]:
    """A whole ingest of `folder` into `data`: (the state it leaves, how long it took)."""
    start = time.monotonic()
    subprocess.run(_cli("ingest", "--data-dir", str(data), str(folder), "--json"), cwd=ROOT, env=env,
                   capture_output=True, check=True)
    duration = time.monotonic() - start
    return _state(data, env), duration


def test_kill_9_during_ingest_then_rerun_matches_a_clean_run(corpus, tmp_path):
    env = _env(tmp_path)
    expected, duration = _clean_run(corpus, tmp_path / "clean", env)
    assert expected["ok"] and expected["counts"]["files"] >= 20
    survived = 0
    for share in (0.35, 0.6, 0.85):                       # kill at different moments of the work
        data = tmp_path / f"crash-{share}"
        run = subprocess.Popen(_cli("ingest", "--data-dir", str(data), str(corpus), "--json"), cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * share)
        if run.poll() is None:
            os.kill(run.pid, signal.SIGKILL)
            run.wait()
            survived += 1
        again = subprocess.run(_cli("ingest", "--data-dir", str(data), str(corpus), "--json"), cwd=ROOT, env=env,
                               capture_output=True, text=True)
        assert again.returncode in (0, 1), again.stderr[-2000:]
        state = _state(data, env)
        assert state["files"] == expected["files"] and state["chunks"] == expected["chunks"], share
        assert state["counts"] == expected["counts"] and state["ok"], share
        assert state["lexical"] == state["dense"] == len(state["chunks"]), share
        check = subprocess.run(_cli("check", "--data-dir", str(data)), cwd=ROOT, env=env, capture_output=True, text=True)
        assert check.returncode == 0 and "一致" in check.stdout
    assert survived >= 2                                   # most kills landed while the ingest was running


def _processes_with(marker: str) -> list[int]:
    """Live processes whose environment holds `marker` (the killed ingest's worker processes inherit it)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/environ", "rb") as f:
                    if marker.encode() in f.read():
                        found.append(int(entry))
            except OSError:
                continue
    return found


def _left_after(marker: str, seconds: float = 15) -> list[int]:
    """The processes with `marker` still alive after waiting up to `seconds` for them to go."""
    deadline = time.monotonic() + seconds
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    return _processes_with(marker)


@pytest.mark.skipif(not os.path.isdir("/proc") or (os.cpu_count() or 1) < 2, reason="needs /proc and two cores")
def test_kill_9_during_a_parallel_ingest_leaves_no_workers_and_reruns_clean(tmp_path):
    """Over 200 files: parsed by worker processes. Killing the main process ends them too."""
    folder = tmp_path / "many"
    folder.mkdir()
    from ingest.loaders import load_file

    texts = [load_file(p).text for p in sorted(SAMPLES.glob("*.txt"))]      # one sample is GBK
    for number in range(210):                            # distinct contents: no file is a copy of another
        (folder / f"{number:03d}.txt").write_text(texts[number % len(texts)] + f"\n附：第{number}份。\n", encoding="utf-8")
    marker = f"RA_CRASH_TEST={os.getpid()}-{time.monotonic_ns()}"
    env = {**_env(tmp_path), marker.split("=")[0]: marker.split("=")[1]}
    expected, duration = _clean_run(folder, tmp_path / "clean", env)
    data = tmp_path / "killed"
    run = subprocess.Popen(_cli("ingest", "--data-dir", str(data), str(folder), "--json"), cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(duration * 0.6)
    assert run.poll() is None, "the ingest ended before it could be killed"
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    assert _left_after(marker) == []                     # the workers noticed and went
    state, _ = _clean_run(folder, data, env)
    assert state["files"] == expected["files"] and len(state["files"]) == 210
    assert state["chunks"] == expected["chunks"] and state["counts"] == expected["counts"] and state["ok"]


IDLE_POOL = """
import os, signal, time
from assistant.ingesting import _Options, _pool
from ingest.chunking import TokenBudget
from ingest.tokens import ConservativeCounter
if __name__ == "__main__":
    pool = _pool(2, _Options(TokenBudget(350, ConservativeCounter()), None, 10**6))
    print(len({f.result() for f in [pool.submit(os.getpid) for _ in range(4)]}), flush=True)
    time.sleep(0.5)                                  # both workers idle, waiting for their next task
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc")
def test_idle_workers_end_when_the_main_process_is_killed(tmp_path):
    script = tmp_path / "idle_pool.py"
    script.write_text(IDLE_POOL, encoding="utf-8")
    marker = f"RA_IDLE_TEST={os.getpid()}-{time.monotonic_ns()}"
    env = {**os.environ, marker.split("=")[0]: marker.split("=")[1]}
    out = tmp_path / "out.txt"
    with out.open("w") as stdout:                    # a file, not a pipe: an orphan holding a pipe would hang us
        done = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=env, stdout=stdout,
                              stderr=subprocess.DEVNULL, timeout=120)
    assert done.returncode == -signal.SIGKILL and out.read_text().strip() in ("1", "2")
    left = _left_after(marker)
    for pid in left:                                 # don't leave them behind if the test fails
        os.kill(pid, signal.SIGKILL)
    assert left == []
