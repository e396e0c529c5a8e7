from vectorstore.lexical import LexicalDoc, LexicalIndex


def _doc(i: str, tokens: str, year: int = 2021, kind: str = "achievements", org: str = "") -> LexicalDoc:
    return LexicalDoc(i, tokens.split(), year, year, kind, org)


def test_bm25_ranks_rarer_and_repeated_terms_higher(tmp_path):
    index = LexicalIndex(tmp_path, "sig")
    index.add([_doc("a", "疫苗 接种 剂次 剂次"), _doc("b", "疫苗 管理"), _doc("c", "签约 服务 管理")])
    assert [i for i, _ in index.search(["剂次"], 3)] == ["a"]
    assert [i for i, _ in index.search(["疫苗", "剂次"], 3)] == ["a", "b"]
    assert index.search(["不存在"], 3) == []


def test_persist_reopen_update_and_delete(tmp_path):
    index = LexicalIndex(tmp_path, "sig")
    index.add([_doc("a", "疫苗 接种", 2021), _doc("b", "疫苗 签约", 2022, "plans", "八公山区卫健委")])
    index.save()
    reopened = LexicalIndex.open(tmp_path, "sig")
    assert reopened.live_ids() == {"a", "b"}
    assert [i for i, _ in reopened.search(["疫苗"], 5, mask=reopened.mask(year=2022))] == ["b"]
    assert [i for i, _ in reopened.search(["疫苗"], 5, mask=reopened.mask(kinds={"plans"}))] == ["b"]
    assert [i for i, _ in reopened.search(["疫苗"], 5, mask=reopened.mask(org="八公山区卫健委"))] == ["b"]
    reopened.delete(["a"])
    reopened.add([_doc("c", "疫苗 疫苗 剂次")])
    reopened.save()
    again = LexicalIndex.open(tmp_path, "sig")
    assert again.live_ids() == {"b", "c"}
    assert [i for i, _ in again.search(["疫苗"], 5)] == ["c", "b"]


def test_many_updates_merge_segments_and_compact_dead_slots(tmp_path):
    index = LexicalIndex(tmp_path, "sig")
    for round_ in range(12):
        index.add([_doc(f"d{round_}-{i}", f"词{i} 共同 轮{round_}") for i in range(20)])
        if round_ % 2:
            index.delete([f"d{round_ - 1}-{i}" for i in range(20)])
    index.save()
    assert len(index.segments) == 1
    reopened = LexicalIndex.open(tmp_path, "sig")
    assert len(reopened) == 120 and len(reopened.ids) < 240          # dead slots were dropped
    assert {i for i, _ in reopened.search(["轮11"], 50)} == {f"d11-{i}" for i in range(20)}
    assert reopened.search(["轮10"], 50) == []


def test_unknown_year_never_matches_a_year_filter(tmp_path):
    index = LexicalIndex(tmp_path, "sig")
    index.add([LexicalDoc("x", ["疫苗"], -1, -1, "achievements", ""), _doc("y", "疫苗", 2021)])
    assert [i for i, _ in index.search(["疫苗"], 5, mask=index.mask(year=2021))] == ["y"]
