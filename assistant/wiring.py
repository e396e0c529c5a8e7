"""The composition root: builds the real collaborators from settings. Everything else receives them."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import ConfigError
from assistant.settings import Settings
from ingest.chunking import TokenBudget
from ingest.tokens import load_token_counter
from vectorstore.docstore import DocumentStore

DOCSTORE_FILE = "documents.sqlite3"


def token_budget(settings: Settings) -> tuple[TokenBudget, str | None]:
    counter, notice = load_token_counter(settings.ingest.tokenizer, allow_download=not settings.offline)
    return TokenBudget(settings.ingest.chunk_tokens, counter), notice


def open_document_store(settings: Settings, *, create: bool = False) -> DocumentStore:
    data_dir: Path = settings.data_path
    if not create and not (data_dir / DOCSTORE_FILE).is_file():
        raise ConfigError(f"数据目录 {data_dir} 中没有文档库。请先运行 `report-assistant ingest --data-dir {data_dir} 报告文件夹`。")
    if data_dir.exists() and not data_dir.is_dir():
        raise ConfigError(f"数据目录 {data_dir} 不是文件夹。请换一个 --data-dir。")
    return DocumentStore(data_dir / DOCSTORE_FILE)
