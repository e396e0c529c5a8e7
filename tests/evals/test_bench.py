"""The benchmark runs both sides on the same files in separate processes, in turn, and reports each pair's
ratio and their median (a small corpus: this checks the mechanism, not the figures)."""

import statistics

from evals.bench import KEYS, run_bench


def test_paired_runs_on_the_same_files_give_median_ratios(tmp_path):
    result = run_bench(40, 5, workdir=tmp_path, repeat=2)
    runs = result["runs"]
    assert len(runs) == 2 and result["repeat"] == 2
    assert runs[0]["ours"]["files"] == runs[1]["ours"]["files"] == runs[0]["baseline"]["files"] > 0
    assert runs[0]["ours"]["chunks"] == runs[1]["ours"]["chunks"] >= 40         # same files, same chunks
    for run in runs:
        assert run["ours"]["dictionary_s"] > 0 and run["ours"]["ingest_s"] > 0
        assert run["ratios"]["ingest_s"] == run["ours"]["ingest_s"] / run["baseline"]["ingest_s"]
    assert set(result["ratios"]) == set(KEYS)
    assert result["ratios"]["ingest_s"] == statistics.median(run["ratios"]["ingest_s"] for run in runs)
    assert result["ours"]["ingest_s"] == statistics.median(run["ours"]["ingest_s"] for run in runs)
    assert result["targets"]["ingest_s_ratio<=1.5"] == (result["ratios"]["ingest_s"] <= 1.5)
