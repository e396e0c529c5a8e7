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
import threading
from pathlib import Path

from ingest.lexicon import NOT_PLAN_WORDS, NOT_PROBLEM_WORDS
from ingest.normalize import fold_digits
from vectorstore.segment import Dictionary

log = logging.getLogger(__name__)
DATA = Path(__file__).parent / "data"
DEFAULT_TERMS = DATA / "health_terms.txt"
DEFAULT_SYNONYMS = DATA / "synonyms.txt"
TOKENIZER_VERSION = "2"      # part of the index signature: bump when tokenising changes
SEGMENT_VERSION = "1"        # the cached dictionary's format
KEPT_DICTIONARIES = 2        # loaded dictionaries a process keeps (~80 MB each)
MEMO_LIMIT = 200_000         # words remembered per tokenizer (numbers make the vocabulary open-ended)
# Compounds whose parts must not be indexed on their own: 计划 in 计划生育 is no plan, 问题 in 问题隐患 no problem.
WHOLE_WORDS = frozenset(NOT_PLAN_WORDS + NOT_PROBLEM_WORDS)

_KEEP = re.compile(r"[\w\u3400-\u9fff%‰]")
STOPWORDS = frozenset("的 了 和 与 及 等 是 在 对 为 将 把 被 由 从 向 以 于 并 或 其 之 也 都 又 而 中 上 下 个 "
                      "多少 什么 哪些 怎么 如何 情况 "
                      "有 有关 关于 这 那 我 我们 你 请 吗 呢 啊 进行 开展 工作 方面 相关".split())


def _read_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


_DICTIONARIES: dict[str, Dictionary] = {}      # signature -> loaded dictionary, one per process
_LOADING = threading.Lock()


def _load_cached(cache: Path) -> Dictionary | None:
    """The data directory's own cache (written by `_save_cached`; loading it is several times faster than
    building the dictionary with jieba). A file that is not a Dictionary is rebuilt."""
    try:
        with cache.open("rb") as f:
            loaded = pickle.load(f)
    except (OSError, EOFError, ValueError, TypeError, AttributeError, pickle.UnpicklingError):
        return None
    return loaded if isinstance(loaded, Dictionary) and isinstance(loaded.weights, dict) else None


