"""The drafting backtest: scoring functions, and one run over the sample reports (real plan withheld)."""

from collections import Counter

import pytest

from evals.backtest import _means, backtest_markdown, coverage, find_cases, key_terms, run_backtest, topics, withheld
from tests.conftest import SAMPLES

TOPICS = {"family_doctor": ("家庭医生", "签约"), "maternal": ("妇幼", "孕产妇", "婚检"), "projects": ("项目建设", "新院区")}


def test_topic_from_the_heading_else_from_two_words_of_the_text():
    assert topics("（二）推进家庭医生签约扩面", "", TOPICS) == {"family_doctor"}
    assert topics("（三）其他工作", "做好妇幼保健，降低孕产妇死亡率。", TOPICS) == {"maternal"}
    assert topics("（三）其他工作", "做好妇幼保健。", TOPICS) == frozenset()        # one word is not a topic


def test_coverage_counts_sections_terms_and_what_is_off_plan():
    real = [("推进家庭医生签约", "重点人群签约率"), ("保障母婴安全", "孕产妇和婚检"), ("其他", "无关")]
    draft = [("（一）做实家庭医生签约服务", "继续推进重点人群签约。"), ("（二）加快项目建设", "新院区投入使用。")]
    c = coverage(draft, real, ["重点人群", "婚检", "母婴安全", "签约率"], TOPICS)
    assert c.scored == 2 and c.covered == 1 and c.sections == 0.5
    assert c.terms == 0.25 and c.on_plan == 0.5
    assert coverage([], real, ["婚检"], TOPICS).sections == 0.0


def test_key_terms_prefer_what_is_distinctive():
    def words(text):
        return text.split()
    df = Counter({"工作": 10, "医共体": 1})
    assert key_terms("工作 工作 工作 医共体 医共体", words, df, 10, frozenset())[0] == "医共体"


@pytest.fixture(scope="module")
def doc(tmp_path_factory):
    from assistant.settings import load_settings

    root = tmp_path_factory.mktemp("backtest")
    settings = load_settings(data_dir=root / "unused", **{"embedding.kind": "hashing"})
    return run_backtest(settings, corpus=SAMPLES, workdir=root, use_llm=True)


def test_backtest_over_the_samples(doc):
    cases = {row["case"]["year"]: row for row in doc["cases"]}
    assert set(cases) == {2023, 2024}                                # the half-year report's plan is no year plan
    row = cases[2024]
    assert row["previous"].startswith("清河县卫健委2022年工作总结和2023年工作计划")
    assert set(row["scores"]) == {"offline", "baseline", "copy"}
    offline, baseline = row["scores"]["offline"], row["scores"]["baseline"]
    assert offline["sections"] >= baseline["sections"] and offline["terms"] > baseline["terms"]
    assert any("未配置大模型" in n for n in doc["notes"])
    report = backtest_markdown(doc)
    assert "基线：照抄上年计划标题" in report and "离线初稿" in report and "| 2024 |" in report



def test_means_drop_scores_that_do_not_apply_and_count_a_missing_baseline_as_nothing():
    def row(offline, baseline=None):
        scores = {"offline": {"sections": offline, "terms": 0.5, "on_plan": 0.5, "chars": 100}}
        if baseline is not None:
            scores["baseline"] = {"sections": baseline, "terms": 0.1, "on_plan": 1.0, "chars": 10}
        return {"skipped": None, "scores": scores}
    means = _means([row(None, None), row(1.0, 1.0)])
    assert means["all"]["methods"]["offline"]["sections"] == 1.0          # None (no topics) is not a score
    assert means["all"]["methods"]["baseline"]["terms"] == 0.05           # no earlier plan: nothing covered
    assert means["with_previous"]["cases"] == 1


def test_withheld_hides_the_plan_later_reports_and_another_copy_of_the_plan(tmp_path):
    from assistant.ingesting import ingest_and_index
    from assistant.settings import load_settings
    from assistant.wiring import open_document_store, open_search_index
    from ingest.chunking import TokenBudget
    from ingest.tokens import ConservativeCounter

    folder = tmp_path / "in"
    folder.mkdir()
    for f in SAMPLES.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    plan = next(SAMPLES.glob("*2024年工作打算.txt"))
    (folder / "报送稿.txt").write_text(plan.read_text(encoding="gbk") + "\n（报送稿）\n", encoding="utf-8")   # a GBK file, re-saved
    settings = load_settings(data_dir=tmp_path / "data", **{"embedding.kind": "hashing"})
    with open_document_store(settings, create=True) as store:
        index, _ = open_search_index(settings)
        ingest_and_index([folder], store, TokenBudget(350, ConservativeCounter()), index)
        case = next(c for c in find_cases(store) if c.year == 2024 and c.source == plan.name)
        hidden = withheld(store, case)
        rows = {r.source: r for r in store.reports()}
        chunks = {name: {c.id: c for c in store.chunks(rows[name].id)} for name in rows}
    own = chunks[plan.name]
    assert {i for i, c in own.items() if c.kind.value == "plans"} <= hidden            # the real plan
    assert not {i for i, c in own.items() if c.kind.value != "plans"} & hidden        # its own 2023 summary stays
    assert set(chunks["报送稿.txt"]) <= hidden                                         # a second copy of the plan
    assert set(chunks["清河县卫健委2024年上半年工作总结.txt"]) <= hidden                  # written after
    assert not set(chunks["清河县卫健委2022年工作总结和2023年工作计划.txt"]) & hidden     # written before
