"""`report-assistant`: the command line. Parses flags, loads settings once, renders results.

One module per command group (library, query, draft, evaluate); each registers its subcommands and
handlers, which call the use cases in `assistant/`. Only argparse is imported at module level, so
`--help` is instant; each command imports what it needs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from collections.abc import Sequence

from assistant.cli import draft, evaluate, library, query, serve
from assistant.cli.output import configure_logging, load_settings

PROG = "report-assistant"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="卫健工作报告助手：导入历年工作总结/计划，检索、问答与起草。")
    parser.add_argument("--config", type=Path, help="TOML 配置文件（默认读取当前目录的 report-assistant.toml）")
    parser.add_argument("-v", "--verbose", action="store_true", help="输出详细日志")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, help="数据目录（文档库与索引），默认 ~/.report-assistant")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in (library, query, draft, evaluate, serve):
        group.register(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    from assistant.errors import ReportAssistantError

    try:
        settings = load_settings(args)
        configure_logging(settings.log_level if not args.verbose else "DEBUG")
        return args.handler(args, settings)
    except ReportAssistantError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
