"""`report-assistant`: the command line. Parses flags, loads settings once, renders results.

Only argparse is imported at module level, so `--help` is instant; each command imports what it needs.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, Sequence

PROG = "report-assistant"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="卫健工作报告助手：导入历年工作总结/计划，检索、问答与起草。")
    parser.add_argument("--config", type=Path, help="TOML 配置文件（默认读取当前目录的 report-assistant.toml）")
    parser.add_argument("-v", "--verbose", action="store_true", help="输出详细日志")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, help="数据目录（文档库与索引），默认 ~/.report-assistant")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    ingest = commands.add_parser("ingest", parents=[common], help="导入报告文件或文件夹（可重复运行，未变化的文件跳过）")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="文件或文件夹（递归）")
    ingest.add_argument("--json", action="store_true", help="以 JSON 输出结果（stdout 只有一个对象）")
    ingest.add_argument("--chunk-tokens", type=int, help="每个文本块的最大 token 数")
    ingest.set_defaults(handler=cmd_ingest)

    remove = commands.add_parser("remove", parents=[common], help="从文档库删除一个已导入的文件")
    remove.add_argument("file", help="文件名或路径")
    remove.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    remove.set_defaults(handler=cmd_remove)

    files = commands.add_parser("files", parents=[common], help="列出已导入的文件和报告")
    files.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    files.set_defaults(handler=cmd_files)

    search = commands.add_parser("search", parents=[common], help="检索（关键词 + 向量混合，自动识别年份）")
    search.add_argument("query", help="问题或关键词，如“2021年疫苗接种剂次”")
    search.add_argument("--k", type=int, default=5, help="返回条数（默认 5）")
    search.add_argument("--year", type=int, help="只看这一年的内容（覆盖问题中的年份）")
    search.add_argument("--mode", choices=["hybrid", "lexical", "dense"], default="hybrid", help="检索方式（默认 hybrid）")
    search.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    search.set_defaults(handler=cmd_search)

    ask = commands.add_parser("ask", parents=[common], help="提问：带出处的回答，数字逐一核对原文")
    ask.add_argument("question", help="问题，如“2021年疫苗接种剂次”")
    ask.add_argument("--no-llm", action="store_true", help="不用大模型，直接从资料原文摘录作答")
    ask.add_argument("--year", type=int, help="只看这一年的内容")
    ask.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    ask.set_defaults(handler=cmd_ask)

    reindex = commands.add_parser("reindex", parents=[common], help="从文档库重建关键词索引和向量索引（如更换了嵌入模型）")
    reindex.set_defaults(handler=cmd_reindex)

    models = commands.add_parser("models", help="管理本地模型")
    model_commands = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    pull = model_commands.add_parser("pull", help="下载模型到本机缓存（遵循 HF_ENDPOINT 镜像设置）")
    pull.add_argument("name", nargs="?", help="模型名，默认为当前设置的嵌入模型")
    pull.set_defaults(handler=cmd_models_pull, allows_download=True)

    evaluate = commands.add_parser("eval", parents=[common], help="用评测集（JSONL）评测检索，多种检索方式同场对比")
    evaluate.add_argument("--golden", type=Path, required=True, help="评测集 JSONL 文件")
    where = evaluate.add_mutually_exclusive_group()
    where.add_argument("--corpus", type=Path, help="先把这个文件夹导入临时数据目录再评测")
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

    bench = commands.add_parser("bench", help="性能基准：与 LangChain 朴素流程在同一次运行中对比")
    bench.add_argument("--chunks", type=int, default=10000, help="合成语料的文本块数（默认 10000）")
    bench.add_argument("--queries", type=int, default=200, help="测延迟的查询数（默认 200）")
    bench.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    bench.set_defaults(handler=cmd_bench)

    config = commands.add_parser("config", parents=[common], help="显示生效的设置（密钥已隐藏）")
    config.set_defaults(handler=cmd_config)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    from assistant.errors import ReportAssistantError

    try:
        settings = _load_settings(args)
        _configure_logging(settings.log_level if not args.verbose else "DEBUG")
        return args.handler(args, settings)
    except ReportAssistantError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


def _load_settings(args: argparse.Namespace):
    from assistant.settings import apply_offline_environment, load_settings

    settings = load_settings(args.config, data_dir=getattr(args, "data_dir", None),
                             **{"ingest.chunk_tokens": getattr(args, "chunk_tokens", None)})
    if getattr(args, "allows_download", False):
        settings = settings.model_copy(update={"offline": False})   # the user asked to download
    apply_offline_environment(settings)
    return settings


def _configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


# --- commands --------------------------------------------------------------------------------------

def _notify(notices) -> None:
    """All fallbacks of one run (model, tokenizer, reranker) as one notice on stderr."""
    notices = [n for n in notices if n]
    if notices:
        print("提示：" + " ".join(notices), file=sys.stderr)


def cmd_ingest(args: argparse.Namespace, settings) -> int:
    from assistant.ingesting import ingest_and_index
    from assistant.wiring import open_document_store, open_search_index, token_budget

    budget, notice = token_budget(settings)
    with open_document_store(settings, create=True) as store:
        index, notices = open_search_index(settings)
        _notify([notice, *notices])
        with _progress_bar(enabled=not args.json) as progress:
            summary = ingest_and_index(args.paths, store, budget, index, progress=progress)
    if args.json:
        _print_json(summary.as_json())
    else:
        _print_ingest_table(summary)
    return 1 if summary.failed else 0


def cmd_remove(args: argparse.Namespace, settings) -> int:
    from assistant.ingesting import remove_file
    from assistant.wiring import open_document_store, open_search_index

    with open_document_store(settings) as store:
        index, notices = open_search_index(settings)
        _notify(notices)
        record, removed = remove_file(args.file, store, index)
    if args.json:
        _print_json({"removed": record.path, "chunks": len(removed)})
    else:
        print(f"已删除 {record.path}（{len(removed)} 个文本块）。")
    return 0


def cmd_files(args: argparse.Namespace, settings) -> int:
    from assistant.wiring import open_document_store

    with open_document_store(settings) as store:
        reports = store.reports()
    if args.json:
        _print_json([{"source": r.source, "path": r.file_path, "report": r.index + 1, "title": r.title,
                      "years": list(r.years.years), "plan_years": list(r.plan_years.years), "period": r.period,
                      "doc_type": r.doc_type, "organisation": r.organisation, "place": r.place, "level": r.level,
                      "province": r.province, "date": r.date, "chunks": r.chunks,
                      "origins": r.origins.as_dict()}
                     for r in reports])
        return 0
    if not reports:
        print("文档库为空。用 `report-assistant ingest 路径` 导入报告。")
    for r in reports:
        o = r.origins
        print(f"{r.source} #{r.index + 1}  {r.title or '（无标题）'}  年份:{r.years}（{o.years.label}）  "
              f"计划年份:{r.plan_years}（{o.plan_years.label}）  {r.doc_type}/{r.period or '-'}  "
              f"{r.organisation or '-'}（{o.organisation.label}）  地区:{r.place or '-'}（{o.place.label}）  "
              f"{r.date or ''}  文本块:{r.chunks}")
    return 0


def cmd_search(args: argparse.Namespace, settings) -> int:
    from assistant.wiring import build_retriever, open_document_store

    if args.k <= 0:
        from assistant.errors import ConfigError

        raise ConfigError("--k 必须是正整数。")
    with open_document_store(settings) as store:
        retriever, notices = build_retriever(settings, store, mode=args.mode)
        _notify(notices)
        result = retriever.search(args.query, args.k, year=args.year)
    if args.json:
        _print_json(result.as_json())
        return 0
    for note in result.notes:
        print(f"说明：{note}")
    for hit in result.hits:
        c = hit.chunk
        where = " > ".join(c.section_path) or "（开头）"
        print(f"{hit.rank}. {c.source}  {where}  年份:{c.years}  得分:{hit.score:.4f}")
        print(f"   {c.text[:160]}{'…' if len(c.text) > 160 else ''}")
    return 0


def cmd_ask(args: argparse.Namespace, settings) -> int:
    from assistant.wiring import build_answerer, open_document_store

    with open_document_store(settings) as store:
        answerer, notices = build_answerer(settings, store)
        _notify(notices)
        streaming = not args.json and not args.no_llm and answerer.llm is not None and sys.stdout.isatty()
        streamed: list[str] = []
        on_token = (lambda t: (streamed.append(t), print(t, end="", flush=True))) if streaming else None
        answer = answerer.ask(args.question, use_llm=not args.no_llm, year=args.year, on_token=on_token)
    if args.json:
        _print_json(answer.as_json())
        return 0
    if streamed:
        print("\n")
        if answer.mode == "llm" and answer.text == "".join(streamed).strip():
            answer.text = ""                 # already on screen: add only notes and sources below
        else:                                # the draft above failed verification: say so before the answer
            print("（以上是大模型的草稿，其中的数字未能在资料中核实，作废；以下是核实后的回答。）\n")
    for note in answer.notes:
        print(f"说明：{note}")
    print(answer.render().lstrip("\n"))
    return 0


def cmd_reindex(args: argparse.Namespace, settings) -> int:
    from assistant.wiring import open_document_store, open_search_index

    with open_document_store(settings) as store:
        index, notices = open_search_index(settings, rebuild=True)
        _notify(notices)
        with _progress_bar(enabled=True) as progress:
            report = index.rebuild(store, progress)
    print(f"已重建索引：{report.added} 个文本块（嵌入：{index.embedder.name}）。")
    return 0


def cmd_models_pull(args: argparse.Namespace, settings) -> int:
    from vectorstore.embedders import pull_model

    name = args.name or settings.embedding.model
    path = pull_model(name)
    print(f"已下载 {name} 到 {path}。")
    return 0


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


def cmd_bench(args: argparse.Namespace, settings) -> int:
    from evals.bench import run_bench

    if args.chunks < 10 or args.queries < 1:
        from assistant.errors import ConfigError

        raise ConfigError("--chunks 至少为 10，--queries 至少为 1。")
    print(f"生成约 {args.chunks} 个文本块的合成语料并分别测量（各自独立进程）…", file=sys.stderr)
    result = run_bench(args.chunks, args.queries)
    if args.json:
        _print_json(result)
        return 0
    ours, base, ratio = result["ours"], result["baseline"], result["ratios"]
    rows = [("文本块数", "chunks", "{:.0f}"), ("导入用时（秒，同一批文件）", "ingest_s", "{:.1f}"),
            ("导入吞吐（块/秒）", "chunks_per_s", "{:.0f}"),
            ("索引加载（秒）", "load_s", "{:.2f}"), ("查询延迟 p50（毫秒）", "p50_ms", "{:.1f}"),
            ("查询延迟 p95（毫秒）", "p95_ms", "{:.1f}"), ("峰值内存（MB）", "peak_mb", "{:.0f}")]
    print(f"{'指标':<20}{'本项目（混合+年份过滤）':>18}{'LangChain 朴素流程':>18}{'比值':>8}")
    for label, key, fmt in rows:
        r = ratio.get(key)
        print(f"{label:<20}{fmt.format(ours[key]):>18}{fmt.format(base[key]):>18}{(f'{r:.2f}' if r else '-'):>8}")
    targets = result["targets"]
    print(f"目标：p50 ≤ 30 ms {'达到' if targets['p50_ms<=30'] else '未达到'}；"
          f"导入 ≥ 1000 块/秒 {'达到' if targets['chunks_per_s>=1000'] else '未达到'}（离线嵌入，{os.cpu_count()} 核）")
    return 0


def cmd_config(args: argparse.Namespace, settings) -> int:
    from assistant.settings import describe

    _print_json(describe(settings))
    return 0


# --- rendering -------------------------------------------------------------------------------------

class _progress_bar:
    """tqdm on a terminal's stderr; nothing when stderr is not a terminal (pipes, CI, --json files)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.bar = None

    def __enter__(self):
        if not self.enabled:
            return None
        from tqdm import tqdm

        def update(done: int, total: int, label: str) -> None:
            if self.bar is None or self.bar.total != total:      # a new stage (files, then index)
                if self.bar is not None:
                    self.bar.close()
                self.bar = tqdm(total=total, unit="块" if label == "建立索引" else "文件", file=sys.stderr, leave=False)
            self.bar.n = done
            self.bar.set_postfix_str(label, refresh=True)
        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()


def _year_ranges(years: tuple[int, ...]) -> str:
    """(2017, 2018, 2019, 2022) -> "2017-2019,2022"."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ",".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs) or "未知"


_STATUS = {"ingested": "已导入", "unchanged": "未变化", "failed": "失败"}


def _print_ingest_table(summary) -> None:
    for f in summary.files:
        if f.status == "failed":
            print(f"[{_STATUS[f.status]}] {f.error}")
            continue
        years = _year_ranges(f.years)
        print(f"[{_STATUS[f.status]}] {f.path}  编码:{f.encoding or '-'}  报告:{f.reports}  "
              f"文本块:{f.chunks}  年份:{years}")
        for warning in f.warnings:
            print(f"    提示：{warning}")
    for path in summary.skipped:
        print(f"[跳过] {path}（不支持的类型）")
    t = summary.totals()
    print(f"共 {t['files']} 个文件：导入 {t['ingested']}，未变化 {t['unchanged']}，失败 {t['failed']}"
          + (f"，跳过 {t['skipped']}" if t["skipped"] else "") + f"；新增报告 {t['reports']} 篇、文本块 {t['chunks']} 个。")


if __name__ == "__main__":
    sys.exit(main())
