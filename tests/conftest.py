"""Shared fixtures. Unit tests run with the network blocked (loopback allowed)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from ingest.chunking import TokenBudget
from ingest.tokens import ConservativeCounter

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "assistant" / "samples"
CORPUS = ROOT.parent / "shared" / "corpus"

_LOOPBACK = {"127.0.0.1", "::1", "localhost", "0.0.0.0"}
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _guard(sock: socket.socket, address) -> None:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return
    host = address[0] if isinstance(address, tuple) else address
    if host not in _LOOPBACK and not str(host).startswith("127."):
        raise ConnectionRefusedError(f"network access blocked in tests: {address!r}")


def _connect(self, address):
    _guard(self, address)
    return _real_connect(self, address)


def _connect_ex(self, address):
    _guard(self, address)
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True, scope="session")
def _block_network():
    socket.socket.connect = _connect
    socket.socket.connect_ex = _connect_ex
    yield
    socket.socket.connect = _real_connect
    socket.socket.connect_ex = _real_connect_ex


@pytest.fixture
def budget() -> TokenBudget:
    return TokenBudget(350, ConservativeCounter())


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return CORPUS


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"
