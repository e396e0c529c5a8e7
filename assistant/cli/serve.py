"""The serve command: the Gradio app over one data directory. The CLI's door into ui/."""

from __future__ import annotations

import argparse
import sys

from assistant.cli.output import notify

SAMPLES_NOTE = "资料库为空，已导入示例报告（assistant/samples，虚构的清河县 2022–2024 年材料），可在“资料库”中删除。"


def register(commands, common: argparse.ArgumentParser) -> None:
    serve = commands.add_parser("serve", parents=[common], help="启动网页界面（问答、起草、资料库、状态）")
    serve.add_argument("--host", default="127.0.0.1", help="绑定地址（默认 127.0.0.1，只有本机能访问）")
    serve.add_argument("--port", type=int, default=7860, help="端口（默认 7860）")
    serve.add_argument("--auth", metavar="USER:PASS", help="登录用户名和密码")
    serve.add_argument("--with-samples", action="store_true", help="资料库为空时先导入示例报告")
    serve.set_defaults(handler=cmd_serve)


def cmd_serve(args: argparse.Namespace, settings) -> int:
    from pathlib import Path

    from assistant.errors import ConfigError
    from assistant.ingesting import ingest_and_index
    from assistant.wiring import build_services
    from ui.app import build_app, launch, unsafe_binding

    auth = None
    if args.auth:
        user, _, password = args.auth.partition(":")
        if not user or not password:
            raise ConfigError("--auth 的格式是 用户名:密码。")
        auth = (user, password)
    services = build_services(settings)
    notify(services.notices)
    if args.with_samples and not services.store.counts()["files"]:
        samples = Path(__file__).resolve().parents[1] / "samples"
        ingest_and_index([samples], services.store, services.budget, services.index,
                         max_chars=services.settings.ingest.max_text_chars)
        services.refresh()
        print(SAMPLES_NOTE)
    warning = unsafe_binding(args.host, auth)
    if warning:
        print(warning, file=sys.stderr)
    app = build_app(services)
    url = launch(app, host=args.host, port=args.port, auth=auth, block=False)
    print(f"已启动：{url}（按 Ctrl+C 停止）", flush=True)
    try:
        app.block_thread()
    finally:
        services.close()
    return 0
