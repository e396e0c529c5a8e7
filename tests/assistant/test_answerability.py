"""A sentence answers only if it holds what was asked: the measured thing, the measure, the scope."""

from types import SimpleNamespace

import pytest

from assistant.answerability import in_scope, judge, read_question
from ingest.model import Chunk, MetaOrigins, Origin, SectionKind, YearSpan
from vectorstore.tokenize import Tokenizer


@pytest.fixture(scope="module")
def tokenizer():
    return Tokenizer()


def _asked(tokenizer, question, not_content=()):
    return read_question(question, synonyms=tokenizer.synonyms_in, words=tokenizer.words, not_content=set(not_content))


def _ok(tokenizer, question, sentence, heading="", not_content=(), before=""):
    return judge(_asked(tokenizer, question, not_content), sentence, heading, tokenizer.tokens, before=before).ok


def test_reading_a_question(tokenizer):
    asked = _asked(tokenizer, "宁远县去年打了多少剂新冠疫苗", not_content={"宁远县"})
    assert [c.words[0] for c in asked.concepts] == ["打了", "新冠疫苗"]
    assert "接种" in asked.concepts[0].words and "新冠病毒疫苗" in asked.concepts[1].words
    assert asked.measures == {"dose"} and asked.head.words[0] == "新冠疫苗"
    assert _asked(tokenizer, "救护车平均急救反应时间是多少分钟").head.words[0] == "反应时间"
    assert _asked(tokenizer, "2023年家庭医生签约率实际完成多少").actual
    assert _asked(tokenizer, "卫健委主任是谁").who


@pytest.mark.parametrize("question, sentence, heading", [
    ("去年打了多少针疫苗", "全年累计接种疫苗12.6万剂次。", ""),                    # colloquial
    ("家医签了几个人", "组建家庭医生团队86个，签约居民12.4万人。", ""),
    ("老年人体检做了多少人", "65岁及以上老年人健康管理2.1万人，管理率70.2%。", ""),
    ("婴儿死亡率", "指标 | 2022年 | 2023年\n婴儿死亡率（‰） | 3.1 | 2.9", ""),           # a table row: unit in its label
    ("流调队伍规模", "组建10支45人专业队伍。", "（二）流调队伍建设"),              # the heading names the thing
    ("在建重点项目总投资", "总投资约23.4亿元。", "", ),
])
def test_answers(tokenizer, question, sentence, heading):
    assert _ok(tokenizer, question, sentence, heading, before="全市在建重点项目7个。")


@pytest.mark.parametrize("question, sentence", [
    ("救护车平均急救反应时间是多少分钟", "全市共有救护车29辆，其中负压救护车7辆。"),           # a count, not a time
    ("全区有多少名护士", "“7个专项行动”考核取得了全省第5名的成绩。"),                      # a ranking, not nurses
    ("顾集镇卫生院建设项目的总投资是多少", "顾集镇卫生院建设项目目前已完成投资4800万元。"),   # completed, not total
    ("新冠疫苗加强针接种率", "适龄儿童免疫规划疫苗接种率保持在98%以上，新冠病毒疫苗累计接种21万剂次。"),
    ("有多少个家庭医生团队", "家庭医生团队共签约居民112.6万人，常住人口签约率34.5%。"),
    ("严重精神障碍患者规范管理率", "高血压患者规范管理率62.8%，糖尿病患者规范管理率60.5%。"),
])
def test_near_misses_are_no_answers(tokenizer, question, sentence):
    assert not _ok(tokenizer, question, sentence)


def _chunk(years: YearSpan, origin: Origin) -> Chunk:
    return Chunk("c", "r", "a.txt", (), "text", 0, SectionKind.ACHIEVEMENTS, years, 10, years_origin=origin)


def test_scope_is_judged_on_sure_metadata_only():
    sure = SimpleNamespace(place="绍兴市", origins=MetaOrigins(place=Origin.SIGNOFF))
    guessed = SimpleNamespace(place="绍兴市", origins=MetaOrigins(place=Origin.BODY))
    chunk = _chunk(YearSpan(2022), Origin.TITLE)
    assert in_scope(chunk, sure, places=frozenset({"绍兴市"}), year=2022, sentence="")
    assert not in_scope(chunk, sure, places=frozenset({"湖南省"}), year=None, sentence="")
    assert in_scope(chunk, guessed, places=frozenset({"湖南省"}), year=None, sentence="")
    assert not in_scope(chunk, sure, places=frozenset(), year=2021, sentence="签约率45%")
    assert in_scope(chunk, sure, places=frozenset(), year=2021, sentence="较2021年提高3个百分点")
    assert not in_scope(_chunk(YearSpan(2022), Origin.INFERRED), sure, places=frozenset(), year=2021, sentence="")
    assert in_scope(_chunk(YearSpan(), Origin.NONE), sure, places=frozenset(), year=2021, sentence="")
    assert in_scope(chunk, sure, places=frozenset(), year=2021, sentence="孕产妇死亡率为0，去年为11.3/10万")