def _save_cached(dictionary: Dictionary, cache: Path) -> None:
    """Best effort: a read-only data directory only costs the next start its speed. Dictionaries cached for
    other word lists or by older versions (`jieba-*.pickle` before the segmenter) are removed: ~9 MB each."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        temp = cache.with_suffix(f".{os.getpid()}.tmp")
        with temp.open("wb") as f:
            pickle.dump(dictionary, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, cache)
        for stale in [*cache.parent.glob("dictionary-*.pickle"), *cache.parent.glob("jieba-*.pickle")]:
            if stale != cache:
                stale.unlink(missing_ok=True)
    except OSError as exc:
        log.info("tokenizer cache not written (%s)", exc)


class Tokenizer:
    """Search-mode jieba (words and their parts: 家庭医生签约服务 → 家庭, 医生, 签约, …).

    The dictionary is loaded on first use and shared by every Tokenizer of the same word lists in a process;
    a Tokenizer pickles as its word lists (a worker process loads the dictionary from the data directory's cache)."""

    def __init__(self, terms_file: Path = DEFAULT_TERMS, synonyms_file: Path = DEFAULT_SYNONYMS, *,
                 cache_dir: Path | None = None) -> None:
        """`cache_dir`: where the loaded dictionary (jieba's and ours) is kept between runs, keyed by the
        signature — loading it is several times faster than building it (the CLI's cold start)."""
        self.files = (terms_file, synonyms_file, cache_dir)   # enough to build the same tokenizer elsewhere
        self.terms = _read_lines(terms_file)
        self.synonyms = [tuple(line.split()) for line in _read_lines(synonyms_file)]
        identity = "\n--\n".join([TOKENIZER_VERSION, "\n".join(self.terms), "\n".join(map(" ".join, self.synonyms)),
                                    " ".join(sorted(WHOLE_WORDS))])
        self.signature = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:12]
        self._memo: dict[str, list[str]] = {}

    def __getstate__(self) -> tuple:
        """The word lists as read (not re-read in a worker: an edit during an ingest must not split it)."""
        return self.files, self.terms, self.synonyms, self.signature

    def __setstate__(self, state: tuple) -> None:
        self.files, self.terms, self.synonyms, self.signature = state
        self._memo = {}

    @property
    def dictionary(self) -> Dictionary:
        loaded = _DICTIONARIES.get(self.signature)
        if loaded is None:
            with _LOADING:
                loaded = _DICTIONARIES.get(self.signature) or self._load()
                while len(_DICTIONARIES) >= KEPT_DICTIONARIES:   # word lists edited in a long-running UI
                    _DICTIONARIES.pop(next(iter(_DICTIONARIES)))
                _DICTIONARIES[self.signature] = loaded
        return loaded

    def _cache_file(self) -> Path | None:
        import jieba

        cache_dir = self.files[2]
        return cache_dir / f"dictionary-{SEGMENT_VERSION}-jieba{jieba.__version__}-{self.signature}.pickle" if cache_dir else None

    def ensure_cached(self) -> None:
        """Build and cache the dictionary here unless the cache file exists: before worker processes start,
        so that they load it instead of each building it."""
        cache = self._cache_file()
        if cache is not None and not cache.exists():
            self.dictionary  # noqa: B018 (loading is the point)

    def _load(self) -> Dictionary:
        cache = self._cache_file()
        if cache is not None and (cached := _load_cached(cache)) is not None:
            return cached
        built = self.build_jieba()
        dictionary = Dictionary.from_jieba(built.FREQ, built.total)
        if cache is not None:
            _save_cached(dictionary, cache)
        return dictionary

    def build_jieba(self):
        """jieba's own tokenizer with our words (what `dictionary` is made from; tests compare the two)."""
        import jieba

        jieba.setLogLevel(logging.WARNING)
        built = jieba.Tokenizer()
        extra = [word for group in self.synonyms for word in group]   # synonyms must be single tokens too
        whole = [f"{w} 2000" for w in sorted(WHOLE_WORDS)]
        built.load_userdict(io.StringIO("\n".join(self.terms + [f"{w} 500" for w in extra if len(w) > 1] + whole)))
        return built

    def tokens(self, text: str) -> list[str]:
        """Search-mode words (a word and the dictionary words inside it: 家庭医生签约服务 → 家庭, 医生, 签约, …,
        except inside WHOLE_WORDS), without stopwords and punctuation; without HMM, the dictionary names the
        domain. What a word yields depends on the word alone, so it is remembered (the vocabulary repeats)."""
        memo = self._memo
        if len(memo) > MEMO_LIMIT:
            memo.clear()
        result: list[str] = []
        for word in self.dictionary.cut(fold_digits(text).lower()):
            found = memo.get(word)
            if found is None:
                found = memo[word] = [w for w in self._search_words(word) if _KEEP.search(w) and w not in STOPWORDS
                                      and not w.isspace()]
            result.extend(found)
        return result

    def words(self, text: str) -> list[str]:
        """Whole dictionary words, without their parts (家庭医生签约 stays one): what a question names."""
        return [w for w in self.dictionary.cut(fold_digits(text).lower()) if _KEEP.search(w) and not w.isspace()]

    def _search_words(self, word: str) -> list[str]:
        if word in WHOLE_WORDS:
            return [word]
        is_word = self.dictionary.is_word
        parts = [gram for n in (2, 3) if len(word) > n for i in range(len(word) - n + 1) if is_word(gram := word[i:i + n])]
        return [*parts, word]

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
