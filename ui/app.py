"""The Gradio app: one tab per room (ui/chat.py, drafting.py, library.py, status), named API endpoints for
`gradio_client` (/ask, /draft, /ingest, /remove, /eval), and launching with safe defaults.

`build_app(services)` only lays out; `launch(...)` binds (127.0.0.1 by default) and warns when bound to
another address without authentication.
"""

from __future__ import annotations

import json
import logging

import gradio as gr

from assistant.drafting import DraftRequest
from ui import chat, drafting, evaluation, library
from ui.render import answer_with_citations, status_markdown

log = logging.getLogger(__name__)
TITLE = "卫健工作报告助手"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def build_app(services) -> gr.Blocks:
    with gr.Blocks(title=TITLE) as app:
        gr.Markdown(f"# {TITLE}\n导入历年工作总结和计划，带出处问答，起草下一年工作计划。")
        with gr.Tabs():
            with gr.Tab("问答"):
                live = chat.build(services)
            with gr.Tab("起草"):
                live += drafting.build(services)
            with gr.Tab("资料库"):
                live += library.build(services)
            with gr.Tab("评测"):
                evaluation.build(services)
            with gr.Tab("状态"):
                status = gr.Markdown()
                gr.Button("刷新").click(lambda: status_markdown(services), outputs=status, api_visibility="private")
        live.append((status, lambda: status_markdown(services)))
        # the library's names, years and figures reach a page only when it loads, after the login (ui.render.Live)
        app.load(lambda: [fill() for _, fill in live], outputs=[component for component, _ in live],
                 api_visibility="private")

        def ask(question: str, year: int | None = None) -> str:
            """Question → answer with its numbered sources (extractive unless an LLM is configured)."""
            if not question or not question.strip():
                raise gr.Error("请输入问题。")
            return answer_with_citations(services.answerer.ask(question, year=int(year) if year else None))

        def draft(year: int, organisation: str = "", sections: str = "", use_llm: bool = False) -> str:
            """Year, organisation, comma-separated sections → the draft as JSON (as `report-assistant draft --json`)."""
            chosen = tuple(s.strip() for s in sections.replace("，", ",").split(",") if s.strip())
            result = services.drafter.draft(DraftRequest(int(year), organisation=organisation or None, sections=chosen,
                                                         use_llm=use_llm))
            return json.dumps(result.as_json(), ensure_ascii=False)

        gr.api(ask, api_name="ask")
        gr.api(draft, api_name="draft")
    return app


def unsafe_binding(host: str, auth) -> str | None:
    """A warning when the app is reachable from other machines without a password, else None."""
    if host in LOOPBACK or auth:
        return None
    return (f"警告：服务绑定在 {host}，局域网内的其他人都能打开并读取资料库，而且没有设置登录密码。"
            "请加 --auth 用户名:密码，或改回 --host 127.0.0.1。")


def launch(app: gr.Blocks, *, host: str = "127.0.0.1", port: int | None = 7860, auth: tuple[str, str] | None = None,
           block: bool = True) -> str:
    """Start serving; returns the local address. `port=None`: the first free one from 7860; `block=False`
    returns at once (tests)."""
    from assistant.uploads import MAX_UPLOAD_MB

    app.queue(default_concurrency_limit=8)
    app.launch(server_name=host, server_port=port, auth=auth, prevent_thread_lock=True, quiet=True, show_error=True,
               max_file_size=f"{MAX_UPLOAD_MB}mb", footer_links=["api"])
    url = app.local_url
    if block:
        app.block_thread()
    return url
