"""Render evaluation results: a console table, the JSON document, a Markdown report with a PNG chart,
and the run history that lets each run show its change against the previous one."""

from __future__ import annotations

import json
from datetime import datetime, UTC
from pathlib import Path

from evals.runner import MRR_K, filtering_costs

NAMES = {"hybrid": "混合检索", "hybrid-nofilter": "混合检索（不筛选）", "lexical": "关键词 BM25", "dense": "向量", "rerank": "混合+重排序",
         "baseline": "LangChain 朴素基线"}


def console_table(doc: dict, previous: dict | None) -> str:
    k = doc["k"]
    keys = [f"recall@{k}", f"mrr@{MRR_K}", f"ndcg@{MRR_K}", f"precision@{k}"]
    lines = [f"{'检索方式':<18}" + "".join(f"{key:>14}" for key in keys)]
    for name, metrics in doc["retrievers"].items():
        row = f"{NAMES.get(name, name):<18}"
        for key in keys:
            cell = f"{metrics[key]:.3f}"
            old = ((previous or {}).get("retrievers", {}).get(name) or {}).get(key)
            if old is not None:
                cell += f"({metrics[key] - old:+.3f})"
            row += f"{cell:>14}"
        lines.append(row)
    for name, why in doc["skipped"].items():
        lines.append(f"{NAMES.get(name, name):<18}未运行：{why}")
    if doc.get("answers"):
        a = doc["answers"]
        lines.append(f"回答（{a['mode']}，{a['n']} 题）：含预期内容 {a['answer_contains']:.3f}，"
                     f"含未核实数字 {a['with_unverified_figures']:.3f}" + (f"；未答对：{', '.join(a['misses'])}" if a["misses"] else ""))
        if a.get("unanswerable"):
            lines.append(f"无答案的问题（{a['unanswerable']} 题）：正确回答“资料中未找到”的比例 {a['declined']:.3f}"
                         + (f"；误答：{', '.join(a['answered_wrongly'])}" if a["answered_wrongly"] else ""))
    costs = filtering_costs(doc)
    if "hybrid-nofilter" in doc["retrievers"]:
        lines.append("元数据筛选" + (f"在这些标签上不如不筛选：{'；'.join(costs)}" if costs else "在所有标签上都不低于不筛选"))
    if previous:
        lines.append(f"括号内为与上次运行（{previous.get('at', '?')}）相比的变化。")
    first = next(iter(doc["retrievers"]), None)
    misses = [q for q in doc["questions"] if first and (q[first]["first_relevant_rank"] or 99) > k]
    if misses:
        lines.append(f"{NAMES.get(first, first)} 前 {k} 名未命中的问题：")
        lines += [f"  {q['id']} {q['question']}  → 首个相关名次 {q[first]['first_relevant_rank'] or '无'}；"
                  f"前三来源 {', '.join(q[first]['top3_sources'])}" for q in misses]
    return "\n".join(lines)


# --- history ------------------------------------------------------------------------------------

