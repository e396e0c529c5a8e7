"""Imports point one way: ui, evals -> assistant -> vectorstore, prompts -> ingest. Nothing imports ui or
evals, except the CLI entry point, which dispatches `eval`/`bench`/`serve` to them lazily (it is the edge).
Each third-party library is imported only in the adapter module that wraps it."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {
    "ingest": {"ingest"},
    "prompts": {"prompts", "ingest"},
    "vectorstore": {"vectorstore", "ingest"},
    "assistant": {"assistant", "vectorstore", "prompts", "ingest"},
    "ui": {"ui", "assistant", "ingest"},
    "evals": {"evals", "assistant", "vectorstore", "prompts", "ingest"},
}
EDGE = {"assistant/cli.py": {"evals", "ui"}}
ADAPTERS = {
    "chromadb": {"vectorstore/chroma.py", "evals/baseline.py"},
    "langchain_chroma": {"evals/baseline.py"},
    "langchain_text_splitters": {"evals/baseline.py"},
    "langchain_core": {"evals/baseline.py", "assistant/llm.py", "assistant/answering.py"},
    "langchain_openai": {"assistant/llm.py"},
    "openai": {"assistant/llm.py"},
    "sentence_transformers": {"vectorstore/embedders.py", "vectorstore/rerank.py"},
    "huggingface_hub": {"vectorstore/embedders.py"},
    "jieba": {"vectorstore/tokenize.py"},
    "gradio": {"ui/app.py"},
    "docx": {"ingest/docx.py"},
    "pypdf": {"ingest/loaders.py"},
    "tiktoken": {"ingest/tokens.py"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _modules():
    for package in ALLOWED:
        for path in (ROOT / package).rglob("*.py"):
            yield package, path, str(path.relative_to(ROOT))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_import_direction(package):
    for pkg, path, rel in _modules():
        if pkg != package:
            continue
        project = _imports(path) & set(ALLOWED)
        allowed = ALLOWED[package] | EDGE.get(rel, set())
        assert project <= allowed, f"{rel} imports {project - allowed}"


def test_libraries_only_in_their_adapters():
    for _, path, rel in _modules():
        for library in _imports(path) & set(ADAPTERS):
            assert rel in ADAPTERS[library], f"{rel} imports {library}"
