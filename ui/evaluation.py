"""评测 tab: a built-in golden set (over its own corpus) or an uploaded JSONL (over the library); retrievers;
metrics table, comparison chart, the questions missed with their top sources, earlier runs; the drafting
backtest. The UI is a front end like the CLI: it calls the evals runner, nothing in evals calls back."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import gradio as gr

from evals.backtest import backtest_markdown, run_backtest
from evals.report import NAMES, record_run, write_report
from evals.runner import RETRIEVERS, run_eval

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = "（当前资料库）"
BUILT_IN = {"示例报告 samples": ("evals/golden/samples.jsonl", "assistant/samples"),
            "多样报告 varied": ("evals/golden/varied.jsonl", "evals/corpus/varied"),
            "留出集 holdout": ("evals/golden/holdout.jsonl", "evals/corpus/holdout"),
            "留出集 holdout2": ("evals/golden/holdout2.jsonl", "evals/corpus/holdout2"),
            "共享语料 shared_corpus": ("evals/golden/shared_corpus.jsonl", "../shared/corpus")}
DEFAULT_RETRIEVERS = ["hybrid", "lexical", "dense", "baseline"]
HISTORY = "eval_history.jsonl"


def build(services) -> None:
    available = [name for name, (golden, corpus) in BUILT_IN.items() if (ROOT / corpus).is_dir()]
    with gr.Row():
        choice = gr.Dropdown(available + [LIBRARY], value=available[0] if available else LIBRARY, label="评测集")
        upload = gr.File(label="或上传评测集 JSONL（在当前资料库上评测）", file_types=[".jsonl"])
    retrievers = gr.CheckboxGroup(list(RETRIEVERS), value=DEFAULT_RETRIEVERS, label="检索方式")
    run = gr.Button("运行评测", variant="primary")
    metrics = gr.Dataframe(label="指标", interactive=False)
    chart = gr.Image(label="按标签比较 recall", type="filepath")
    missed = gr.Markdown()
    history = gr.Dataframe(value=_history(services), label="历次运行", interactive=False)
    with gr.Accordion("起草回测（在当前资料库上）", open=False):
        backtest = gr.Button("运行起草回测")
        backtest_out = gr.Markdown()

    def evaluate(set_name, uploaded, names, progress=gr.Progress()):
        names = list(names or []) or DEFAULT_RETRIEVERS
        if uploaded:
            golden, corpus = Path(uploaded if isinstance(uploaded, str) else uploaded.name), None
        elif set_name in BUILT_IN:
            golden, corpus = ROOT / BUILT_IN[set_name][0], ROOT / BUILT_IN[set_name][1]
        else:
            raise gr.Error("请选择一个内置评测集，或上传评测集 JSONL 文件。")
        progress(0.1, desc="导入语料并评测（约一两分钟）…")
        with tempfile.TemporaryDirectory(prefix="ra-ui-eval-") as tmp:
            doc = run_eval(services.settings, golden, k=5, names=names, corpus=corpus, workdir=Path(tmp),
                           with_answers=True, use_llm=False)
        previous = record_run(services.settings.data_path / HISTORY, doc)
        report_dir = services.settings.data_path / "eval_reports" / golden.stem
        write_report(report_dir, doc, previous)
        return (_metrics(doc), str(report_dir / "recall_by_tag.png"), _missed(doc), _history(services),
                json.dumps({"golden": doc["golden"], "retrievers": {n: {k: v for k, v in m.items() if k != "per_tag"}
                                                                     for n, m in doc["retrievers"].items()}},
                           ensure_ascii=False))

    summary = gr.Textbox(visible=False)
    run.click(evaluate, [choice, upload, retrievers], [metrics, chart, missed, history, summary], api_name="eval")

    def do_backtest(progress=gr.Progress()):
        with tempfile.TemporaryDirectory(prefix="ra-ui-backtest-") as tmp:
            doc = run_backtest(services.settings, corpus=None, workdir=Path(tmp), use_llm=False,
                               progress=lambda d, t, label: progress(d / max(t, 1), desc=label))
        return backtest_markdown(doc)

    backtest.click(do_backtest, None, backtest_out, api_visibility="private")


def _metrics(doc: dict) -> dict:
    k = doc["k"]
    rows = [[NAMES.get(n, n), round(m[f"recall@{k}"], 3), round(m["mrr@10"], 3), round(m["ndcg@10"], 3),
             round(m[f"precision@{k}"], 3)] for n, m in doc["retrievers"].items()]
    return {"headers": ["检索方式", f"recall@{k}", "MRR@10", "nDCG@10", f"precision@{k}"], "data": rows}


def _missed(doc: dict) -> str:
    k = doc["k"]
    lines = []
    for q in doc["questions"]:
        hybrid = q.get("hybrid")
        if hybrid and (hybrid["first_relevant_rank"] is None or hybrid["first_relevant_rank"] > k):
            lines.append(f"- **{q['id']}** {q['question']}：首个相关名次 {hybrid['first_relevant_rank'] or '无'}；"
                         f"前三来源 {'、'.join(hybrid['top3_sources'])}")
    answers = doc.get("answers") or {}
    head = f"混合检索前 {k} 名未命中的问题（{len(lines)} 个）：" if lines else f"混合检索前 {k} 名全部命中。"
    tail = (f"\n\n回答含预期内容的比例 {answers['answer_contains']:.3f}" if answers.get("answer_contains") is not None else "")
    return head + ("\n" + "\n".join(lines) if lines else "") + tail


def _history(services) -> dict:
    path = services.settings.data_path / HISTORY
    rows: list[list] = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines()[-30:]:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            for name, m in entry.get("retrievers", {}).items():
                rows.append([entry["at"], entry["golden"], NAMES.get(name, name), m.get("recall@5"), m.get("mrr@10")])
    return {"headers": ["时间", "评测集", "检索方式", "recall@5", "MRR@10"], "data": rows or [["", "", "", None, None]]}
