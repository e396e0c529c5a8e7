"""Hybrid retrieval over the shared corpus and the sample reports, offline (hashing embedder)."""


import pytest

from assistant.ingesting import ingest_and_index, remove_file
from assistant.settings import load_settings
from assistant.wiring import build_retriever, open_document_store, open_search_index
from evals.golden import is_relevant, load_golden
from tests.conftest import ROOT, SAMPLES

GOLDEN = ROOT / "evals" / "golden" / "shared_corpus.jsonl"


@pytest.fixture(scope="module")
def corpus_setup(tmp_path_factory):
    from tests.conftest import CORPUS

    if not CORPUS.is_dir():
        pytest.skip("shared corpus not found")
    settings = load_settings(data_dir=tmp_path_factory.mktemp("data"), **{"embedding.kind": "hashing"})
    store = open_document_store(settings, create=True)
    index, _ = open_search_index(settings)
    from ingest.chunking import TokenBudget
    from ingest.tokens import ConservativeCounter

    ingest_and_index([CORPUS], store, TokenBudget(350, ConservativeCounter()), index)
    return settings, store, index


@pytest.mark.parametrize("query", ["2021 年疫苗接种剂次", "2021年疫苗接种剂次"])
def test_year_question_ranks_the_2021_vaccination_chunk_first(corpus_setup, query):
    settings, store, index = corpus_setup
    retriever, _ = build_retriever(settings, store, index=index)
    result = retriever.search(query, 5)
    top = result.hits[0].chunk
    assert "已接种201187剂" in top.text and top.year == 2021
    assert result.plan.year == 2021


def test_golden_set_top5_with_the_offline_embedder(corpus_setup):
    settings, store, index = corpus_setup
    retriever, _ = build_retriever(settings, store, index=index)
    questions = load_golden(GOLDEN)
    found = [any(is_relevant(h.chunk.source, h.chunk.text, q) for h in retriever.search(q.question, 5).hits)
             for q in questions]
    assert len(questions) >= 60
    assert sum(found) / len(found) >= 0.95


def test_a_year_with_no_reports_falls_back_and_says_so(corpus_setup):
    settings, store, index = corpus_setup
    retriever, _ = build_retriever(settings, store, index=index)
    result = retriever.search("2030年疫苗接种", 3)
    assert result.hits and any("2030" in note and "不限年份" in note for note in result.notes)


def test_plan_intent_finds_the_plan_section_of_an_earlier_report(corpus_setup):
    settings, store, index = corpus_setup
    retriever, _ = build_retriever(settings, store, index=index)
    hits = retriever.search("2022年工作计划", 3).hits
    assert hits[0].chunk.section_path[0] == "四、2022年工作谋划"


def test_lexical_and_dense_modes(corpus_setup):
    settings, store, index = corpus_setup
    for mode in ("lexical", "dense"):
        retriever, _ = build_retriever(settings, store, mode=mode, index=index)
        assert any("201187" in h.chunk.text for h in retriever.search("2021年疫苗接种剂次", 5).hits), mode


def test_ingest_update_remove_and_reindex_keep_every_store_in_step(tmp_path, budget):
    import shutil

    settings = load_settings(data_dir=tmp_path / "data", **{"embedding.kind": "hashing"})
    folder = tmp_path / "reports"
    shutil.copytree(SAMPLES, folder)
    store = open_document_store(settings, create=True)
    index, _ = open_search_index(settings)

    def in_step():
        ids = store.chunk_ids()
        return ids == index.lexical.live_ids() == index.dense.live_ids() and ids

    ingest_and_index([folder], store, budget, index)
    assert in_step()
    target = next(folder.glob("*上半年*"))
    target.write_text(target.read_text(encoding="utf-8").replace("42016人", "42999人"), encoding="utf-8")
    ingest_and_index([folder], store, budget, index)
    assert in_step()
    retriever, _ = build_retriever(settings, store, index=index)
    assert "42999人" in retriever.search("2024年上半年签约重点人群多少人", 1).hits[0].chunk.text
    remove_file(target.name, store, index)
    assert in_step()
    reopened, _ = open_search_index(settings)                 # persisted: no rebuild needed at start-up
    assert reopened.lexical.live_ids() == store.chunk_ids()
    rebuilt, _ = open_search_index(settings, rebuild=True)
    rebuilt.rebuild(store)
    assert rebuilt.lexical.live_ids() == rebuilt.dense.live_ids() == store.chunk_ids()


def test_opening_with_another_embedder_names_both_and_the_fix(tmp_path, budget):
    from vectorstore.chroma import EmbedderMismatch

    settings = load_settings(data_dir=tmp_path / "data", **{"embedding.kind": "hashing"})
    store = open_document_store(settings, create=True)
    index, _ = open_search_index(settings)
    ingest_and_index([SAMPLES], store, budget, index)
    other = load_settings(data_dir=tmp_path / "data", **{"embedding.kind": "hashing", "embedding.hashing_dim": 256})
    with pytest.raises(EmbedderMismatch, match=r"hashing-ngram-v1-512.*hashing-ngram-v1-256.*reindex"):
        open_search_index(other)
    index, _ = open_search_index(other, rebuild=True)       # what `report-assistant reindex` does
    index.rebuild(store)
    retriever, _ = build_retriever(other, store, index=index)
    assert retriever.search("婚检率", 1).hits
