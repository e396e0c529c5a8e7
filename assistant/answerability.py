"""Whether a passage answers a question: it must hold what was asked, not merely share words with it.

A question is read once into what it asks (`Asked`): its concepts (each with the synonyms a report may
use instead: 打了 ↔ 接种, 家医 ↔ 家庭医生), the last of them (the thing measured, "救护车…反应时间"), the
measures it wants (a rate, a count of people, of doses, of things, money, a duration, a date), and
whether it wants what was actually done (实际完成). A sentence answers when
- its words, with its heading path and report title, cover the question's concepts;
- for a question asking for a figure or a person, the measured thing is in the sentence (or its heading)
  and a figure of the asked measure stands in the clause that names it, or in the two after;
- and its report is of the place and year the question names (when the report's place and year are sure).
Place, level, time and question words are never required: they choose reports, they are not content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.lexicon import (
    ACTUAL_WORDS, DOCUMENT_QUESTION_WORDS, FIGURE_UNITS, GENERIC_PARTS, MEASURE_NOUNS, MEASURE_QUESTIONS, PERSON_SUFFIXES,
    ORG_SUFFIXES, PLAN_QUESTION_WORDS, PLAN_WORDS, PROBLEM_WORDS, QUESTION_WORDS, RELATIVE_YEARS, SUBGROUP_WORDS,
    TIME_WORDS,
    TITLE_WORDS, WHO_WORDS, alternation,
)
from ingest.dates import DATE_MENTION
from ingest.model import Chunk

MIN_COVERAGE = 0.6          # share of the question's concepts (by weight) the passage must hold
HEAD_COVERAGE = 0.7         # the measured thing itself: 总投资 is not answered by 完成投资
CLAUSE_COVERAGE = 0.5       # ... and the clause that names it, where its figure stands
_MEASURES = {name: re.compile(pattern) for name, pattern in MEASURE_QUESTIONS.items()}
_UNITS = {name: re.compile(rf"\d(?:[\d.,，]*\d)?(?:\s*[万亿千])?\s*{pattern}") for name, pattern in FIGURE_UNITS.items()}
_LABEL_UNITS = {name: re.compile(rf"[（(]\s*{pattern}\s*[）)]") for name, pattern in FIGURE_UNITS.items()}  # 婴儿死亡率（‰）
_CLAUSES = re.compile(r"[^，,；;。！？!?]+")
_FILLER = frozenset(QUESTION_WORDS) | TIME_WORDS | frozenset(PLAN_WORDS) | frozenset(PROBLEM_WORDS) \
    | frozenset(DOCUMENT_QUESTION_WORDS) | frozenset(PLAN_QUESTION_WORDS) | frozenset(TITLE_WORDS) | frozenset(ORG_SUFFIXES)
_MEASURE_NOUN = re.compile(alternation(MEASURE_NOUNS))
_MEASURE_SUFFIX = re.compile(alternation((*MEASURE_NOUNS, "多少", "几")) + "$")    # 采样人数 → 采样
_UNIT_WORD = re.compile(f"^(?:{'|'.join(FIGURE_UNITS.values())})$")
_ASKING = re.compile(r"^(?:多少|几|哪)[\u4e00-\u9fff]{0,2}$")     # 几名, 多少家, 哪天: the question, not a thing


@dataclass(frozen=True, slots=True)
class Concept:
    words: tuple[str, ...]          # the question's word first, then the synonyms a report may use instead
    weight: float
    glue: str = ""                  # characters the dictionary left alone in front of it (总 in 总 + 投资)
    left: str = ""                  # the word before the glue (特惠 in 特惠 + 保 + 理赔)

    def covered(self, text: str, parts) -> float:
        """How much of the concept `text` holds (0..1). Glue counts where the text puts it: in front of
        this word (总投资, not 完成投资: 2/3) or behind the word before (特惠保…理赔: all of it)."""
        core = self.core(text, parts)
        if not self.glue:
            return core
        mine = next((n for n in range(len(self.glue), 0, -1) if self.glue[-n:] + self.words[0] in text), 0)
        theirs = next((n for n in range(len(self.glue) - mine, 0, -1)
                       if self.left and self.left + self.glue[:n] in text), 0)
        word = len(self.words[0])
        return (core * word + mine + theirs) / (word + len(self.glue))

    def core(self, text: str, parts, *, strict: bool = True) -> float:
        """1.0 when the word or a synonym is in `text`; else the largest share of one of them that its
        dictionary parts in `text` account for (宫颈癌筛查 over "宫颈癌和乳腺癌免费筛查": 1.0), squared
        when `strict` so that a generic part counts little (加强 of 加强针: 0.44; 剂次 of 第三剂次: 0.25)."""
        if any(word in text for word in self.words):
            return 1.0
        share = max(_share_by_parts(word, text, parts) for word in self.words)
        return share * share if strict else share


def _share_by_parts(word: str, text: str, parts) -> float:
    """The share of `word`'s characters covered by its dictionary parts found in `text`; a generic head
    (患者, 机构, 服务) is taken as given once a specific part is there."""
    seen = [False] * len(word)
    generic = [False] * len(word)
    for piece in parts(word):
        if len(piece) > 1 and piece != word:
            start = word.find(piece)
            if piece in GENERIC_PARTS:
                generic[start:start + len(piece)] = [True] * len(piece)
            elif piece in text:
                seen[start:start + len(piece)] = [True] * len(piece)
    if not any(seen):
        return 0.0
    return sum(s or g for s, g in zip(seen, generic)) / len(word)


@dataclass(frozen=True, slots=True)
class Asked:
    """What a question asks for, read once."""

    concepts: tuple[Concept, ...]
    measures: frozenset[str]        # "rate" | "person" | "dose" | "count" | "money" | "duration" | "date"
    actual: bool                    # 实际完成: what was done, never a plan
    who: bool = False               # 是谁 / 叫什么名字
    measure_word: str | None = None  # the question's own word for its measure ("人数"), accepted before any figure
    several: bool = False           # two questions in one ("什么时候投用，开放多少床位"): figures anywhere

    @property
    def head(self) -> Concept | None:
        """The thing measured: the last concept the question names."""
        return self.concepts[-1] if self.concepts else None

    @property
    def pointed(self) -> bool:
        """Asks for a figure or a person: the measured thing must then be in the answering sentence."""
        return bool(self.measures) or self.who

    def coverage(self, text: str, parts) -> float:
        total = sum(c.weight for c in self.concepts)
        return sum(c.weight * c.covered(text, parts) for c in self.concepts) / total if total else 1.0


def read_question(question: str, *, synonyms, words, not_content: set[str]) -> Asked:
    """`synonyms(text)`: the synonym groups `text` names, as (member, group); `words(text)`: accurate-mode
    words; `not_content`: the question's place, level and year words."""
    text = question.lower()
    for word in sorted(not_content, key=len, reverse=True):
        text = text.replace(word.lower(), " ")
    concepts: list[tuple[int, Concept]] = []
    for word, group in sorted(synonyms(text), key=lambda found: -len(found[0])):   # 老龄化 before 老龄
        word = word.lower()
        if word in text and word not in _FILLER:
            weight = max(_weight(w) for w in group)           # a curated group names a salient concept
            concepts.append((text.index(word), Concept((word, *[w for w in group if w != word]), weight)))
            text = text.replace(word, " " * len(word))
    for position, left, glue, word in _content_words(text, words):
        word = _MEASURE_SUFFIX.sub("", word)
        if len(word) >= 3 and word.endswith("数"):
            word = word[:-1]                                # 床位数: the count of 床位
        if (len(word) >= 2 or (word and not left and not glue)) and word not in _FILLER and not word.isdigit() \
                and word not in not_content:
            concepts.append((position, Concept((word,), _weight(word), glue, left)))
    concepts.sort(key=lambda item: item[0])
    measures = frozenset(name for name, pattern in _MEASURES.items() if pattern.search(question))
    measure_word = next((m.group(0) for m in [_MEASURE_NOUN.search(question)] if m), None)
    return Asked(tuple(c for _, c in concepts), measures, any(w in question for w in ACTUAL_WORDS),
                 any(w in question for w in WHO_WORDS), measure_word,
                 several=len(measures) > 1 or bool(re.search(r"[，,；;、]", question.strip("？?。")))
                 or any(w in ("和", "及", "以及", "与") for w in words(question)))    # 和 as a word, not in 普及率


