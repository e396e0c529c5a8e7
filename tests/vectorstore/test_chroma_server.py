"""Ingest and search through a real Chroma server (`chroma run`) on loopback."""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.ingesting import ingest_and_index
from assistant.settings import load_settings
from assistant.wiring import build_retriever, open_document_store, open_search_index
from tests.conftest import SAMPLES
from vectorstore.chroma import VectorStoreUnavailable


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    if not Path(chroma).exists():
        pytest.skip("chroma CLI not installed")
    port = _free_port()
    process = subprocess.Popen([chroma, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("chroma run did not start within 30 s")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


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
    settings = load_settings(data_dir=tmp_path, **{"vectorstore.chroma_url": f"http://127.0.0.1:{_free_port()}"})
    with pytest.raises(VectorStoreUnavailable, match="chroma run"):
        open_search_index(settings)
