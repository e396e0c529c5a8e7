"""The draft command: next year's plan from the outline and the library, section by section."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from assistant.cli.output import notify, print_json, progress_bar

LIBRARY = "library"


def register(commands, common: argparse.ArgumentParser) -> None:
    draft = commands.add_parser("draft", parents=[common], help="起草下一年工作计划（按标准提纲逐节，带出处，可导出 Word）")
    draft.add_argument("--year", type=int, required=True, help="计划年份，如 2024")
    draft.add_argument("--org", help="单位名称或地名（资料库中有多个单位时用它限定依据）")
    draft.add_argument("--sections", help="只起草这些部分：逗号分隔的 id 或简称，如 family_doctor,妇幼健康")
    draft.add_argument("--outline", help="提纲：TOML 文件，或 library（取本单位最近一份计划的标题）；默认为内置标准提纲")
    draft.add_argument("--out", type=Path, help="写入文件：.docx（公文格式）或 .md")
    draft.add_argument("--json", action="store_true", help="以 JSON 输出草稿")
    draft.add_argument("--no-llm", action="store_true", help="不用大模型，直接由往年材料生成初稿")
    draft.add_argument("--clean", action="store_true", help="不附出处（干净稿）")
    draft.set_defaults(handler=cmd_draft)


def cmd_draft(args: argparse.Namespace, settings) -> int:
    from assistant.drafting import DraftRequest
    from assistant.export import check_target, export_draft
    from assistant.wiring import build_drafter, open_document_store
    from prompts.outline import load_outline

    if args.out is not None:
        check_target(args.out)                    # before the work, not after it
    library = args.outline == LIBRARY
    outline = load_outline(Path(args.outline)) if args.outline and not library else None
    sections = tuple(s for s in re.split(r"[,，、]\s*", args.sections or "") if s.strip())
    request = DraftRequest(year=args.year, organisation=args.org, sections=sections, outline=outline,
                           library_outline=library, use_llm=not args.no_llm)
    live = not args.json and args.out is None
    with open_document_store(settings) as store:
        drafter, notices = build_drafter(settings, store)
        notify(notices)
        with progress_bar(enabled=not args.json, unit="节") as progress:
            draft = drafter.draft(request, progress=progress,
                                  on_section=(lambda d, s: _print_section(d, s, args.clean)) if live else None)
    if args.out is not None:
        path = export_draft(draft, args.out, clean=args.clean)
    if args.json:
        print_json(draft.as_json())
        return 0
    if args.out is not None:
        empty = sum(1 for s in draft.sections if not s.found)
        print(f"已写入 {path}：{draft.title}，{sum(1 for s in draft.sections if s.paragraphs)} 节"
              + (f"（{empty} 节资料中无依据）" if empty else "")
              + (f"，待定占位 {len(draft.placeholders)} 处" if draft.placeholders else "") + "。")
    for note in draft.notes:
        print(f"说明：{note}", file=sys.stderr if live else sys.stdout)
    return 0


def _print_section(draft, section, clean: bool) -> None:
    if len(draft.sections) == 1:
        print(f"{draft.title}\n（{draft.label}，{'大模型' if draft.mode == 'llm' else '离线'}生成，请核实后使用）\n")
    print(section.heading)
    for paragraph in section.paragraphs:
        print(f"　　{paragraph.text}")
        if not clean:
            for citation in paragraph.citations:
                print(f"　　　　〔出处〕{citation.label}")
    print(flush=True)
