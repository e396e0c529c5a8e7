"""Imports point one way: ui, evals -> assistant -> vectorstore, prompts -> ingest. Nothing imports ui or evals."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {
    "ingest": {"ingest"},
    "prompts": {"prompts", "ingest"},
    "vectorstore": {"vectorstore", "ingest"},
    "assistant": {"assistant", "vectorstore", "prompts", "ingest"},
    "ui": {"ui", "assistant"},
    "evals": {"evals", "assistant", "vectorstore", "prompts", "ingest"},
}
# third-party libraries that only their adapter modules may import
ADAPTERS = {"chromadb": "vectorstore/", "sentence_transformers": "vectorstore/", "gradio": "ui/",
            "langchain_openai": "assistant/", "langchain_core": "assistant/"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_import_direction(package):
    for path in (ROOT / package).rglob("*.py"):
        project = _imports(path) & set(ALLOWED)
        assert project <= ALLOWED[package], f"{path.relative_to(ROOT)} imports {project - ALLOWED[package]}"


def test_heavy_libraries_only_in_their_adapters():
    for package in ALLOWED:
        for path in (ROOT / package).rglob("*.py"):
            rel = str(path.relative_to(ROOT))
            for library, home in ADAPTERS.items():
                if library in _imports(path):
                    assert rel.startswith(home), f"{rel} imports {library}"
