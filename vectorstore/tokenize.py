"""jieba tokenisation with the health-commission dictionary, and synonym expansion for queries.

Both word lists are plain files (vectorstore/data/*.txt, or paths in settings) that staff can edit;
their content hash is part of the lexical index's identity, so an edit asks for a reindex.
"""

from __future__ import annotations

import hashlib
import io
import logging
import pickle
import os
import re
from pathlib import Path

from ingest.lexicon import NOT_PLAN_WORDS, NOT_PROBLEM_WORDS
from ingest.normalize import fold_digits

log = logging.getLogger(__name__)
DATA = Path(__file__).parent / "data"
DEFAULT_TERMS = DATA / "health_terms.txt"
DEFAULT_SYNONYMS = DATA / "synonyms.txt"
TOKENIZER_VERSION = "2"      # part of the index signature: bump when tokenising changes
# Compounds whose parts must not be indexed on their own: 计划 in 计划生育 is no plan, 问题 in 问题隐患 no problem.
WHOLE_WORDS = frozenset(NOT_PLAN_WORDS + NOT_PROBLEM_WORDS)

_KEEP = re.compile(r"[\w\u3400-\u9fff%‰]")
STOPWORDS = frozenset("的 了 和 与 及 等 是 在 对 为 将 把 被 由 从 向 以 于 并 或 其 之 也 都 又 而 中 上 下 个 "
                      "多少 什么 哪些 怎么 如何 情况 "
                      "有 有关 关于 这 那 我 我们 你 请 吗 呢 啊 进行 开展 工作 方面 相关".split())


def _read_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


class Tokenizer:
    """Search-mode jieba (words and their parts: 家庭医生签约服务 → 家庭, 医生, 签约, …)."""

    def __init__(self, terms_file: Path = DEFAULT_TERMS, synonyms_file: Path = DEFAULT_SYNONYMS, *,
                 cache_dir: Path | None = None) -> None:
        """`cache_dir`: where the loaded dictionary (jieba's and ours) is kept between runs, keyed by the
        signature — loading it is several times faster than building it (the CLI's cold start)."""
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self.files = (terms_file, synonyms_file, cache_dir)   # enough to build the same tokenizer elsewhere
        self._jieba = jieba.Tokenizer()
        terms = _read_lines(terms_file)
        synonyms = [tuple(line.split()) for line in _read_lines(synonyms_file)]
        self.synonyms = synonyms
        identity = "\n--\n".join([TOKENIZER_VERSION, "\n".join(terms), "\n".join(map(" ".join, synonyms)),
                                    " ".join(sorted(WHOLE_WORDS))])
        self.signature = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:12]
        cache = cache_dir / f"jieba-{jieba.__version__}-{self.signature}.pickle" if cache_dir else None
        if cache is not None and self._load_cached(cache):
            return
        extra = [word for group in synonyms for word in group]   # synonyms must be single tokens too
        whole = [f"{w} 2000" for w in sorted(WHOLE_WORDS)]
        self._jieba.load_userdict(io.StringIO("\n".join(terms + [f"{w} 500" for w in extra if len(w) > 1] + whole)))
        if cache is not None:
            self._save_cached(cache)

    def _load_cached(self, cache: Path) -> bool:
        """The data directory's own cache (written by `_save_cached`; pickle loads 3× faster than marshal
        here: 0.29 s against 0.85 s for 500k words). A file that is not a (dict, int) is rebuilt."""
        try:
            with cache.open("rb") as f:
                freq, total = pickle.load(f)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            return False
        if not isinstance(freq, dict) or not isinstance(total, int):
            return False
        self._jieba.FREQ, self._jieba.total = freq, total
        self._jieba.initialized = True
        return True

    def _save_cached(self, cache: Path) -> None:
        """Best effort: a read-only data directory only costs the next start its speed."""
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            temp = cache.with_suffix(f".{os.getpid()}.tmp")
            with temp.open("wb") as f:
                pickle.dump((self._jieba.FREQ, self._jieba.total), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, cache)
        except OSError as exc:
            log.info("tokenizer cache not written (%s)", exc)

    def tokens(self, text: str) -> list[str]:
        return [w for w in self._search_words(fold_digits(text).lower()) if _KEEP.search(w) and w not in STOPWORDS
                and not w.isspace()]

    def words(self, text: str) -> list[str]:
        """Whole dictionary words, without their parts (家庭医生签约 stays one): what a question names."""
        return [w for w in self._jieba.cut(fold_digits(text).lower(), HMM=False) if _KEEP.search(w) and not w.isspace()]

    def _search_words(self, text: str):
        """jieba's search mode (a word and the dictionary words inside it: 家庭医生签约服务 → 家庭, 医生, 签约, …),
        except inside WHOLE_WORDS; without HMM, the dictionary names the domain."""
        freq = self._jieba.FREQ
        for word in self._jieba.cut(text, HMM=False):
            if word not in WHOLE_WORDS:
                for n in (2, 3):
                    if len(word) > n:
                        yield from (gram for i in range(len(word) - n + 1) if freq.get(gram := word[i:i + n]))
            yield word

    def query_tokens(self, text: str) -> tuple[list[str], list[str]]:
        """(tokens, expansions): the query's own tokens and those added from synonym groups."""
        own = self.tokens(text)
        expansions: list[str] = []
        for _, group in self.synonyms_in(text):
            for word in group:
                if word not in text:
                    expansions.extend(t for t in self.tokens(word) if t not in own and t not in expansions)
        return own, expansions

    def synonyms_in(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        """(the member found, its group) for each synonym group `text` names: within one word, or ending
        where a word ends — 婚检 in "婚检率", 打了 in "免费打|了", 家医 in "家医|签了"; not 家医 in
        "多少|家|医养结合" (it would end inside 医养结合)."""
        lowered = text.lower()
        words = self.words(text)
        ends, position = set(), 0
        for word in words:
            position = lowered.find(word, position) + len(word)
            ends.add(position)

        def named(member: str) -> bool:
            member = member.lower()
            if any(member in word for word in words):
                return True
            start = lowered.find(member)
            while start >= 0:
                if start + len(member) in ends:
                    return True
                start = lowered.find(member, start + 1)
            return False

        found = []
        for group in self.synonyms:
            member = next((w for w in sorted(group, key=len, reverse=True) if named(w)), None)
            if member is not None:
                found.append((member, group))
        return found


# --- tokenising many texts on all cores -------------------------------------------------------------

PARALLEL_MIN_TEXTS = 4000          # below this, starting worker processes costs more than it saves
_worker: Tokenizer | None = None


def _init_worker(terms_file: Path, synonyms_file: Path, cache_dir: Path | None) -> None:
    global _worker
    _worker = Tokenizer(terms_file, synonyms_file, cache_dir=cache_dir)


def _tokenize_batch(texts: list[str]) -> list[list[str]]:
    assert _worker is not None
    return [_worker.tokens(t) for t in texts]


def tokenize_batches(tokenizer: Tokenizer, batches: list[list[str]]):
    """Token lists per batch, in order; on several cores the batches are cut by worker processes
    while the caller goes on with the previous batch (embedding, Chroma)."""

    total = sum(len(b) for b in batches)
    workers = min(2, os.cpu_count() or 1)
    if total < PARALLEL_MIN_TEXTS or workers < 2:
        for batch in batches:
            yield [tokenizer.tokens(t) for t in batch]
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")     # no fork under Chroma's and SQLite's threads
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=tokenizer.files) as pool:
        yield from pool.map(_tokenize_batch, batches)
