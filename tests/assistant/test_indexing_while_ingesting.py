"""Files are indexed as they are stored: the indexes always end equal to the document store — after a re-ingest
that keeps some chunk ids, after an ingest that fails half-way, and when a worker process dies on one file."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import assistant.ingesting as ingesting
from assistant.ingesting import ingest_and_index, ingest_paths
from assistant.settings import load_settings
from assistant.wiring import open_document_store, open_search_index
from ingest.chunking import TokenBudget
from tests.conftest import SAMPLES
from vectorstore.feeding import Preparer

REPORT = "{place}卫健局2023年工作总结\n一、工作完成情况\n（一）疫苗接种。全年接种疫苗{figure}剂次。\n二、存在问题\n人才短缺。\n"


def _open(tmp_path: Path):
    settings = load_settings(data_dir=tmp_path / "data", **{"embedding.kind": "hashing"})
    return open_document_store(settings, create=True), open_search_index(settings)[0]


def _assert_in_step(store, index) -> None:
    state = index.check(store)
    assert state.ok and state.chunks == store.counts()["chunks"] > 0, state


def test_a_reingest_that_keeps_chunk_ids_leaves_the_indexes_equal_to_the_store(tmp_path, budget):
    store, index = _open(tmp_path)
    folder = tmp_path / "reports"
    shutil.copytree(SAMPLES, folder)
    ingest_and_index([folder], store, budget, index)
    before = store.chunk_ids()
    summary = ingest_and_index([folder], store, TokenBudget(60, budget.counter), index)   # same files, new cuts
    kept = set(summary.removed_chunk_ids) & set(summary.added_chunk_ids)
    assert kept and store.chunk_ids() != before                 # some ids survive the re-cut, most do not
    _assert_in_step(store, index)
    store.close()


def test_an_ingest_that_fails_half_way_still_indexes_what_it_stored(tmp_path, budget, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(5):
        (folder / f"{number}.txt").write_text(REPORT.format(place=f"{'甲乙丙丁戊'[number]}县", figure=1000 + number),
                                              encoding="utf-8")
    store, index = _open(tmp_path)
    real_store = ingesting._store
    calls = []

    def failing_store(job, *args, **kwargs):
        calls.append(job.path)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_store(job, *args, **kwargs)

    monkeypatch.setattr(ingesting, "_store", failing_store)
    with pytest.raises(RuntimeError):
        ingest_and_index([folder], store, budget, index)
    assert len(store.files()) == 2
    _assert_in_step(store, index)                                # the two stored files are searchable
    store.close()


@dataclass(frozen=True, slots=True)
class DyingPreparer(Preparer):
    """Kills its worker process on a file that says so (a native crash, the OOM killer)."""

    def prepare(self, chunks):
        if any("崩溃" in c.text for c in chunks):
            os._exit(1)
        return Preparer.prepare(self, chunks)


def test_a_worker_that_dies_fails_its_file_alone(tmp_path, budget, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(9):
        figure = "崩溃" if number == 4 else str(2000 + number)
        (folder / f"{number}.txt").write_text(REPORT.format(place=f"第{number}县", figure=figure), encoding="utf-8")
    store, index = _open(tmp_path)
    monkeypatch.setattr(ingesting, "PARALLEL_MIN_FILES", 2)          # worker processes even for nine files
    monkeypatch.setattr(index, "preparer", lambda: DyingPreparer(index.tokenizer, None))
    summary = ingest_and_index([folder], store, budget, index)
    statuses = {os.path.basename(f.path): f.status for f in summary.files}
    assert statuses.pop("4.txt") == "failed" and set(statuses.values()) == {"ingested"}
    failed = next(f for f in summary.files if f.status == "failed")
    assert "工作进程意外退出" in failed.error and "4.txt" in failed.error
    _assert_in_step(store, index)
    store.close()


def test_repairing_the_dense_side_does_not_tokenise_again(tmp_path, budget, monkeypatch):
    store, index = _open(tmp_path)
    ingest_and_index([SAMPLES], store, budget, index)
    index.dense.reset()                                          # the vectors lost (or a new embedder)

    def no_tokens(text):
        raise AssertionError("BM25 is complete: nothing to tokenise")

    monkeypatch.setattr(index.tokenizer, "tokens", no_tokens)
    report = index.sync(store)
    assert report.added == store.counts()["chunks"]
    _assert_in_step(store, index)
    store.close()


def test_batched_hashing_vectors_equal_one_at_a_time():
    from vectorstore.embedders import HashingEmbedder

    texts = ["", "a", "疫", "２０２１年疫苗接种剂次", "全县家庭医生签约服务覆盖率达到72.17%。" * 5, "😀 x y", " \n "]
    embedder = HashingEmbedder()
    together = embedder.embed_documents(texts)
    assert all(np.array_equal(row, embedder.embed_documents([text])[0]) for row, text in zip(together, texts))
    assert np.array_equal(embedder.embed_query(texts[3]), together[3])


def test_opening_a_library_trusts_the_last_full_sync_only_while_nothing_changed(tmp_path, budget, monkeypatch):
    store, index = _open(tmp_path)
    ingest_and_index([SAMPLES], store, budget, index)

    def listing_refused():
        raise AssertionError("in step: opening a library must not list every vector id")

    with monkeypatch.context() as patched:
        patched.setattr(index.dense, "live_ids", listing_refused)
        assert index.sync(store, quick=True).added == 0
    extra = tmp_path / "extra"                                   # stored, then killed before the indexes
    extra.mkdir()
    (extra / "戊县.txt").write_text(REPORT.format(place="戊县", figure=4321), encoding="utf-8")
    added = ingest_paths([extra], store, budget).added_chunk_ids
    assert index.sync(store, quick=True).added == len(added) > 0   # the store changed: ids compared, gap filled
    _assert_in_step(store, index)
    index.dense.reset()                                          # Chroma's folder lost: a new, empty collection
    assert index.sync(store, quick=True).added == store.counts()["chunks"]
    _assert_in_step(store, index)
    store.close()
