"""Our segmenter is jieba's (HMM off), word for word, on real report text and on the edge cases of jieba's
block rules; and a Tokenizer's dictionary is loaded once per process and travels to workers as file names."""

import pickle
from pathlib import Path

import pytest

from vectorstore.segment import Dictionary
from vectorstore.tokenize import Tokenizer

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = [ROOT / "assistant" / "samples", *(ROOT / "evals" / "corpus" / name for name in ("varied", "holdout", "holdout2")),
           ROOT.parent / "shared" / "corpus"]
EDGES = ["", " ", "abc 123 ABC", "ｘｙｚ２０２１", "a\r\nb\tc  d", "covid-19疫苗3.5万剂次", "95%以上", "5g+医疗", "x" * 50,
         "c++与c#", "家庭医生签约服务覆盖率达到72.17%", "二〇二一年", "（一）", "😀疫苗😀", "\u3000\u3000全面推进", "a.b.c", "1,234"]


@pytest.fixture(scope="module")
def both():
    tokenizer = Tokenizer()
    jieba = tokenizer.build_jieba()
    return jieba, Dictionary.from_jieba(jieba.FREQ, jieba.total)


def _lines() -> list[str]:
    lines = []
    for folder in FOLDERS:
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.suffix in (".txt", ".md"):
                    lines.extend(path.read_text(encoding="utf-8", errors="replace").lower().splitlines())
    return lines


def test_the_same_words_as_jieba_on_every_line_of_the_reports(both):
    jieba, dictionary = both
    lines = _lines()
    assert len(lines) > 1000
    different = [line for line in lines if list(dictionary.cut(line)) != list(jieba.cut(line, HMM=False))]
    assert different == []


@pytest.mark.parametrize("text", EDGES)
def test_the_same_words_as_jieba_at_the_edges(both, text):
    jieba, dictionary = both
    assert list(dictionary.cut(text)) == list(jieba.cut(text, HMM=False))


def test_the_dictionary_is_loaded_once_per_process_and_a_tokenizer_pickles_small(tmp_path):
    first, second = Tokenizer(cache_dir=tmp_path), Tokenizer(cache_dir=tmp_path)
    assert first.dictionary is second.dictionary
    data = pickle.dumps(first)
    assert len(data) < 20_000                                 # the word lists, not the 350,000-word dictionary
    copy = pickle.loads(data)
    text = "全县家庭医生签约服务覆盖率达到72.17%"
    assert copy.signature == first.signature and copy.tokens(text) == first.tokens(text)
