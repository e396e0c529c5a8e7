import re

import pytest

from ingest.chunking import TokenBudget, chunk_text, protected_spans, split_sentences
from ingest.tokens import ConservativeCounter, load_token_counter

FIGURES = ["201187剂", "72.17%", "-1.53‰", "9月21日", "2021年9月22日", "1:2", "2.35亿元", "30.62万份", "10:30"]


def test_sentences_keep_terminators_and_quotes_and_rejoin_verbatim():
    text = "截至9月21日，已接种201187剂。完成率72.17%！“疫情就是命令。”继续；下一句"
    sentences = split_sentences(text)
    assert "".join(sentences) == text
    assert sentences[0] == "截至9月21日，已接种201187剂。"
    assert sentences[2] == "“疫情就是命令。”"


@pytest.mark.parametrize("figure", FIGURES)
def test_figures_are_protected_spans(figure):
    text = f"其中{figure}为本年数据"
    assert any(text[s:e].startswith(figure.rstrip("剂元份")) or figure in text[s:e] for s, e in protected_spans(text))


@pytest.mark.parametrize("max_tokens", [12, 16, 24, 40])
def test_tiny_budgets_never_cut_inside_a_figure(max_tokens):
    paragraph = ("截至9月21日，我区到库疫苗224750剂，已接种201187剂，其中第一剂次93292剂，第二剂次90492剂，"
                 "婚检率90.72%，出生率下降-1.53‰，医护比1:2，总投资2.35亿元，上午10:30召开会议，2021年9月22日报告。")
    chunks = chunk_text((paragraph,), TokenBudget(max_tokens, ConservativeCounter()))
    assert "".join(chunks) == paragraph
    assert len(chunks) > 2
    for figure in ["224750剂", "201187剂", "93292剂", "90.72%", "-1.53‰", "1:2", "2.35亿元", "10:30", "9月21日",
                   "2021年9月22日"]:
        assert any(figure in chunk for chunk in chunks), figure


def test_chunks_stay_within_budget_and_keep_paragraph_breaks():
    budget = TokenBudget(60, ConservativeCounter())
    paragraphs = ("第一段第一句。第一段第二句。", "第二段。", "第三段很长的一句话，" * 8 + "结束。")
    chunks = chunk_text(paragraphs, budget)
    assert chunks[0] == "第一段第一句。第一段第二句。\n第二段。"
    assert len(chunks) >= 3
    assert all(budget.counter.count(c) <= 60 for c in chunks)
    assert "".join(chunks).replace("\n", "") == "".join(paragraphs)


def test_conservative_counter_overestimates_chinese():
    counter = ConservativeCounter()
    assert counter.count("已接种201187剂") >= 5
    assert counter.count("家庭医生签约服务") == 12


def test_offline_token_counter_falls_back_without_network(monkeypatch, tmp_path):
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))   # an empty cache
    counter, notice = load_token_counter("cl100k_base", allow_download=False)
    assert counter.name == "conservative-v1"
    assert "TIKTOKEN_CACHE_DIR" in notice


def test_tiktoken_is_used_when_its_file_is_cached(monkeypatch, tmp_path):
    """Write a tiny BPE file where tiktoken looks for its cache, under the name it would compute."""
    import base64
    import hashlib

    import tiktoken_ext.openai_public as public

    url = "https://openaipublic.blob.core.windows.net/encodings/r50k_base.tiktoken"
    ranks = [bytes([b]) for b in range(256)]
    body = "\n".join(f"{base64.b64encode(tok).decode()} {rank}" for rank, tok in enumerate(ranks)).encode()
    (tmp_path / hashlib.sha1(url.encode()).hexdigest()).write_bytes(body)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(public, "r50k_base", lambda: {
        "name": "r50k_base", "explicit_n_vocab": 257, "pat_str": public.r50k_pat_str if hasattr(public, "r50k_pat_str")
        else r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""",
        "mergeable_ranks": __import__("tiktoken.load", fromlist=["x"]).load_tiktoken_bpe(url),
        "special_tokens": {"<|endoftext|>": 256}})
    import tiktoken.registry

    monkeypatch.setattr(tiktoken.registry, "ENCODING_CONSTRUCTORS", {"r50k_base": public.r50k_base})
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})
    counter, notice = load_token_counter("r50k_base", allow_download=False)
    assert notice is None
    assert counter.name == "tiktoken:r50k_base"
    assert counter.count("abc") == 3          # byte-level ranks only: one token per byte
    assert re.fullmatch(r"\d+", str(counter.count("已接种201187剂")))


def test_repeated_texts_keep_the_ids_they_always_had(budget):
    """Each repeat of a text in one section takes the next id of its chain (as stored libraries have them);
    the chain is followed from its latest link, so n repeats cost n hashes (a 4 MB pasted report took 67 s)."""
    from ingest.model import content_id
    from ingest.pipeline import ingest_text

    sentence = "全年接种疫苗1200剂次。"
    report = ingest_text("2023年工作总结\n一、工作完成情况\n" + sentence * 100, budget, source="a.txt")
    repeats = [c for c in report.chunks if c.text == report.chunks[0].text]
    assert len(repeats) >= 3
    repeats = repeats[:3]
    first = content_id(report.reports[0].id, repeats[0].section_path, repeats[0].text)
    assert [c.id for c in repeats] == [first, content_id(first, "dup"), content_id(content_id(first, "dup"), "dup")]
