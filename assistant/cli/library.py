"""Commands that manage the library: ingest, remove, files, reindex, models pull, config."""

from __future__ import annotations

import argparse
from contextlib import nullcontext
from pathlib import Path

from assistant.cli.output import notify, print_json, progress_bar
from assistant.locking import write_lock



def register(commands, common: argparse.ArgumentParser) -> None:
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

    reindex = commands.add_parser("reindex", parents=[common], help="从文档库重建关键词索引和向量索引（如更换了嵌入模型）")
    reindex.set_defaults(handler=cmd_reindex)

    check = commands.add_parser("check", parents=[common], help="检查文档库与两个索引是否一致（如导入中途被中断），--repair 修复")
    check.add_argument("--repair", action="store_true", help="补上缺少的索引条目、删去指向不存在文本块的条目")
    check.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    check.set_defaults(handler=cmd_check)

    models = commands.add_parser("models", help="管理本地模型")
    model_commands = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    pull = model_commands.add_parser("pull", help="下载模型到本机缓存（遵循 HF_ENDPOINT 镜像设置）")
    pull.add_argument("name", nargs="?", help="模型名，默认为当前设置的嵌入模型")
    pull.set_defaults(handler=cmd_models_pull, allows_download=True)

    config = commands.add_parser("config", parents=[common], help="显示生效的设置（密钥已隐藏）")
    config.set_defaults(handler=cmd_config)


def cmd_ingest(args: argparse.Namespace, settings) -> int:
    from assistant.ingesting import ingest_and_index
    from assistant.wiring import open_document_store, open_search_index, token_budget

    budget, notice = token_budget(settings)
    with write_lock(settings.data_path, create=True), open_document_store(settings, create=True) as store:
        index, notices = open_search_index(settings)
        notify([notice, *notices])
        with progress_bar(enabled=not args.json, units={"建立索引": "块"}) as progress:
            summary = ingest_and_index(args.paths, store, budget, index, progress=progress,
                                       max_chars=settings.ingest.max_text_chars)
    if args.json:
        print_json(summary.as_json())
    else:
        _print_ingest_table(summary)
    return 1 if summary.failed else 0


def cmd_remove(args: argparse.Namespace, settings) -> int:
    from assistant.ingesting import remove_file
    from assistant.wiring import open_document_store, open_search_index

    with write_lock(settings.data_path), open_document_store(settings) as store:
        index, notices = open_search_index(settings)
        notify(notices)
        record, removed = remove_file(args.file, store, index)
    if args.json:
        print_json({"removed": record.path, "chunks": len(removed)})
    else:
        print(f"已删除 {record.path}（{len(removed)} 个文本块）。")
    return 0


def cmd_files(args: argparse.Namespace, settings) -> int:
    from assistant.wiring import open_document_store

    with open_document_store(settings) as store:
        reports = store.reports()
    if args.json:
        print_json([{"source": r.source, "path": r.file_path, "report": r.index + 1, "title": r.title,
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


def cmd_reindex(args: argparse.Namespace, settings) -> int:
    from assistant.wiring import open_document_store, open_search_index

    with write_lock(settings.data_path), open_document_store(settings) as store:
        index, notices = open_search_index(settings, rebuild=True)
        notify(notices)
        with progress_bar(enabled=True, unit="块") as progress:
            report = index.rebuild(store, progress)
    print(f"已重建索引：{report.added} 个文本块（嵌入：{index.embedder.name}）。")
    return 0


def cmd_check(args: argparse.Namespace, settings) -> int:
    """Exit 0 when consistent (after repair, if asked), 1 when not."""
    from dataclasses import asdict

    from assistant.wiring import open_document_store, open_search_index

    lock = write_lock(settings.data_path) if args.repair else nullcontext()
    with lock, open_document_store(settings) as store:
        index, notices = open_search_index(settings)
        notify(notices)
        before = index.check(store)
        after = before
        if args.repair and not before.ok:
            index.sync(store)
            after = index.check(store)
    if args.json:
        print_json({"before": asdict(before), "after": asdict(after), "ok": after.ok})
        return 0 if after.ok else 1
    c = before
    print(f"文档库 {c.chunks} 个文本块；关键词索引缺 {c.missing_lexical}、多 {c.extra_lexical}；"
          f"向量索引缺 {c.missing_dense}、多 {c.extra_dense}。")
    if before.ok:
        print("一致。")
    elif args.repair:
        print("已修复。" if after.ok else "修复后仍不一致，请运行 `report-assistant reindex` 重建索引。")
    else:
        print("不一致。运行 `report-assistant check --repair` 修复（检索时也会自动补齐）。")
    return 0 if after.ok else 1


def cmd_models_pull(args: argparse.Namespace, settings) -> int:
    from vectorstore.embedders import pull_model

    name = args.name or settings.embedding.model
    path = pull_model(name)
    print(f"已下载 {name} 到 {path}。")
    return 0


def cmd_config(args: argparse.Namespace, settings) -> int:
    from assistant.settings import describe

    print_json(describe(settings))
    return 0


def year_ranges(years: tuple[int, ...]) -> str:
    """(2017, 2018, 2019, 2022) -> "2017-2019,2022"."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ",".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs) or "未知"


def _print_ingest_table(summary) -> None:
    from assistant.ingesting import STATUS_LABELS

    for f in summary.files:
        if f.status == "failed":
            print(f"[{STATUS_LABELS[f.status]}] {f.error}")
            continue
        print(f"[{STATUS_LABELS[f.status]}] {f.path}  编码:{f.encoding or '-'}  报告:{f.reports}  "
              f"文本块:{f.chunks}  年份:{year_ranges(f.years)}")
        for warning in f.warnings:
            print(f"    提示：{warning}")
    for path in summary.skipped:
        print(f"[跳过] {path}（不支持的类型）")
    for path, reason in summary.refused:
        print(f"[跳过] {path}（{reason}）")
    t = summary.totals()
    print(f"共 {t['files']} 个文件：导入 {t['ingested']}，未变化 {t['unchanged']}，失败 {t['failed']}"
          + (f"，跳过 {t['skipped']}" if t["skipped"] else "") + f"；新增报告 {t['reports']} 篇、文本块 {t['chunks']} 个。")
