"""`report-assistant bench`: throughput, load time, latency and memory, ours next to a plain LangChain
pipeline, measured in the same run on the same files. The corpus varies real-report-sized texts (the
samples and the invented test reports); the honest figure is the same-files wall-time ratio (the two
sides cut different numbers of chunks, so chunks/s alone flatters the side that cuts more).

A new data directory first builds its word dictionary once (about 1.5 s, reported as `dictionary_s` and in
the printed cold ratio); the ingest is timed after that, as every later ingest runs.
Each side runs in its own subprocess so that its peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "assistant" / "samples"
CORPORA = Path(__file__).resolve().parent / "corpus"
PLACES = "清河 青山 白水 东林 南湖 西岭 北塘 长丰 安宁 永和 平阳 新安 云溪 桃源 凤鸣 石门 金川 玉田 龙泉 松溪".split()
TOPICS = ["疫苗接种剂次", "家庭医生签约率", "婚检率", "产前筛查", "医共体建设", "两癌筛查", "健康档案建档率",
          "基础设施建设投资", "人才队伍建设", "医养结合床位"]
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def templates() -> list[str]:
    """Real-report-sized texts to vary: the samples and the project's invented test reports (varied, holdout:
    many shapes and section sizes), not only the three small samples."""
    from ingest.loaders import SUPPORTED_SUFFIXES, load_file

    folders = [SAMPLES, *(CORPORA / name for name in ("varied", "holdout"))]
    paths = sorted(p for folder in folders for p in folder.iterdir() if p.suffix.lower() in SUPPORTED_SUFFIXES)
    return [load_file(p).text for p in paths]


def synthetic_corpus(n_chunks: int, out: Path) -> list[Path]:
    """Copies of the templates with other places, years and figures, until they make ~`n_chunks` chunks."""
    from ingest.chunking import TokenBudget
    from ingest.pipeline import ingest_text
    from ingest.tokens import ConservativeCounter

    rng = random.Random(20261122)
    texts = templates()
    budget = TokenBudget(350, ConservativeCounter())
    sizes = [max(1, len(ingest_text(t, budget, source="t.txt").chunks)) for t in texts]
    out.mkdir(parents=True, exist_ok=True)
    files, made, i = [], 0, 0
    while made < n_chunks:
        text, size = texts[i % len(texts)], sizes[i % len(texts)]
        place = PLACES[i % len(PLACES)] + ("县" if i % 3 else "区") + str(i // len(PLACES))
        shift = rng.randint(-6, 2)
        text = re.sub(r"20(2\d)年", lambda m, shift=shift: f"{2000 + int(m.group(1)) + shift}年", text)
        text = text.replace("清河县", place)
        text = _NUMBER.sub(lambda m: _jitter(m.group(0), rng) if len(m.group(0)) >= 3 and not m.group(0).startswith("20")
                           else m.group(0), text)
        path = out / f"{place}_{i:06d}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
        made += size
        i += 1
    return files


def _jitter(number: str, rng: random.Random) -> str:
    if "." in number:
        return f"{float(number) * rng.uniform(0.8, 1.2):.2f}"
    return str(max(1, int(int(number) * rng.uniform(0.8, 1.2))))


def queries(n: int, years: range) -> list[str]:
    rng = random.Random(7)
    return [f"{rng.choice(list(years))}年{rng.choice(TOPICS)}" for _ in range(n)]


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def _peak_mb() -> float:
    """This process's peak plus the largest child's (the tokenising workers), in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


def run_ours(corpus: Path, data: Path, n_queries: int, chroma_url: str | None = None) -> dict:
    from assistant.ingesting import ingest_and_index
    from assistant.settings import load_settings
    from assistant.wiring import build_retriever, open_document_store, open_search_index
    from ingest.chunking import TokenBudget
    from ingest.tokens import ConservativeCounter

    settings = load_settings(data_dir=data, **{"embedding.kind": "hashing", "vectorstore.chroma_url": chroma_url})
    files = sorted(corpus.glob("*.txt"))
    start = time.perf_counter()
    store = open_document_store(settings, create=True)
    index, _ = open_search_index(settings)
    summary = ingest_and_index(files, store, TokenBudget(350, ConservativeCounter()), index)
    ingest_s = time.perf_counter() - start
    chunks = store.counts()["chunks"]
    store.close()

    start = time.perf_counter()
    store = open_document_store(settings)
    retriever, _ = build_retriever(settings, store)
    load_s = time.perf_counter() - start
    latencies = []
    for q in queries(n_queries, range(2016, 2027)):
        t = time.perf_counter()
        result = retriever.search(q, 5)
        latencies.append((time.perf_counter() - t) * 1000)
        assert result.plan.year is not None
    p50, p95 = _percentiles(latencies)
    return {"files": len(summary.files), "chunks": chunks, "ingest_s": ingest_s, "chunks_per_s": chunks / ingest_s,
            "chars_per_s": sum(p.stat().st_size for p in files) / 3 / ingest_s,
            "load_s": load_s, "p50_ms": p50, "p95_ms": p95, "peak_mb": _peak_mb()}


