"""Concurrency figures for the app: `python -m ui.bench [CORPUS ...] [--concurrent 20]`.

Starts the app on loopback over a fresh library (the samples, plus any folders given), asks through
`gradio_client` one question at a time and then N at once, and prints latency and errors.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

QUESTIONS = ["2021 年疫苗接种剂次", "2023年重点人群签约率是多少", "县医院新院区总投资多少", "2023年存在哪些问题"]


def main() -> None:
    from gradio_client import Client

    from assistant.ingesting import ingest_and_index
    from assistant.settings import apply_offline_environment, load_settings
    from assistant.wiring import build_services
    from ui.app import build_app, launch

    parser = argparse.ArgumentParser(description="问答接口的并发测量")
    parser.add_argument("corpora", nargs="*", type=Path, help="另外导入的报告文件夹")
    parser.add_argument("--concurrent", type=int, default=20, help="同时提问数（默认 20）")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ra-ui-bench-") as tmp:
        settings = load_settings(data_dir=Path(tmp) / "data", **{"embedding.kind": "hashing"})
        apply_offline_environment(settings)
        services = build_services(settings)
        samples = Path(__file__).resolve().parents[1] / "assistant" / "samples"
        ingest_and_index([samples, *args.corpora], services.store, services.budget, services.index)
        services.refresh()
        app = build_app(services)
        url = launch(app, port=None, block=False)
        local = threading.local()                   # one connection per asker, as each browser has its own
        errors: list[str] = []

        def ask(question: str) -> float:
            if not hasattr(local, "client"):
                local.client = Client(url, verbose=False)
            start = time.perf_counter()
            try:
                local.client.predict(question, None, api_name="/ask")
            except Exception as exc:          # counted and shown, not raised: the figure is the point
                errors.append(str(exc))
            return time.perf_counter() - start

        ask(QUESTIONS[0])                                   # warm up
        one = [ask(q) for q in QUESTIONS * 2]
        asked = (QUESTIONS * (args.concurrent // len(QUESTIONS) + 1))[: args.concurrent]
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrent) as pool:
            many = list(pool.map(ask, asked))
        wall = time.perf_counter() - start
        app.close()
        services.close()
    print(f"单个提问：中位数 {statistics.median(one) * 1000:.0f} ms（{len(one)} 次）")
    print(f"{args.concurrent} 个并发提问：总用时 {wall:.2f} s，中位数 {statistics.median(many) * 1000:.0f} ms，"
          f"最长 {max(many) * 1000:.0f} ms，错误 {len(errors)} 个")


if __name__ == "__main__":
    main()
