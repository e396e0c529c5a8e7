"""The composition root: builds the real collaborators from settings. Everything else receives them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import ConfigError
from assistant.settings import Settings
from ingest.chunking import TokenBudget
from ingest.tokens import load_token_counter
from vectorstore.docstore import DocumentStore

if TYPE_CHECKING:
    from assistant.answering import Answerer
    from assistant.llm import ChatModel
    from vectorstore.embedders import Embedder
    from vectorstore.retrieval import RetrievalMode
    from assistant.drafting import Drafter
    from vectorstore.indexes import SearchIndex
    from vectorstore.tokenize import Tokenizer
    from vectorstore.retrieval import HybridRetriever

DOCSTORE_FILE = "documents.sqlite3"
HASHING_DENSE_WEIGHT = 0.25


def token_budget(settings: Settings) -> tuple[TokenBudget, str | None]:
    counter, notice = load_token_counter(settings.ingest.tokenizer, allow_download=not settings.offline)
    return TokenBudget(settings.ingest.chunk_tokens, counter), notice


def open_document_store(settings: Settings, *, create: bool = False) -> DocumentStore:
    data_dir: Path = settings.data_path
    if data_dir.exists() and not data_dir.is_dir():
        raise ConfigError(f"数据目录 {data_dir} 不是文件夹。请换一个 --data-dir。")
    if not create and not (data_dir / DOCSTORE_FILE).is_file():
        raise ConfigError(f"数据目录 {data_dir} 中没有文档库。请先运行 `report-assistant ingest --data-dir {data_dir} 报告文件夹`。")
    return DocumentStore(data_dir / DOCSTORE_FILE)


def load_embedder(settings: Settings, embedder: Embedder | None = None) -> tuple[Embedder, str | None]:
    """(embedder, notice): the one given (tests), else what the settings select."""
    if embedder is not None:
        return embedder, None
    from vectorstore.embedders import EmbedderChoice, load_embedder as load

    e = settings.embedding
    return load(EmbedderChoice(kind=e.kind, model=e.model, device=e.device, batch_size=e.batch_size,
                               query_instruction=e.query_instruction, hashing_dim=e.hashing_dim))


def build_tokenizer(settings: Settings) -> Tokenizer:
    """The tokenizer of the configured word lists; its dictionary is cached in the data directory."""
    from vectorstore.tokenize import DEFAULT_SYNONYMS, DEFAULT_TERMS, Tokenizer

    r = settings.retrieval
    for path in (r.terms_file, r.synonyms_file):
        if path is not None and not path.is_file():
            raise ConfigError(f"找不到词表文件 {path}。请检查 retrieval.terms_file / retrieval.synonyms_file 设置。")
    return Tokenizer(r.terms_file or DEFAULT_TERMS, r.synonyms_file or DEFAULT_SYNONYMS, cache_dir=settings.data_path / "cache")


def open_search_index(settings: Settings, *, embedder: Embedder | None = None,
                      rebuild: bool = False) -> tuple[SearchIndex, list[str]]:
    """(SearchIndex, notices). The dense side is Chroma: embedded in the data dir, or the configured server."""
    from vectorstore.chroma import ChromaIndex, connect
    from vectorstore.indexes import SearchIndex

    tokenizer = build_tokenizer(settings)
    embedder, notice = load_embedder(settings, embedder)
    client = connect(path=settings.data_path / "chroma", url=settings.vectorstore.chroma_url)
    dense = ChromaIndex(client, embedder.name, embedder.dim, replace=rebuild)
    index = SearchIndex.open(settings.data_path / "lexical", tokenizer, dense=dense, embedder=embedder, fresh=rebuild)
    return index, [n for n in (notice,) if n]


def build_retriever(settings: Settings, store: DocumentStore, *, mode: RetrievalMode = "hybrid",
                    embedder: Embedder | None = None, index: SearchIndex | None = None,
                    reranker_mode: str | None = None, filters: bool = True) -> tuple[HybridRetriever, list[str]]:
    """(HybridRetriever, notices), with the indexes brought in step with the store first.
    `filters=False` keeps every ranking signal but never excludes a chunk (the eval's hybrid-nofilter)."""
    from vectorstore.rerank import load_reranker
    from vectorstore.retrieval import HybridRetriever, RetrievalConfig

    notices: list[str] = []
    if index is None:
        index, notices = open_search_index(settings, embedder=embedder)
        index.sync(store, quick=True)
    r = settings.retrieval
    reranker, notice = load_reranker(reranker_mode or r.reranker, r.reranker_model, settings.embedding.device)
    if notice:
        notices.append(notice)
    dense_weight = r.dense_weight
    if dense_weight is None:   # the hashing embedder is a weak signal next to BM25 (measured on the golden set)
        hashing = index.embedder is not None and index.embedder.name.startswith("hashing")
        dense_weight = HASHING_DENSE_WEIGHT if hashing else 1.0
    config = RetrievalConfig(mode=mode, lexical_weight=r.lexical_weight, dense_weight=dense_weight,
                             rrf_k=r.rrf_k, candidates=r.candidates, filters=filters)
    return HybridRetriever(index, store, config, reranker=reranker), notices


def build_llm(settings: Settings, llm: ChatModel | None = None) -> ChatModel | None:
    """The configured OpenAI-compatible chat model, or None when no endpoint is set (extractive mode)."""
    if llm is not None:
        return llm
    if not settings.llm.base_url:
        return None
    from assistant.llm import OpenAICompatibleChat

    return OpenAICompatibleChat(base_url=settings.llm.base_url, api_key=settings.llm_api_key(), model=settings.llm.model,
                                temperature=settings.llm.temperature, timeout_s=settings.llm.timeout_s)


def build_answerer(settings: Settings, store: DocumentStore, *, llm: ChatModel | None = None,
                   embedder: Embedder | None = None, index: SearchIndex | None = None) -> tuple[Answerer, list[str]]:
    """(Answerer, notices)."""
    from assistant.answering import Answerer

    retriever, notices = build_retriever(settings, store, embedder=embedder, index=index)
    budget, notice = token_budget(settings)
    context = TokenBudget(settings.answer.context_tokens, budget.counter)
    return Answerer(retriever, llm=build_llm(settings, llm), context_budget=context, k=settings.answer.k), notices + [
        n for n in (notice,) if n]


def build_drafter(settings: Settings, store: DocumentStore, *, llm: ChatModel | None = None,
                  embedder: Embedder | None = None, index: SearchIndex | None = None) -> tuple[Drafter, list[str]]:
    """(Drafter, notices)."""
    from assistant.drafting import Drafter

    retriever, notices = build_retriever(settings, store, embedder=embedder, index=index)
    budget, notice = token_budget(settings)
    context = TokenBudget(settings.answer.context_tokens, budget.counter)
    return Drafter(retriever, store, llm=build_llm(settings, llm), context_budget=context), notices + [
        n for n in (notice,) if n]


@dataclass
class Services:
    """The long-lived collaborators of a front end that serves many requests (the UI): built once, shared by
    every handler; `refresh()` after an ingest or removal so places and years are current."""

    settings: Settings
    store: DocumentStore
    index: SearchIndex
    retriever: HybridRetriever
    answerer: Answerer
    drafter: Drafter
    budget: TokenBudget
    notices: list[str] = field(default_factory=list)

    def refresh(self) -> None:
        self.index.sync(self.store, quick=True)      # after an ingest or removal, which compared the ids
        self.retriever.refresh()

    def close(self) -> None:
        self.store.close()


def build_services(settings: Settings, *, embedder: Embedder | None = None, llm: ChatModel | None = None) -> Services:
    """Everything a UI needs, over the settings' data directory (created when missing)."""
    from assistant.answering import Answerer
    from assistant.drafting import Drafter

    store = open_document_store(settings, create=True)
    index, notices = open_search_index(settings, embedder=embedder)
    index.sync(store, quick=True)
    index.tokenizer.dictionary  # noqa: B018 (loaded now, not by the first question)
    retriever, more = build_retriever(settings, store, index=index)
    budget, notice = token_budget(settings)
    context = TokenBudget(settings.answer.context_tokens, budget.counter)
    model = build_llm(settings, llm)
    return Services(settings, store, index, retriever,
                    Answerer(retriever, llm=model, context_budget=context, k=settings.answer.k),
                    Drafter(retriever, store, llm=model, context_budget=context), budget,
                    notices + more + [n for n in (notice,) if n])
