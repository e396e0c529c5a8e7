import pytest

from evals.golden import GoldenQuestion, GoldenSetError, Relevant, is_relevant, load_golden
from evals.runner import check_sources
from tests.conftest import ROOT


def test_project_golden_sets_load():
    shared = load_golden(ROOT / "evals" / "golden" / "shared_corpus.jsonl")
    samples = load_golden(ROOT / "evals" / "golden" / "samples.jsonl")
    assert len(shared) >= 60 and len(samples) >= 10
    assert {"numeric", "year", "plan", "problem", "list", "paraphrase"} <= {t for q in shared for t in q.tags}


def test_relevance_is_source_and_whitespace_insensitive_text():
    q = GoldenQuestion("q1", "?", (Relevant("a.txt", "已接种 201187剂"),))
    assert is_relevant("a.txt", "截至9月21日，已接种201187 剂，其中", q)
    assert not is_relevant("b.txt", "已接种201187剂", q)
    assert not is_relevant("a.txt", "已接种20118剂", q)


def test_unknown_fields_are_ignored(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_text('{"id": "x", "question": "q", "relevant": [{"source": "a", "contains": "b"}], "extra": 1}\n\n',
                    encoding="utf-8")
    [q] = load_golden(path)
    assert q.id == "x" and q.tags == () and q.answer_contains == ()


@pytest.mark.parametrize("content, needle", [
    ("", "空"),
    ('{"id": "a", "question": "q", "relevant": [{"source": "s", "contains": "c"}]}\n{not json\n', "第 2 行"),
    ('{"id": "a", "question": "q"}\n', "第 1 行"),
    ('{"id": "a", "question": "q", "relevant": []}\n', "relevant 为空"),
    ('{"id": "a", "question": "q", "relevant": [{"source": "s", "contains": "c"}], "tags": ["unanswerable"]}\n',
     "不应有 relevant"),
    ('{"id": "a", "question": "q", "relevant": [{"source": "s", "contains": "c"}]}\n' * 2, "重复"),
])
def test_bad_golden_files(tmp_path, content, needle):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GoldenSetError, match=needle):
        load_golden(path)


def test_missing_file(tmp_path):
    with pytest.raises(GoldenSetError, match="找不到"):
        load_golden(tmp_path / "none.jsonl")


def test_sources_never_ingested_are_reported_not_scored():
    qs = [GoldenQuestion("a", "?", (Relevant("in.txt", "x"),)), GoldenQuestion("b", "?", (Relevant("gone.txt", "y"),))]
    usable, notes = check_sources(qs, {"in.txt"})
    assert [q.id for q in usable] == ["a"] and "gone.txt" in notes[0]
    with pytest.raises(GoldenSetError, match="gone.txt"):
        check_sources(qs[1:], {"in.txt"})


def test_unanswerable_questions_load_without_relevant_entries_and_are_not_scored_for_retrieval(tmp_path):
    from evals.runner import RankedHit, score

    path = tmp_path / "g.jsonl"
    path.write_text('{"id": "a", "question": "签约率", "relevant": [{"source": "s.txt", "contains": "79.8%"}]}\n'
                    '{"id": "u", "question": "全区有多少名护士", "relevant": [], "tags": ["unanswerable"]}\n',
                    encoding="utf-8")
    answerable, unanswerable = load_golden(path)
    assert unanswerable.unanswerable and unanswerable.relevant == () and not answerable.unanswerable
    usable, notes = check_sources([answerable, unanswerable], {"s.txt"})
    assert len(usable) == 2 and notes == []
    result = score("hybrid", 5, usable, lambda q, n: [RankedHit("s.txt", "签约率79.8%")])
    assert [q.id for q in result.questions] == ["a"] and result.metrics()["recall@5"] == 1.0
