"""Commands for maintainers: eval (golden sets, gate) and bench. The CLI's one door into evals/."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from assistant.cli.output import print_json


def register(commands, common: argparse.ArgumentParser) -> None:
    evaluate = commands.add_parser("eval", parents=[common], help="用评测集（JSONL）评测检索，多种检索方式同场对比")
    evaluate.add_argument("--golden", type=Path, required=True, help="评测集 JSONL 文件")
    evaluate.add_argument("--corpus", type=Path, help="先把这个文件夹导入临时数据目录再评测")
    evaluate.add_argument("--k", type=int, default=5, help="recall/precision 的 k（默认 5）")
    evaluate.add_argument("--retrievers", default="hybrid,hybrid-nofilter,lexical,dense,rerank,baseline",
                          help="逗号分隔：hybrid,hybrid-nofilter,lexical,dense,rerank,baseline")
    evaluate.add_argument("--json", type=Path, dest="json_out", metavar="OUT", help="把结果写成 JSON 文件")
    evaluate.add_argument("--report", type=Path, metavar="DIR", help="写 Markdown 报告和 PNG 图表到此文件夹")
    evaluate.add_argument("--min-recall", type=float, help="门槛：hybrid recall@k 低于此值则退出码为 1")
    evaluate.add_argument("--min-mrr", type=float, help="门槛：hybrid MRR@10 低于此值则退出码为 1")
    evaluate.add_argument("--min-gain", type=float, help="门槛：hybrid recall@k 至少比基线高这么多")
    evaluate.add_argument("--min-answers", type=float, help="门槛：回答含预期内容（answer_contains）的比例")
    evaluate.add_argument("--min-declined", type=float, help="门槛：无答案问题（unanswerable）正确回答“资料中未找到”的比例")
    evaluate.add_argument("--no-answers", action="store_true", help="只评检索，不评回答（answer_contains）")
    evaluate.add_argument("--no-llm", action="store_true", help="回答一律用原文摘录（不调用大模型）")
    evaluate.set_defaults(handler=cmd_eval)

    backtest = commands.add_parser("backtest", parents=[common],
                                   help="起草回测：隐去真实计划后起草，看草稿覆盖了真实计划的多少（对比照抄上年标题）")
    backtest.add_argument("--corpus", type=Path, help="先把这个文件夹导入临时数据目录再回测")
    backtest.add_argument("--no-llm", action="store_true", help="只评离线初稿（不调用大模型）")
    backtest.add_argument("--json", type=Path, dest="json_out", metavar="OUT", help="把结果写成 JSON 文件")
    backtest.add_argument("--report", type=Path, metavar="FILE", help="把 Markdown 报告写到此文件")
    backtest.set_defaults(handler=cmd_backtest)

    bench = commands.add_parser("bench", help="性能基准：与 LangChain 朴素流程在同一次运行中对比")
    bench.add_argument("--chunks", type=int, default=10000, help="合成语料的文本块数（默认 10000）")
    bench.add_argument("--queries", type=int, default=200, help="测延迟的查询数（默认 200）")
    bench.add_argument("--repeat", type=int, default=3, help="两边轮流各跑几次，取每对比值的中位数（默认 3）")
    bench.add_argument("--chroma-server", action="store_true",
                       help="两边的向量都写入各自在本机回环地址上新启动的 Chroma 服务器（默认嵌入式，存于数据目录）")
    bench.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    bench.set_defaults(handler=cmd_bench)


def cmd_eval(args: argparse.Namespace, settings) -> int:
    import tempfile

    from evals.report import console_table, record_run, write_report
    from evals.runner import gate, run_eval

    names = [n.strip() for n in args.retrievers.split(",") if n.strip()]
    with tempfile.TemporaryDirectory(prefix="ra-eval-") as tmp:
        doc = run_eval(settings, args.golden, k=args.k, names=names, corpus=args.corpus, workdir=Path(tmp),
                       with_answers=not args.no_answers, use_llm=not args.no_llm)
    previous = record_run(settings.data_path / "eval_history.jsonl", doc)
    for note in doc["notes"]:
        print(f"说明：{note}")
    print(console_table(doc, previous))
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.report:
        print(f"报告：{write_report(args.report, doc, previous)}")
    failures = gate(doc, min_recall=args.min_recall, min_mrr=args.min_mrr, min_gain=args.min_gain,
                    min_answers=args.min_answers, min_declined=args.min_declined)
    for failure in failures:
        print(f"未达门槛：{failure}", file=sys.stderr)
    return 1 if failures else 0


def cmd_backtest(args: argparse.Namespace, settings) -> int:
    import tempfile

    from assistant.cli.output import progress_bar
    from evals.backtest import backtest_markdown, run_backtest

    with tempfile.TemporaryDirectory(prefix="ra-backtest-") as tmp, progress_bar(enabled=True, unit="篇") as progress:
        doc = run_backtest(settings, corpus=args.corpus, workdir=Path(tmp), use_llm=not args.no_llm, progress=progress)
    markdown = backtest_markdown(doc)
    print(markdown)
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(markdown, encoding="utf-8")
    return 0


def cmd_bench(args: argparse.Namespace, settings) -> int:
    from evals.bench import run_bench

    if args.chunks < 10 or args.queries < 1 or args.repeat < 1:
        from assistant.errors import ConfigError

        raise ConfigError("--chunks 至少为 10，--queries 和 --repeat 至少为 1。")
    print(f"生成约 {args.chunks} 个文本块的合成语料，两边各自独立进程、轮流测 {args.repeat} 次…", file=sys.stderr)
    result = run_bench(args.chunks, args.queries, repeat=args.repeat, chroma_server=args.chroma_server)
    if args.json:
        print_json(result)
        return 0
    ours, base, ratio = result["ours"], result["baseline"], result["ratios"]
    rows = [("文本块数", "chunks", "{:.0f}"), ("导入用时（秒，同一批文件）", "ingest_s", "{:.1f}"),
            ("导入吞吐（字/秒）", "chars_per_s", "{:.0f}"), ("导入吞吐（块/秒）", "chunks_per_s", "{:.0f}"),
            ("索引加载（秒）", "load_s", "{:.2f}"), ("查询延迟 p50（毫秒）", "p50_ms", "{:.1f}"),
            ("查询延迟 p95（毫秒）", "p95_ms", "{:.1f}"), ("峰值内存（MB）", "peak_mb", "{:.0f}")]
    print(f"{'指标':<20}{'本项目（混合+年份过滤）':>18}{'LangChain 朴素流程':>18}{'比值':>8}")
    for label, key, fmt in rows:
        r = ratio.get(key)
        print(f"{label:<20}{fmt.format(ours[key]):>18}{fmt.format(base[key]):>18}{(f'{r:.2f}' if r else '-'):>8}")
    targets = result["targets"]
    met = "达到" if targets["ingest_s_ratio<=1.5"] else "未达到"
    each = "、".join(f"{run['ratios']['ingest_s']:.2f}" for run in result["runs"])
    print(f"同一批文件的导入用时是基线的 {ratio['ingest_s']:.2f} 倍（各次：{each}；取中位数；目标 ≤ 1.5：{met}）。"
          f"新数据目录第一次导入前另需一次性建立分词词典 {ours['dictionary_s']:.1f} 秒，"
          f"算上它是 {(ours['ingest_s'] + ours['dictionary_s']) / base['ingest_s']:.2f} 倍。")
    print(f"目标：p50 ≤ 30 ms {'达到' if targets['p50_ms<=30'] else '未达到'}；"
          f"导入 ≥ 1000 块/秒 {'达到' if targets['chunks_per_s>=1000'] else '未达到'}（离线嵌入，{os.cpu_count()} 核）")
    return 0
