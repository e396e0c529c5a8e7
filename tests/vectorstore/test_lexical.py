from vectorstore.lexical import LexicalDoc, LexicalIndex


def _doc(i: str, tokens: str, year: int = 2021, place: str = "", *,
         sure: bool = True) -> LexicalDoc:
    return LexicalDoc(i, tokens.split(), year, year, place, year_sure=sure, place_sure=bool(place) and sure)


def test_bm25_ranks_rarer_and_repeated_terms_higher(tmp_path):
    index = LexicalIndex(tmp_path, "sig")
    index.add([_doc("a", "疫苗 接种 剂次 剂次"), _doc("b", "疫苗 管理"), _doc("c", "签约 服务 管理")])
    assert [i for i, _ in index.search(["剂次"], 3)] == ["a"]
    assert [i for i, _ in index.search(["疫苗", "剂次"], 3)] == ["a", "b"]
    assert index.search(["不存在"], 3) == []


def test_persist_reopen_update_and_delete(tmp_path):
    index = LexicalIndex(tmp_path, "sig")
    index.add([_doc("a", "疫苗 接种", 2021, place="寿光市"), _doc("b", "疫苗 签约", 2022, "八公山区")])
    index.save()
    reopened = LexicalIndex.open(tmp_path, "sig")
    assert reopened.live_ids() == {"a", "b"}
    assert [i for i, _ in reopened.search(["疫苗"], 5, mask=reopened.mask(year=2022))] == ["b"]
    assert [i for i, _ in reopened.search(["疫苗"], 5, mask=reopened.mask(places={"八公山区"}))] == ["b"]
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


def test_only_sure_metadata_excludes(tmp_path):
    """A year filter drops a chunk only when its year is known from a sure source and is another year;
    unknown and unsure years stay (the retriever ranks them lower), and so does a chunk stating the year."""
    index = LexicalIndex(tmp_path, "sig")
    index.add([LexicalDoc("unknown", ["疫苗"], -1, -1, ""), _doc("sure2021", "疫苗", 2021),
               _doc("sure2020", "疫苗", 2020), _doc("unsure2020", "疫苗", 2020, sure=False),
               _doc("table", "疫苗 2021 年", 2022)])
    kept = {i for i, _ in index.search(["疫苗"], 9, mask=index.mask(year=2021))}
    assert kept == {"unknown", "sure2021", "unsure2020", "table"}
    assert list(index.about(["unknown", "sure2021", "unsure2020", "table"], year=2021)) == [False, True, False, True]


def test_place_filter_keeps_unknown_and_unsure_places(tmp_path):
    index = LexicalIndex(tmp_path, "sig")
    index.add([_doc("sx", "签约", place="绍兴市"), _doc("xf", "签约", place="信丰县"), _doc("none", "签约"),
               _doc("guess", "签约", place="信丰县", sure=False)])
    assert {i for i, _ in index.search(["签约"], 9, mask=index.mask(places={"绍兴市"}))} == {"sx", "none", "guess"}


def test_postings_added_in_bulk_are_each_documents_term_counts(tmp_path):
    from collections import Counter

    docs = [_doc("a", "疫苗 接种 疫苗 剂次"), _doc("b", "剂次 新词"), _doc("c", ""), _doc("d", "疫苗 疫苗 疫苗")]
    index = LexicalIndex(tmp_path, "sig")
    index.add(docs[:2])
    index.add(docs[2:])
    # the reference: term ids in order of first appearance, one posting per (document, term) with its count
    vocab: dict[str, int] = {}
    expected = set()
    for slot, doc in enumerate(docs):
        for token, tf in Counter(doc.tokens).items():
            expected.add((vocab.setdefault(token, len(vocab)), slot, float(tf)))
    assert index.vocab == vocab
    got = {(int(t), int(s), float(f)) for seg in index.segments for t, s, f in zip(seg.terms, seg.slots, seg.tfs)}
    assert got == expected
    assert all(list(seg.terms) == sorted(seg.terms) for seg in index.segments)     # term-sorted, as search expects
    assert list(index.columns["length"]) == [4, 2, 0, 3]
