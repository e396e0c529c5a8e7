"""Embedders: sentence-transformers (by model name or local path) and an offline hashing embedder.

Selection `auto` uses the sentence-transformers model when its weights are on this machine and
otherwise the hashing embedder, with one notice. Nothing here downloads: `pull_model` does, and only
when the user asks (`report-assistant models pull`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from ingest.errors import ReportAssistantError
from ingest.normalize import fold_digits


DEFAULT_MODEL = "BAAI/bge-small-zh-v1.5"
BGE_ZH_QUERY_INSTRUCTION = "为这个句子生成表示以用于检索相关文章："


class ModelNotAvailable(ReportAssistantError):
    pass


class Embedder(Protocol):
    name: str                      # recorded with each collection; another name cannot open it
    dim: int

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


# --- offline: hashed character n-grams ------------------------------------------------------------

_PRIMES = np.array([1_000_003, 998_244_353, 1_000_000_007], dtype=np.int64)


@dataclass(frozen=True, slots=True)
class HashingEmbedder:
    """Character 1-3-grams hashed into `dim` signed buckets, L2-normalised.

    Texts that share characters and short words are close; figures are folded (full-width digits)
    so "２０２１" and "2021" meet. Deterministic across processes and machines.
    """

    dim: int = 512
    weights: tuple[float, float, float] = (0.4, 1.0, 0.8)
    name: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", f"hashing-ngram-v1-{self.dim}")

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """All texts at once: one hashing pass over their concatenated code points (n-grams never cross
        from one text into the next), one bincount per n-gram size."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        per_text = [self._codes(t) for t in texts]
        lengths = np.array([len(c) for c in per_text], dtype=np.int64)
        codes = np.concatenate([*per_text, np.zeros(2, dtype=np.int64)])     # padding for the last 3-grams
        owner = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        offset_in_text = np.arange(len(owner), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        room = lengths[owner] - offset_in_text                               # code points left in its text
        for n, weight in zip((1, 2, 3), self.weights):
            h = np.zeros(len(owner), dtype=np.int64)
            for offset in range(n):
                h = (h * 31 + codes[offset: len(owner) + offset] * _PRIMES[offset]) % 2_147_483_647
            h = (h * 2_654_435_761 + n) % 4_294_967_291
            keep = room >= n
            signs = np.where((h[keep] >> 7) & 1, 1.0, -1.0).astype(np.float32)
            counts = np.bincount(owner[keep] * self.dim + h[keep] % self.dim, weights=signs * weight,
                                 minlength=len(texts) * self.dim)
            out += counts.reshape(len(texts), self.dim).astype(np.float32)
        for row in out:
            norm = float(np.linalg.norm(row))
            if norm:
                row /= norm
        return out

    def _codes(self, text: str) -> np.ndarray:
        codes = np.frombuffer(fold_digits(text).lower().encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        return codes[codes > 32]                       # drop spaces and control characters

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


# --- sentence-transformers -------------------------------------------------------------------------

class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local directory; normalised embeddings."""

    def __init__(self, model_path: str, *, name: str, device: str = "cpu", batch_size: int = 32,
                 query_instruction: str = "") -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model_path, device=device, local_files_only=True)
        self.name = f"st:{name}"
        self.dim = int(self._model.get_embedding_dimension())
        self.batch_size = batch_size
        self.query_instruction = query_instruction

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                             show_progress_bar=False), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.encode([self.query_instruction + text], normalize_embeddings=True,
                                             show_progress_bar=False)[0], dtype=np.float32)


def local_model_path(name_or_path: str) -> str | None:
    """A local directory for the model, from the path itself or the Hugging Face cache; no network."""
    path = Path(name_or_path).expanduser()
    if path.is_dir():
        return str(path)
    if name_or_path.count("/") != 1 or path.is_absolute():
        return None
    from huggingface_hub.constants import HF_HUB_CACHE    # light; the download module costs ~0.4 s to import

    if not (Path(HF_HUB_CACHE) / f"models--{name_or_path.replace('/', '--')}").is_dir():
        return None                                        # not in the cache: no need to ask the hub client
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        return snapshot_download(name_or_path, local_files_only=True)
    except (LocalEntryNotFoundError, OSError, ValueError):
        return None


def pull_model(name: str) -> str:
    """Download a model into the Hugging Face cache (HF_ENDPOINT is honoured for mirrors)."""
    from huggingface_hub import snapshot_download

    try:
        return snapshot_download(name)
    except Exception as exc:  # the hub client raises many network error types
        raise ModelNotAvailable(
            f"下载模型 {name} 失败（{type(exc).__name__}）。请检查网络，或设置 HF_ENDPOINT 使用镜像站，"
            "也可以手动下载后设置 embedding.model=/本地/路径。") from None


@dataclass(frozen=True, slots=True)
class EmbedderChoice:
    kind: str = "auto"                          # auto | sentence-transformers | hashing
    model: str = DEFAULT_MODEL
    device: str = "cpu"
    batch_size: int = 32
    query_instruction: str | None = None        # None: the bge instruction for bge-*-zh models
    hashing_dim: int = 512


def load_embedder(choice: EmbedderChoice) -> tuple[Embedder, str | None]:
    """(embedder, notice). `auto` falls back to hashing with a notice; an explicit choice raises."""
    if choice.kind == "hashing":
        return HashingEmbedder(choice.hashing_dim), None
    path = local_model_path(choice.model)
    if path is None:
        how = (f"需要时联网运行 `report-assistant models pull {choice.model}`，"
               "或下载到本地后设置 embedding.model=/本地/路径。")
        if choice.kind == "sentence-transformers":
            raise ModelNotAvailable(f"未找到嵌入模型 {choice.model}（本机没有该模型文件，不自动下载）。{how}")
        return HashingEmbedder(choice.hashing_dim), (
            f"离线模式：未找到嵌入模型 {choice.model}，检索改用关键词 + 字符 n-gram 嵌入。{how}")
    instruction = choice.query_instruction
    if instruction is None:
        instruction = BGE_ZH_QUERY_INSTRUCTION if "bge" in choice.model.lower() and "zh" in choice.model.lower() else ""
    try:
        embedder = SentenceTransformerEmbedder(path, name=choice.model, device=choice.device,
                                               batch_size=choice.batch_size, query_instruction=instruction)
    except (OSError, ValueError, RuntimeError) as exc:
        message = f"嵌入模型 {choice.model} 无法加载（{type(exc).__name__}: {exc}）。请检查模型目录是否完整。"
        if choice.kind == "sentence-transformers":
            raise ModelNotAvailable(message) from None
        return HashingEmbedder(choice.hashing_dim), message + " 现在使用离线字符 n-gram 嵌入。"
    return embedder, None
