"""Chroma as the vector store: embedded (PersistentClient in the data directory) or a server (HttpClient).

Each collection records the embedder that filled it; opening it with another is a clear error.
Telemetry is off.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from ingest.errors import ReportAssistantError


COLLECTION = "report_chunks"
BATCH = 2000
# Cosine space; a lighter graph than Chroma's defaults (ef_construction 100, M 16): inserts ~40% faster,
# and the dense side is re-ranked by fusion anyway.
HNSW = {"space": "cosine", "ef_construction": 40, "max_neighbors": 12, "ef_search": 200}


class EmbedderMismatch(ReportAssistantError):
    pass


class VectorStoreUnavailable(ReportAssistantError):
    pass


def _settings():
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False)


def connect(*, path: Path | None = None, url: str | None = None):
    """An embedded client at `path`, or a client of the Chroma server at `url` (http://host:port)."""
    import chromadb

    if url:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        try:
            client = chromadb.HttpClient(host=parsed.hostname or "localhost", port=parsed.port or 8000,
                                         ssl=parsed.scheme == "https", settings=_settings())
            client.heartbeat()
        except Exception as exc:  # httpx and chromadb raise several connection error types
            raise VectorStoreUnavailable(
                f"无法连接 Chroma 服务器 {url}（{type(exc).__name__}）。请确认服务器已启动（`chroma run --path DIR`），"
                "或去掉 vectorstore.chroma_url 改用本地嵌入式存储。") from None
        return client
    assert path is not None
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=_settings())


class ChromaIndex:
    def __init__(self, client, embedder_name: str, dim: int, *, collection: str = COLLECTION,
                 replace: bool = False) -> None:
        self.client = client
        self.embedder_name = embedder_name
        self.dim = dim
        self.collection_name = collection
        if replace:
            self._drop()
        self._collection = self._open()

    def _open(self):
        collection = self.client.get_or_create_collection(
            self.collection_name, metadata={"embedder": self.embedder_name, "dim": self.dim},
            embedding_function=None, configuration={"hnsw": HNSW})
        recorded = (collection.metadata or {}).get("embedder")
        if recorded and recorded != self.embedder_name:
            raise EmbedderMismatch(
                f"向量索引是用嵌入 {recorded} 建立的，当前配置的嵌入是 {self.embedder_name}，两者不能混用。"
                "请运行 `report-assistant reindex --data-dir 数据目录` 用当前嵌入重建索引，或把嵌入设置改回原来的。")
        return collection

    def _drop(self) -> None:
        if self.collection_name in {c.name if hasattr(c, "name") else c for c in self.client.list_collections()}:
            self.client.delete_collection(self.collection_name)

    def reset(self) -> None:
        self._drop()
        self._collection = self._open()

    @property
    def collection_id(self) -> str:
        """Changes when the collection is made anew (reset, a deleted folder, another server)."""
        return str(self._collection.id)

    def count(self) -> int:
        return self._collection.count()

    def live_ids(self) -> set[str]:
        return set(self._collection.get(include=[])["ids"])

    def add(self, ids: list[str], vectors: np.ndarray) -> None:
        """Ids and vectors only: the document store holds texts and metadata, and filters are ours (see
        `search`). Metadata in Chroma cost more than the vectors themselves (3.4 s against 1.4 s for
        10,000 chunks) and nothing read it."""
        for start in range(0, len(ids), BATCH):
            self._collection.add(ids=ids[start:start + BATCH],
                                 embeddings=np.asarray(vectors[start:start + BATCH], dtype=np.float32))

    def delete(self, ids: list[str]) -> None:
        for start in range(0, len(ids), BATCH):
            self._collection.delete(ids=ids[start:start + BATCH])

    def search(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Top-k (chunk id, cosine similarity). Filters are applied by the caller: Chroma's `where`
        costs ~20 ms even on 5,000 vectors, our numpy masks a fraction of that."""
        result = self._collection.query(query_embeddings=[vector.astype(np.float32)], n_results=k,
                                        include=["distances"])
        return [(chunk_id, 1.0 - float(dist)) for chunk_id, dist in zip(result["ids"][0], result["distances"][0])]