def run_baseline(corpus: Path, data: Path, n_queries: int, chroma_url: str | None = None) -> dict:
    from evals.baseline import LangChainBaseline
    from vectorstore.embedders import HashingEmbedder

    files = sorted(corpus.glob("*.txt"))
    embedder = HashingEmbedder()
    start = time.perf_counter()
    chunks = LangChainBaseline(data, embedder, chroma_url=chroma_url).add_files(files)
    ingest_s = time.perf_counter() - start
    start = time.perf_counter()
    baseline = LangChainBaseline(data, embedder, chroma_url=chroma_url)
    baseline.search("疫苗", 1)
    load_s = time.perf_counter() - start
    latencies = []
    for q in queries(n_queries, range(2016, 2027)):
        t = time.perf_counter()
        baseline.search(q, 5)
        latencies.append((time.perf_counter() - t) * 1000)
    p50, p95 = _percentiles(latencies)
    return {"files": len(files), "chunks": chunks, "ingest_s": ingest_s, "chunks_per_s": chunks / ingest_s,
            "chars_per_s": sum(p.stat().st_size for p in files) / 3 / ingest_s,
            "load_s": load_s, "p50_ms": p50, "p95_ms": p95, "peak_mb": _peak_mb()}


def build_dictionary(data: Path) -> dict:
    """The one-time step of a new data directory: building the word dictionary (jieba's and ours) and caching
    it there. Timed apart from the ingest: a library pays it once, not per ingest."""
    from assistant.settings import load_settings
    from assistant.wiring import build_tokenizer

    settings = load_settings(data_dir=data, **{"embedding.kind": "hashing"})
    start = time.perf_counter()
    build_tokenizer(settings).ensure_cached()
    return {"dictionary_s": time.perf_counter() - start}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def local_chroma_server(path: Path) -> Iterator[str]:
    """`chroma run` on a free loopback port, its data in `path`; yields its URL, stops it afterwards."""
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    if not Path(chroma).exists():
        raise RuntimeError("找不到 chroma 命令（chromadb 的命令行），无法启动本地 Chroma 服务器。")
    port = free_port()
    process = subprocess.Popen([chroma, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("本地 Chroma 服务器 30 秒内没有启动。") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


KEYS = ("chunks_per_s", "chars_per_s", "ingest_s", "load_s", "p50_ms", "p95_ms", "peak_mb")


def run_bench(n_chunks: int, n_queries: int = 200, workdir: Path | None = None, repeat: int = 1,
              chroma_server: bool = False) -> dict:
    """Both sides on the same files, `repeat` times in turn (fresh data directories each time). On a shared
    machine one run can be 30% off; a ratio is taken within each pair of runs and the median reported.
    `chroma_server`: each side's vectors go to its own fresh `chroma run` on loopback instead of the data
    directory (the server starts before the clock does)."""
    runs: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="ra-bench-") as tmp:
        root = workdir or Path(tmp)
        corpus = root / "corpus"
        synthetic_corpus(n_chunks, corpus)
        for number in range(repeat):
            results = {}
            for side in ("dictionary", "ours", "baseline"):
                data = root / f"run{number}" / ("ours" if side == "dictionary" else side)   # the dictionary is ours
                with (local_chroma_server(data.with_name(f"{side}-server")) if chroma_server and side != "dictionary"
                      else contextlib.nullcontext(None)) as url:
                    cmd = [sys.executable, "-m", "evals.bench", side, str(corpus), str(data), str(n_queries),
                           *([url] if url else [])]
                    done = subprocess.run(cmd, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
                if done.returncode != 0:
                    raise RuntimeError(f"bench {side} failed:\n{done.stderr[-2000:]}")
                results[side] = json.loads(done.stdout.strip().splitlines()[-1])
            results["ours"]["dictionary_s"] = results.pop("dictionary")["dictionary_s"]
            results["ratios"] = {key: results["ours"][key] / results["baseline"][key] if results["baseline"][key] else None
                                 for key in KEYS}
            runs.append(results)
    result = {side: {key: statistics.median(run[side][key] for run in runs) for key in runs[0][side]}
              for side in ("ours", "baseline")}
    result["ratios"] = {key: statistics.median(r for run in runs if (r := run["ratios"][key]) is not None)
                        if any(run["ratios"][key] is not None for run in runs) else None for key in KEYS}
    result["runs"] = runs
    ours, ratio = result["ours"], result["ratios"]
    result["targets"] = {"p50_ms<=30": ours["p50_ms"] <= 30, "chunks_per_s>=1000": ours["chunks_per_s"] >= 1000,
                         "ingest_s_ratio<=1.5": ratio["ingest_s"] is not None and ratio["ingest_s"] <= 1.5}
    result["requested_chunks"] = n_chunks
    result["repeat"] = repeat
    result["chroma"] = "server on loopback" if chroma_server else "embedded"
    return result


if __name__ == "__main__":  # one side of the benchmark, in its own process
    side, corpus_dir, data_dir, n = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
    url = sys.argv[5] if len(sys.argv) > 5 else None
    import os

    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if side == "dictionary":
        print(json.dumps(build_dictionary(data_dir)))
    else:
        print(json.dumps((run_ours if side == "ours" else run_baseline)(corpus_dir, data_dir, n, url)))
