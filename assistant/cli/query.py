"""Commands that read the library: search and ask."""

from __future__ import annotations

import argparse
import sys

from assistant.cli.output import notify, print_json


def register(commands, common: argparse.ArgumentParser) -> None:
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


def cmd_search(args: argparse.Namespace, settings) -> int:
    from assistant.wiring import build_retriever, open_document_store

    if args.k <= 0:
        from assistant.errors import ConfigError

        raise ConfigError("--k 必须是正整数。")
    with open_document_store(settings) as store:
        retriever, notices = build_retriever(settings, store, mode=args.mode)
        notify(notices)
        result = retriever.search(args.query, args.k, year=args.year)
    if args.json:
        print_json(result.as_json())
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
    from assistant.answer_model import STREAM_VOID_NOTE
    from assistant.wiring import build_answerer, open_document_store

    with open_document_store(settings) as store:
        answerer, notices = build_answerer(settings, store)
        notify(notices)
        streaming = not args.json and not args.no_llm and answerer.llm is not None and sys.stdout.isatty()
        on_token = (lambda t: print(t, end="", flush=True)) if streaming else None
        answer = answerer.ask(args.question, use_llm=not args.no_llm, year=args.year, on_token=on_token)
    if args.json:
        print_json(answer.as_json())
        return 0
    if answer.streamed != "none":
        print("\n")
        if answer.stream_void:
            print(STREAM_VOID_NOTE + "\n")
        else:
            answer.text = ""                 # already on screen: add only notes and sources below
    for note in answer.notes:
        print(f"说明：{note}")
    print(answer.render().lstrip("\n"))
    return 0
