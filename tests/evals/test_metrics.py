"""Metrics against values computed by hand."""

import math

import pytest

from evals.metrics import first_relevant_rank, mean, mrr_at_k, ndcg_at_k, precision_at_k, recall_at_k

F, T = False, True


def test_first_relevant_rank():
    assert first_relevant_rank([F, F, T, T]) == 3
    assert first_relevant_rank([F, F]) is None


def test_recall():
    assert recall_at_k([T, F, T, F], 4, relevant_total=3) == pytest.approx(2 / 3)
    assert recall_at_k([T, T, T], 3, relevant_total=1) == 1.0        # capped at the relevant total
    assert recall_at_k([T], 1, relevant_total=0) == 0.0


def test_precision():
    assert precision_at_k([T, F, T, F, F], 5) == pytest.approx(0.4)
    assert precision_at_k([T, F], 5) == pytest.approx(0.2)             # missing positions count as misses


def test_mrr():
    assert mrr_at_k([F, T, T], 10) == 0.5
    assert mrr_at_k([F, F, F, T], 3) == 0.0
    assert mean([mrr_at_k([T], 10), mrr_at_k([F, F, T], 10), mrr_at_k([F], 10)]) == pytest.approx((1 + 1 / 3) / 3)


def test_ndcg_by_hand():
    # one relevant item at rank 3: DCG = 1/log2(4) = 0.5; ideal = 1/log2(2) = 1
    assert ndcg_at_k([F, F, T], 10, relevant_total=1) == pytest.approx(0.5)
    # two relevant, at ranks 1 and 3: DCG = 1 + 0.5; ideal = 1 + 1/log2(3)
    assert ndcg_at_k([T, F, T], 10, relevant_total=2) == pytest.approx(1.5 / (1 + 1 / math.log2(3)))
    assert ndcg_at_k([F, F], 10, relevant_total=1) == 0.0
