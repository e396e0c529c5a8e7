"""Retrieval metrics as small pure functions over ranked relevance flags (True = relevant hit).

`relevant_total` is how many relevant items exist for the question (for recall and ideal DCG);
our golden sets label items by source text, so each `relevant` entry counts as one.
"""

from __future__ import annotations

import math


def first_relevant_rank(flags: list[bool]) -> int | None:
    return next((i for i, flag in enumerate(flags, start=1) if flag), None)


def recall_at_k(flags: list[bool], k: int, relevant_total: int) -> float:
    if relevant_total <= 0:
        return 0.0
    return min(sum(flags[:k]), relevant_total) / relevant_total


def precision_at_k(flags: list[bool], k: int) -> float:
    return sum(flags[:k]) / k if k > 0 else 0.0


def mrr_at_k(flags: list[bool], k: int) -> float:
    rank = first_relevant_rank(flags[:k])
    return 1.0 / rank if rank else 0.0


def ndcg_at_k(flags: list[bool], k: int, relevant_total: int) -> float:
    dcg = sum(1.0 / math.log2(i + 1) for i, flag in enumerate(flags[:k], start=1) if flag)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(relevant_total, k) + 1))
    return dcg / ideal if ideal else 0.0


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0