def _content_words(text: str, words) -> list[tuple[int, str, str, str]]:
    """(position, previous word, glue, word): a name the dictionary lacks comes out as 顾 + 集镇 or
    特惠 + 保 + 理赔; its single characters are kept as glue for the report text to place. The
    classifier after 多少 / 几 / 哪 (多少支, 几个, 哪天) belongs to the question, not to the next word."""
    out: list[tuple[int, str, str, str]] = []
    glue, left, cursor, asking = "", "", 0, False
    for word in words(text):
        start = text.find(word, cursor)
        if text[cursor:start]:
            glue, left = "", ""                             # a gap (a removed synonym, punctuation) ends a name
        cursor = start + len(word)
        if len(word) == 1 and "\u4e00" <= word <= "\u9fff" and word not in _FILLER:
            if not asking:
                glue += word
            asking = False
            continue
        if asking and _UNIT_WORD.match(word):
            asking = False
            continue                                        # 多少分钟, 几万元: the measure's unit
        asking = word in ("多少", "几", "哪") or bool(_ASKING.match(word))
        if asking or word in _FILLER or not word.strip():
            glue, left = "", ""
            continue
        out.append((start, left, glue, word))
        glue, left = "", word
    if glue:                                                # 多少张床: a one-character thing at the end
        out.append((len(text), left, "", glue))
    return out


