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
EDGE = {"assistant/cli/evaluate.py": {"evals"}, "assistant/cli/serve.py": {"ui"},
        "ui/evaluation.py": {"evals"}}      # front ends (CLI, UI) may run the evaluation suites
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
    "gradio": {"ui/app.py", "ui/chat.py", "ui/drafting.py", "ui/evaluation.py", "ui/library.py"},
    "docx": {"assistant/docx_writer.py"},
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


# Words that name the domain's categories. They belong in ingest/lexicon.py; a second copy elsewhere
# drifts (the sign-off splitter once lacked 卫生健康委, query understanding 卫生计生委).
LEXICON_SENTINELS = ("卫生计生委", "卫生健康委员会", "谋划", "短板", "十四五", "全省", "索引号", "党组书记")


def test_domain_word_lists_live_in_the_lexicon():
    for _, path, rel in _modules():
        if rel == "ingest/lexicon.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                      and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                found = [word for word in LEXICON_SENTINELS if word in node.value]
                assert not found, f"{rel}:{node.lineno} spells out {found}: import it from ingest.lexicon"


def test_no_import_cycles_between_modules():
    """Module-level imports (and imports inside functions) form no cycle: a cycle hides which room depends on which."""
    files = {rel[:-3].replace("/", ".").removesuffix(".__init__"): path for _, path, rel in _modules()}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                subs = {f"{node.module}.{a.name}" for a in node.names} & set(files)   # from pkg import submodule
                targets |= subs or {node.module}
            elif isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
        graph[module] = {t for t in targets if t in files and t != module}
    seen, stack = set(), []

    def visit(node):
        if node in stack:
            cycle = stack[stack.index(node):] + [node]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if node in seen or node not in graph:
            return
        stack.append(node)
        for nxt in graph[node]:
            visit(nxt)
        stack.pop()
        seen.add(node)

    for module in graph:
        visit(module)
