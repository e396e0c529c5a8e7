import json

import pytest

from assistant.cli import main
from tests.conftest import ROOT, SAMPLES

GOLDEN = ROOT / "evals" / "golden" / "samples.jsonl"


def _eval(tmp_path, capsys, *extra):
    code = main(["eval", "--data-dir", str(tmp_path / "home"), "--golden", str(GOLDEN), "--corpus", str(SAMPLES),
                 *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_eval_compares_retrievers_writes_json_report_and_history(tmp_path, capsys):
    out_json = tmp_path / "result.json"
    code, out, _ = _eval(tmp_path, capsys, "--json", str(out_json), "--report", str(tmp_path / "report"))
    assert code == 0
    doc = json.loads(out_json.read_text(encoding="utf-8"))
    assert doc["k"] == 5
    assert {"hybrid", "lexical", "dense", "baseline"} <= set(doc["retrievers"])
    assert "rerank" in doc["skipped"]                    # no reranker weights on this machine
    hybrid = doc["retrievers"]["hybrid"]
    assert {"recall@5", "mrr@10", "ndcg@10", "precision@5", "per_tag"} <= set(hybrid)
    assert hybrid["recall@5"] >= 0.9 and hybrid["per_tag"]["numeric"]["n"] >= 5
    first = doc["questions"][0]
    assert {"id", "question", "tags", "hybrid"} <= set(first)
    assert set(first["hybrid"]) == {"first_relevant_rank", "top3_sources"}
    answers = doc["answers"]
    assert answers["mode"] == "extractive" and answers["n"] >= 10
    assert answers["answer_contains"] >= 0.9 and answers["with_unverified_figures"] == 0.0
    assert answers["unanswerable"] == 3 and answers["declined"] == 1.0 and answers["answered_wrongly"] == []
    assert "hybrid-nofilter" in doc["retrievers"] and "筛选" in out
    report = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert "recall_by_tag.png" in report and "逐题" in report
    assert (tmp_path / "report" / "recall_by_tag.png").read_bytes()[:4] == b"\x89PNG"
    assert "混合检索" in out

    code, out, _ = _eval(tmp_path, capsys, "--retrievers", "hybrid")
    assert code == 0 and "(+0.000)" in out and "上次运行" in out


def test_gate_fails_below_threshold(tmp_path, capsys):
    code, _, err = _eval(tmp_path, capsys, "--retrievers", "hybrid", "--min-recall", "1.01")
    assert code == 1 and "未达门槛" in err


@pytest.mark.parametrize("args, needle", [
    (["--k", "0"], "--k"), (["--retrievers", "hybrid,magic"], "magic"),
])
def test_bad_arguments(tmp_path, capsys, args, needle):
    code, _, err = _eval(tmp_path, capsys, *args)
    assert code == 2 and needle in err


def test_golden_referring_to_files_never_ingested(tmp_path, capsys):
    golden = tmp_path / "g.jsonl"
    golden.write_text('{"id": "a", "question": "婚检率", "relevant": [{"source": "nowhere.txt", "contains": "x"}]}\n',
                      encoding="utf-8")
    code = main(["eval", "--data-dir", str(tmp_path / "h"), "--golden", str(golden), "--corpus", str(SAMPLES)])
    err = capsys.readouterr().err
    assert code == 2 and "nowhere.txt" in err and "没有导入" in err


def test_answer_contains_normalises_figures():
    from evals.runner import answer_contains

    assert answer_contains("提升至34400管[1]", "3.44万")
    assert answer_contains("完成率72.17%", "72.17%")
    assert not answer_contains("完成率72.1%", "72.17%")
    assert not answer_contains("没有数字", "3.44万")


def test_gate_covers_answers_and_declines(tmp_path, capsys):
    code, _, err = _eval(tmp_path, capsys, "--retrievers", "hybrid", "--min-answers", "1.01", "--min-declined", "0.5")
    assert code == 1 and "回答含预期内容的比例" in err and "未找到" not in err
    code, _, err = _eval(tmp_path, capsys, "--retrievers", "hybrid", "--min-answers", "0.5", "--min-declined", "0.5")
    assert code == 0 and err == ""
    code, _, err = _eval(tmp_path, capsys, "--retrievers", "hybrid", "--min-declined", "1.01")
    assert code == 1 and "未找到" in err
    code, _, err = _eval(tmp_path, capsys, "--retrievers", "hybrid", "--no-answers", "--min-declined", "0.5")
    assert code == 1 and "unanswerable" in err


def test_filtering_costs_names_the_tags_where_filters_hurt():
    from evals.runner import filtering_costs

    doc = {"k": 5, "retrievers": {
        "hybrid": {"per_tag": {"year": {"recall@5": 0.9}, "place": {"recall@5": 1.0}}},
        "hybrid-nofilter": {"per_tag": {"year": {"recall@5": 0.95}, "place": {"recall@5": 1.0}}}}}
    assert filtering_costs(doc) == ["year (0.900 < 0.950)"]
