"""The naive pipeline a user would build instead: LangChain's recursive splitter (500/50) + the same
embedder + Chroma similarity search, over the same files. The benchmark and the evals compare against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.loaders import load_file

CHUNK_SIZE, CHUNK_OVERLAP = 500, 50


def _lc_embeddings(embedder):
    from langchain_core.embeddings import Embeddings

    class _Adapter(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed_documents(texts).tolist()

        def embed_query(self, text: str) -> list[float]:
            return embedder.embed_query(text).tolist()

    return _Adapter()


@dataclass(slots=True)
class BaselineHit:
    source: str
    text: str


class LangChainBaseline:
    def __init__(self, directory: Path, embedder, *, chroma_url: str | None = None) -> None:
        """Embedded in `directory`, or on the Chroma server at `chroma_url` (as ours can be)."""
        from chromadb.config import Settings
        from langchain_chroma import Chroma

        client = None
        if chroma_url:
            from vectorstore.chroma import connect

            client = connect(url=chroma_url)
        self.store = Chroma(collection_name="baseline", embedding_function=_lc_embeddings(embedder),
                            persist_directory=None if client else str(directory), client=client,
                            client_settings=Settings(anonymized_telemetry=False),
                            collection_metadata={"hnsw:space": "cosine"})

    def add_files(self, files: list[Path], batch: int = 2000) -> int:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        texts: list[str] = []
        metadatas: list[dict] = []
        for path in files:
            for piece in splitter.split_text(load_file(path).text):
                texts.append(piece)
                metadatas.append({"source": path.name})
        for start in range(0, len(texts), batch):
            self.store.add_texts(texts[start:start + batch], metadatas=metadatas[start:start + batch])
        return len(texts)

    def search(self, query: str, k: int) -> list[BaselineHit]:
        return [BaselineHit(d.metadata.get("source", ""), d.page_content)
                for d in self.store.similarity_search(query, k=k)]
