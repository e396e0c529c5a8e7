import pytest

from vectorstore.query import QueryError, understand
from vectorstore.tokenize import Tokenizer


@pytest.fixture(scope="module")
def tokenizer():
    return Tokenizer()


def test_dictionary_terms_stay_whole(tokenizer):
    tokens = tokenizer.tokens("推进家庭医生签约服务和两癌筛查，医共体建设")
    assert {"家庭医生签约服务", "两癌筛查", "医共体"} <= set(tokens)
    assert "和" not in tokens and "，" not in tokens


@pytest.mark.parametrize("query, expected", [
    ("家医签约率", "家庭医生签约服务"),
    ("第三针打了多少", "第三剂次"),
    ("打疫苗的人数", "疫苗接种"),
    ("婚检率", "婚前医学检查"),
    ("两癌检查", "宫颈癌筛查"),
])
def test_synonyms_expand_queries(tokenizer, query, expected):
    own, expansions = tokenizer.query_tokens(query)
    assert expected in expansions and expected not in own


def test_editing_the_dictionary_changes_the_signature(tmp_path, tokenizer):
    terms = tmp_path / "terms.txt"
    terms.write_text("家庭医生签约 100 n\n新名词 10 n\n", encoding="utf-8")
    synonyms = tmp_path / "syn.txt"
    synonyms.write_text("甲 乙\n", encoding="utf-8")
    assert Tokenizer(terms, synonyms).signature != tokenizer.signature


@pytest.mark.parametrize("query, years", [
    ("2021 年疫苗接种剂次", (2021,)), ("2021年疫苗接种剂次", (2021,)), ("二〇二一年婚检率", (2021,)),
    ("2021年和2022年对比", (2021, 2022)), ("已接种201187剂", ()), ("完成率72.17%", ()),
])
def test_years_in_questions(query, years):
    assert understand(query).years == years


def test_relative_years_resolve_against_the_newest_report():
    plan = understand("去年的签约率", newest_year=2024)
    assert plan.year == 2023 and "2024" in plan.notes[0]
    assert understand("明年计划", newest_year=2024).year == 2025
    assert understand("今年的签约率").year is None          # nothing to resolve against: say so
    assert understand("今年的签约率").notes


@pytest.mark.parametrize("query, kinds", [
    ("2022年工作计划", {"plans"}), ("下一步打算", {"plans"}), ("存在哪些短板", {"problems"}),
    ("计划生育家庭特别扶助对象", set()), ("免疫规划接种剂次", set()), ("婚检率", set()),
])
def test_intent(query, kinds):
    assert set(understand(query).kinds) == kinds


def test_organisation_named_by_its_place():
    assert understand("八公山区医养结合", organisations=["八公山区卫健委", "XX市卫健委"]).organisation == "八公山区卫健委"
    assert understand("市里医养结合", organisations=["XX市卫健委"]).organisation is None


@pytest.mark.parametrize("query, needle", [("", "请输入"), ("   ", "请输入"), ("。，！？……", "标点"), ("疫" * 5000, "太长")])
def test_bad_queries_are_clear_errors(query, needle):
    with pytest.raises(QueryError, match=needle):
        understand(query)
