"""Ingest and search through a real Chroma server (`chroma run`) on loopback."""

import shutil
import sys
from pathlib import Path

import pytest

from assistant.ingesting import ingest_and_index
from assistant.settings import load_settings
from assistant.wiring import build_retriever, open_document_store, open_search_index
from evals.bench import free_port, local_chroma_server
from tests.conftest import SAMPLES
from vectorstore.chroma import VectorStoreUnavailable


@pytest.fixture
def chroma_server(tmp_path):
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    if not Path(chroma).exists():
        pytest.skip("chroma CLI not installed")
    with local_chroma_server(tmp_path / "server") as url:
        yield url


def test_ingest_and_search_through_a_chroma_server(tmp_path, chroma_server, budget):
    settings = load_settings(data_dir=tmp_path / "data", **{"embedding.kind": "hashing",
                                                           "vectorstore.chroma_url": chroma_server})
    store = open_document_store(settings, create=True)
    index, _ = open_search_index(settings)
    ingest_and_index([SAMPLES], store, budget, index)
    assert not (tmp_path / "data" / "chroma").exists()          # vectors live on the server
    assert index.dense.live_ids() == store.chunk_ids()
    retriever, _ = build_retriever(settings, store, mode="dense", index=index)
    hit = retriever.search("2022年新冠病毒疫苗接种剂次", 1).hits[0]
    assert "186420剂" in hit.chunk.text


def test_unreachable_server_is_a_clear_error(tmp_path):
    settings = load_settings(data_dir=tmp_path, **{"vectorstore.chroma_url": f"http://127.0.0.1:{free_port()}"})
    with pytest.raises(VectorStoreUnavailable, match="chroma run"):
        open_search_index(settings)
