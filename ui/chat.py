"""问答 tab: chat with streaming, sources in a collapsible panel, a year filter, example questions and a new
conversation. Each browser session keeps its own conversation (gr.State), so follow-ups keep context."""

from __future__ import annotations

import queue
import threading

import gradio as gr

from assistant.answer_model import STREAM_VOID_NOTE
from assistant.answering import Conversation
from assistant.scope import chunks_outside
from ui.render import Live, answer_text, sources_markdown

EXAMPLES = ["2023年重点人群签约率是多少", "2023年存在哪些问题", "明年家庭医生签约有什么计划", "县医院新院区总投资多少"]
_DONE = object()
ANY_YEAR = "不限"
ALL = "全部"


def _year(value) -> int | None:
    text = str(value or "").strip()
    if not text or text == ANY_YEAR:
        return None
    if not text.isdigit():
        raise gr.Error(f"年份“{text}”无效：请选一个年份，或选“{ANY_YEAR}”。")
    return int(text)


def build(services) -> list[Live]:
    """The 问答 tab; returns its library-dependent parts with how to fill them (on each page load, after login:
    nothing of the library is in the page an unauthenticated visitor gets)."""
    chatbot = gr.Chatbot(label="对话", height=460, buttons=["copy"])
    with gr.Row():
        question = gr.Textbox(placeholder="输入问题，如“2021年疫苗接种剂次”", show_label=False, scale=6)
        send = gr.Button("发送", variant="primary", scale=1)
    with gr.Row():
        year = gr.Dropdown([ANY_YEAR], value=ANY_YEAR, label="只看这一年", allow_custom_value=True)
        organisation = gr.Dropdown([ALL], value=ALL, label="只看这个单位")
        document = gr.Dropdown([ALL], value=ALL, label="只看这份文件")
        use_llm = gr.Checkbox(label="使用大模型（已配置时）", value=services.answerer.llm is not None,
                              interactive=services.answerer.llm is not None)
        new = gr.Button("新对话")
    with gr.Accordion("出处", open=False):
        sources = gr.Markdown("（提问后在这里显示出处）")
    gr.Examples(EXAMPLES, inputs=question, label="示例问题")
    conversation = gr.State(None)

    def respond(message: str, history: list, conv, year_value, llm_on: bool, org: str, doc: str):
        message = (message or "").strip()
        if not message:
            raise gr.Error("请输入问题。")
        conv = conv or Conversation()
        exclude = chunks_outside(services.store, organisation=None if org in (None, ALL) else org,
                                 source=None if doc in (None, ALL) else doc)
        history = list(history or []) + [{"role": "user", "content": message}, {"role": "assistant", "content": "…"}]
        yield history, gr.update(), conv, ""
        tokens: queue.Queue = queue.Queue()
        result: dict = {}

        def work() -> None:
            try:
                result["answer"] = services.answerer.ask(
                    message, conversation=conv, use_llm=bool(llm_on), year=_year(year_value),
                    on_token=tokens.put, exclude=exclude)
            except Exception as exc:                      # shown to the user below, with its message
                result["error"] = exc
            finally:
                tokens.put(_DONE)

        threading.Thread(target=work, daemon=True).start()
        shown = ""
        while (token := tokens.get()) is not _DONE:
            shown += token
            history[-1] = {"role": "assistant", "content": shown}
            yield history, gr.update(), conv, ""
        if "error" in result:
            raise gr.Error(str(result["error"]))
        answer = result["answer"]
        text = answer_text(answer)
        if answer.stream_void:
            text = f"~~{shown}~~\n\n{STREAM_VOID_NOTE}\n\n{text}"
        history[-1] = {"role": "assistant", "content": text}
        yield history, sources_markdown(answer), conv, ""

    for trigger in (send.click, question.submit):
        trigger(respond, [question, chatbot, conversation, year, use_llm, organisation, document],
                [chatbot, sources, conversation, question],
                api_visibility="private")
    new.click(lambda: ([], "（提问后在这里显示出处）", None), outputs=[chatbot, sources, conversation],
              api_visibility="private")

    def years() -> dict:
        found = sorted({y for r in services.store.reports() for y in r.years.years}, reverse=True)
        return gr.update(choices=[ANY_YEAR, *map(str, found)])

    return [(year, years),
            (organisation, lambda: gr.update(choices=[ALL, *organisations(services)])),
            (document, lambda: gr.update(choices=[ALL, *sorted({f.source for f in services.store.files()})]))]


def organisations(services) -> list[str]:
    return sorted({r.organisation for r in services.store.reports() if r.organisation})