def record_run(history: Path, doc: dict) -> dict | None:
    """Append this run; return the previous run on the same golden set and k (None on the first)."""
    previous = None
    if history.exists():
        for line in history.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if entry.get("golden") == doc["golden"] and entry.get("k") == doc["k"]:
                previous = entry
    history.parent.mkdir(parents=True, exist_ok=True)
    entry = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "golden": doc["golden"], "k": doc["k"],
             "retrievers": {name: {key: value for key, value in m.items() if key != "per_tag"}
                            for name, m in doc["retrievers"].items()}}
    with history.open("a", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return previous


# --- Markdown + chart ---------------------------------------------------------------------------

def write_report(directory: Path, doc: dict, previous: dict | None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    chart = _chart(directory / "recall_by_tag.png", doc)
    k = doc["k"]
    lines = ["# 检索评测报告", "", f"评测集：`{doc['golden']}`，k = {k}，问题数：{len(doc['questions'])}", ""]
    lines += [f"- {note}" for note in doc["notes"]]
    lines += ["", "## 总体", "", f"| 检索方式 | recall@{k} | MRR@{MRR_K} | nDCG@{MRR_K} | precision@{k} | 与上次相比 recall@{k} |",
              "|---|---|---|---|---|---|"]
    for name, m in doc["retrievers"].items():
        old = ((previous or {}).get("retrievers", {}).get(name) or {}).get(f"recall@{k}")
        change = f"{m[f'recall@{k}'] - old:+.3f}" if old is not None else "—"
        lines.append(f"| {NAMES.get(name, name)} | {m[f'recall@{k}']:.3f} | {m[f'mrr@{MRR_K}']:.3f} | "
                     f"{m[f'ndcg@{MRR_K}']:.3f} | {m[f'precision@{k}']:.3f} | {change} |")
    for name, why in doc["skipped"].items():
        lines.append(f"| {NAMES.get(name, name)} | 未运行：{why} | | | | |")
    if doc.get("answers"):
        a = doc["answers"]
        lines += ["", f"回答（{a['mode']}，{a['n']} 题）：含预期内容的比例 {a['answer_contains']:.3f}，"
                      f"含未核实数字的比例 {a['with_unverified_figures']:.3f}。"]
        if a.get("unanswerable"):
            lines += ["", f"资料中没有答案的问题（{a['unanswerable']} 题）：正确回答“资料中未找到”的比例 {a['declined']:.3f}。"]
    lines += ["", "## 按标签", "", f"![recall@{k} 按标签]({chart.name})", ""]
    tags = sorted({t for m in doc["retrievers"].values() for t in m["per_tag"]})
    names = list(doc["retrievers"])
    lines += ["| 标签 | 题数 | " + " | ".join(NAMES.get(n, n) for n in names) + " |", "|---|---|" + "---|" * len(names)]
    for tag in tags:
        n = next(m["per_tag"][tag]["n"] for m in doc["retrievers"].values() if tag in m["per_tag"])
        cells = [f"{doc['retrievers'][name]['per_tag'].get(tag, {}).get(f'recall@{k}', 0):.3f}" for name in names]
        lines.append(f"| {tag} | {n} | " + " | ".join(cells) + " |")
    lines += ["", "## 逐题", "", "| 编号 | 问题 | " + " | ".join(f"{NAMES.get(n, n)} 名次" for n in names) + " |",
              "|---|---|" + "---|" * len(names)]
    for q in doc["questions"]:
        ranks = [str(q[name]["first_relevant_rank"] or "—") for name in names]
        lines.append(f"| {q['id']} | {q['question']} | " + " | ".join(ranks) + " |")
    path = directory / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _chart(path: Path, doc: dict) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    cjk = [f.name for f in font_manager.fontManager.ttflist if any(
        key in f.name for key in ("Noto Sans CJK", "Noto Serif CJK", "WenQuanYi", "SimHei", "Source Han"))]
    if cjk:
        plt.rcParams["font.sans-serif"] = [cjk[0], "DejaVu Sans"]
    k = doc["k"]
    names = list(doc["retrievers"])
    tags = sorted({t for m in doc["retrievers"].values() for t in m["per_tag"]}) + ["(all)"]
    fig, ax = plt.subplots(figsize=(max(6, len(tags) * 1.2), 4))
    width = 0.8 / max(1, len(names))
    for i, name in enumerate(names):
        m = doc["retrievers"][name]
        values = [m["per_tag"].get(t, {}).get(f"recall@{k}", 0) for t in tags[:-1]] + [m[f"recall@{k}"]]
        label = NAMES.get(name, name) if cjk else name
        ax.bar([x + i * width for x in range(len(tags))], values, width, label=label)
    ax.set_xticks([x + width * (len(names) - 1) / 2 for x in range(len(tags))])
    ax.set_xticklabels(tags, rotation=20)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel(f"recall@{k}")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
