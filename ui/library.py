"""资料库 tab: upload (types and size limit stated), ingest with progress and a per-file status table, the list
of reports, remove a file, rebuild the indexes."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from assistant.ingesting import ingest_and_index, remove_file
from assistant.locking import write_lock
from assistant.uploads import MAX_UPLOAD_MB, keep_uploads
from ingest.loaders import SUPPORTED_SUFFIXES
from ui.render import INGEST_COLUMNS, REPORT_COLUMNS, Live, ingest_rows, report_rows

TYPES = sorted(SUPPORTED_SUFFIXES)


def build(services) -> list[Live]:
    gr.Markdown(f"可上传 {'、'.join(TYPES)} 文件，每个不超过 {MAX_UPLOAD_MB} MB。文件保存在数据目录的 uploads 文件夹中。")
    files = gr.File(label="选择报告文件", file_count="multiple", file_types=TYPES)
    ingest = gr.Button("导入", variant="primary")
    outcome = gr.Dataframe(headers=INGEST_COLUMNS, label="导入结果", interactive=False)
    reports = gr.Dataframe(headers=REPORT_COLUMNS, label="已导入的报告", interactive=False)
    with gr.Row():
        name = gr.Dropdown([], label="删除文件", allow_custom_value=True)
        remove = gr.Button("删除")
        rebuild = gr.Button("重建索引")
    message = gr.Markdown()

    def do_ingest(paths, progress=gr.Progress()):
        if not paths:
            raise gr.Error("请先选择要导入的文件。")
        paths = [Path(p if isinstance(p, str) else p.name) for p in paths]
        uploads = keep_uploads(paths, services.settings.data_path, names=[_original(p) for p in paths])
        refused = [[u.name, "失败", 0, 0, "-", u.error] for u in uploads if u.path is None]
        kept = [u.path for u in uploads if u.path is not None]
        rows = refused
        if kept:
            with write_lock(services.settings.data_path, create=True):
                summary = ingest_and_index(kept, services.store, services.budget, services.index,
                                           progress=lambda d, t, label: progress(d / max(t, 1), desc=label),
                                           max_chars=services.settings.ingest.max_text_chars)
            services.refresh()
            rows = ingest_rows(summary) + refused
        return rows, report_rows(services.store.reports()), gr.update(choices=_names(services))

    def do_remove(file_name):
        if not file_name:
            raise gr.Error("请选择要删除的文件。")
        with write_lock(services.settings.data_path):
            record, removed = remove_file(file_name, services.store, services.index)
        services.refresh()
        return (f"已删除 {record.source}（{len(removed)} 个文本块）。", report_rows(services.store.reports()),
                gr.update(choices=_names(services), value=None))

    def do_rebuild(progress=gr.Progress()):
        with write_lock(services.settings.data_path):
            report = services.index.rebuild(services.store, lambda d, t, label: progress(d / max(t, 1), desc=label))
        services.refresh()
        return f"已重建索引：{report.added} 个文本块。"

    ingest.click(do_ingest, [files], [outcome, reports, name], api_name="ingest")
    remove.click(do_remove, [name], [message, reports, name], api_name="remove")
    rebuild.click(do_rebuild, None, [message], api_visibility="private")
    return [(reports, lambda: report_rows(services.store.reports())),
            (name, lambda: gr.update(choices=_names(services)))]


def _names(services) -> list[str]:
    return sorted({f.source for f in services.store.files()})


def _original(path: Path) -> str:
    """Gradio keeps an upload under a temp folder with its original name."""
    return path.name
