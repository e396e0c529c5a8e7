"""起草 tab: target year, organisation, sections from the outline, LLM or offline; section-by-section progress;
the draft beside its sources; .docx and .md to download."""

from __future__ import annotations

from datetime import datetime

import gradio as gr

from assistant.drafting import DraftRequest, section_labels
from assistant.export import export_draft, to_markdown
from ui.chat import organisations
from ui.render import Live, draft_sources_markdown

DRAFTS = "drafts"


def build(services) -> list[Live]:
    labels = section_labels()
    with gr.Row():
        year = gr.Number(label="计划年份", precision=0, value=datetime.now().year)
        organisation = gr.Dropdown([], label="单位（可选）", allow_custom_value=True, value=None)
        use_llm = gr.Checkbox(label="使用大模型（已配置时）", value=services.drafter.llm is not None,
                              interactive=services.drafter.llm is not None)
    sections = gr.CheckboxGroup(labels, value=labels, label="起草哪些部分（标准提纲）")
    go = gr.Button("生成初稿", variant="primary")
    with gr.Row():
        preview = gr.Markdown(label="草稿")
        sources = gr.Markdown(label="出处")
    downloads = gr.File(label="下载（Word 公文格式 / Markdown）", file_count="multiple", interactive=False)

    def generate(year_value, org, chosen, llm_on, progress=gr.Progress()):
        if not year_value:
            raise gr.Error("请填写计划年份。")
        request = DraftRequest(int(year_value), organisation=org or None, sections=tuple(chosen or ()),
                               use_llm=bool(llm_on))
        draft = services.drafter.draft(request, progress=lambda done, total, label: progress(
            done / max(total, 1), desc=f"{label}（{done}/{total}）"))
        folder = services.settings.data_path / DRAFTS
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{draft.title}_{datetime.now():%Y%m%d%H%M%S}"
        files = [str(export_draft(draft, folder / f"{stem}.docx")), str(export_draft(draft, folder / f"{stem}.md"))]
        return to_markdown(draft), draft_sources_markdown(draft), files

    go.click(generate, [year, organisation, sections, use_llm], [preview, sources, downloads], api_name="draft_files")

    def next_year() -> int:
        newest = services.store.newest_year()
        return newest + 1 if newest else datetime.now().year

    return [(year, next_year), (organisation, lambda: gr.update(choices=organisations(services)))]