def _weight(word: str) -> float:
    return float(min(len(word), 4))


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    coverage: float
    reason: str = ""


def judge(asked: Asked, sentence: str, heading: str, parts, *, before: str = "", title: str = "") -> Verdict:
    """Whether `sentence` holds what was asked. Its heading path and report title may name the subject;
    for a figure, so may the sentence `before` it ("在建重点项目7个…。总投资约23.45亿元") — but the
    measured thing must be in the sentence or its heading, and the figure in the sentence."""
    sentence, heading, before, title = sentence.lower(), heading.lower(), before.lower(), title.lower()
    context = f"{title}\n{heading}\n{before if asked.pointed else ''}\n{sentence}"
    coverage = asked.coverage(context, parts)
    if coverage < MIN_COVERAGE:
        return Verdict(False, coverage, "不含所问的事项")
    missing = next((c for c in asked.concepts if c.weight >= 3 and c.covered(context, parts) < 0.5), None)
    if missing is not None:                         # 加强针接种率 is not answered by 免疫规划疫苗接种率
        return Verdict(False, coverage, f"没有提到“{missing.words[0]}”")
    head = asked.head
    if asked.pointed and head is not None and head.covered(f"{heading}\n{sentence}", parts) < HEAD_COVERAGE:
        return Verdict(False, coverage, f"没有提到“{head.words[0]}”")
    if asked.measures and not _holds_measure(asked, sentence, parts):
        return Verdict(False, coverage, "没有所问的数字")
    return Verdict(True, coverage)


def _holds_measure(asked: Asked, sentence: str, parts) -> bool:
    """A figure of an asked measure in the clause naming the measured thing or the two after it (or
    anywhere in the sentence when only its heading names the thing)."""
    patterns = [DATE_MENTION if m == "date" else _UNITS[m] for m in sorted(asked.measures)]
    head = asked.head
    if head is not None and "count" in asked.measures and head.words[0][-1] in PERSON_SUFFIXES:
        patterns.append(_UNITS["person"])                   # 几个博士: 48名
    if sentence.count("|") >= 2:                     # a table row: its unit stands in the label ("婴儿死亡率（‰）")
        row = sentence.splitlines()[-1]
        labels = [_LABEL_UNITS[m] for m in asked.measures if m in _LABEL_UNITS]
        if re.search(r"\d", row) and (any(p.search(row) for p in patterns) or any(u.search(row) for u in labels)):
            return True
    clauses = _CLAUSES.findall(sentence)
    if head is None or asked.several or head.covered(sentence, parts) < HEAD_COVERAGE:
        return any(p.search(sentence) for p in patterns)
    for i, clause in enumerate(clauses):
        if head.core(clause, parts, strict=False) >= CLAUSE_COVERAGE:
            if any(p.search(c) for c in clauses[i:i + 3] for p in patterns):
                return True
            if asked.measure_word and asked.measure_word in clause and re.search(r"\d", clause):
                return True                            # "采样人数24876份": the question's own measure word
    return False


def about_a_subgroup(asked: Asked, sentence: str, question: str, parts) -> bool:
    """Whether the figure the sentence gives for the measured thing is a subgroup's ("脱贫人口家庭医生签约率
    100%") that the question did not name: a weaker answer than the figure for everyone."""
    head = asked.head
    if head is None:
        return False
    for clause in _CLAUSES.findall(sentence):
        if head.core(clause, parts, strict=False) >= CLAUSE_COVERAGE and re.search(r"\d", clause):
            return any(w in clause and w not in question for w in SUBGROUP_WORDS)
    return False


def in_scope(chunk: Chunk, report, *, places: frozenset[str], year: int | None, sentence: str) -> bool:
    """The passage is of the place and year the question names. A place is judged only when the report's
    place is sure; a year whenever the passage's year is known (an inferred 2024 is still no answer to
    "2020年…"), unless the sentence itself states the asked year."""
    origins = getattr(report, "origins", None)
    if places and origins is not None and origins.place.sure and report.place and report.place not in places:
        return False
    if year is not None and chunk.years.known and year not in chunk.years.years and not names_year(sentence, year, chunk):
        return False
    return True


def names_year(sentence: str, year: int, chunk: Chunk) -> bool:
    """The sentence names `year`: outright, or relative to its passage's year (a 2020 report's 去年 is 2019)."""
    if str(year) in sentence:
        return True
    return chunk.year is not None and any(word in sentence and chunk.year + offset == year
                                          for word, offset in RELATIVE_YEARS.items())
