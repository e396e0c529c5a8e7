import pytest

from vectorstore.query import Gazetteer, QueryError, understand
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
    # intent words inside other words are objects of work, not the part asked about
    ("安全生产检查发现问题隐患多少处", set()), ("整改问题多少个", set()),
    ("2024年要新建几个村卫生室", {"plans"}), ("2023年将新增多少张床位", {"plans"}),
    ("绍兴要求门诊候诊时间缩短到多少", set()), ("主要成效有哪些", set()),
    ("湘卫发〔2023〕3号是什么文件", {"document"}), ("工作要点哪天发布的", {"document"}),
    ("下一步计划什么时候完成", {"plans"}), ("健康教育信息发布了多少条", set()),
])
def test_intent(query, kinds):
    assert set(understand(query).kinds) == kinds


def _gazetteer():
    from ingest.model import YearSpan
    from types import SimpleNamespace as Row

    return Gazetteer.from_reports([
        Row(place="八公山区", organisation="八公山区卫健委", years=YearSpan(2017, 2021)),
        Row(place="XX市", organisation="XX市卫健委", years=YearSpan(2022)),
        Row(place="浙江省", organisation="浙江省卫生健康委员会", years=YearSpan(2023)),
        Row(place="绍兴市", organisation="绍兴市卫生健康委员会", years=YearSpan(2024)),
        Row(place="红河哈尼族彝族自治州", organisation=None, years=YearSpan(2023))])


@pytest.mark.parametrize("query, places, words", [
    ("八公山区医养结合", {"八公山区"}, ("八公山区",)),
    ("八公山医养结合", {"八公山区"}, ("八公山",)),
    ("浙江的签约率", {"浙江省"}, ("浙江",)),
    ("绍兴市和浙江省的托位", {"绍兴市", "浙江省"}, ("绍兴市", "浙江省")),
    ("红河州孕产妇死亡率", {"红河哈尼族彝族自治州"}, ("红河州",)),
    ("XX市卫健委的医养结合", {"XX市"}, ("XX市卫健委",)),      # an anonymised name only when typed in full
    ("市里医养结合", set(), ()),
    ("中山的签约率", set(), ()),                                 # a place the library does not have: just text
])
def test_places_named_in_a_question(query, places, words):
    plan = understand(query, gazetteer=_gazetteer())
    assert set(plan.places) == places and set(plan.place_words) == set(words)


def test_level_words_are_understood_not_places():
    plan = understand("全省孕产妇死亡率", gazetteer=_gazetteer())
    assert plan.level == "省" and not plan.places and "全省" in plan.place_words
    assert understand("我区签约率").level == "区" and understand("全县托位").level == "县"


def test_relative_years_follow_the_named_place_and_only_rank():
    plan = understand("浙江省今年孕产妇死亡率控制在多少", gazetteer=_gazetteer(), newest_year=2024)
    assert plan.year == 2023 and plan.relative_year and plan.year_filter is None
    assert understand("今年签约率", gazetteer=_gazetteer(), newest_year=2024).year == 2024
    assert understand("2022年签约率", newest_year=2024).year_filter == 2022


@pytest.mark.parametrize("query, needle", [("", "请输入"), ("   ", "请输入"), ("。，！？……", "标点"), ("疫" * 5000, "太长")])
def test_bad_queries_are_clear_errors(query, needle):
    with pytest.raises(QueryError, match=needle):
        understand(query)


def test_the_dictionary_cache_gives_the_same_tokens_and_survives_a_bad_file(tmp_path, monkeypatch):
    from vectorstore import tokenize

    text = "全县家庭医生签约服务覆盖率达到72.17%，计划生育特别扶助落实到位"
    reference = tokenize.Tokenizer().tokens(text)             # built, no cache file

    def tokens_loaded_anew() -> list[str]:                    # not this process's copy: the file (or a build)
        monkeypatch.setattr(tokenize, "_DICTIONARIES", {})
        return tokenize.Tokenizer(cache_dir=tmp_path).tokens(text)

    (tmp_path / "jieba-0.42.1-0123456789ab.pickle").write_bytes(b"an older version's cache")
    assert tokens_loaded_anew() == reference                  # builds, then writes the cache (and drops the old one)
    [cache] = list(tmp_path.iterdir())
    assert tokens_loaded_anew() == reference                  # loads it
    cache.write_bytes(b"not a pickle")
    assert tokens_loaded_anew() == reference                  # a bad file: built again
