import pytest

from ingest.dates import iso_date, parse_year
from ingest.metadata import (
    doc_type, organisation, period, report_date, report_meta, section_kind, title_years, years_in,
)
from ingest.model import DocType, Frontmatter, Origin, Period, RawReport, SectionKind, YearSpan


@pytest.mark.parametrize("text, anchor, expected", [
    ("二、2021年工作总结", None, YearSpan(2021)),
    ("2021 年疫苗接种", None, YearSpan(2021)),
    ("二〇二一年工作要点", None, YearSpan(2021)),
    ("一、2017年以来开展的主要工作", 2021, YearSpan(2017, 2021)),
    ("2021-2025年规划", None, YearSpan(2021, 2025)),
    ("4、未来五年工作谋划", 2021, YearSpan(2022, 2026)),
    ("明年工作打算", 2023, YearSpan(2024)),
    ("四、202_年卫健工作打算", 2021, YearSpan()),
    ("20XX年工作总结", None, YearSpan()),
    ("xxxx年全市卫生健康工作", None, YearSpan()),
    ("（一）常态化疫情防控工作", 2021, YearSpan()),
])
def test_years_in_headings(text, anchor, expected):
    assert years_in(text, anchor=anchor) == expected


def test_year_tokens():
    assert parse_year("2021") == 2021 and parse_year("二〇二一") == 2021 and parse_year("二零二三") == 2023


@pytest.mark.parametrize("title, summary, plan", [
    ("市卫健委2022年度工作总结与 2023年度工作计划", YearSpan(2022), YearSpan(2023)),
    ("2021年工作总结及2022年工作打算", YearSpan(2021), YearSpan(2022)),
    ("2017年以来工作总结和未来五年工作谋划", YearSpan(2017, 2021), YearSpan(2022, 2026)),
    ("卫健局202_年卫生健康工作总结", YearSpan(), YearSpan()),
    ("2024年卫生健康工作要点", YearSpan(), YearSpan(2024)),
])
def test_title_years(title, summary, plan):
    assert title_years(title, anchor=2021) == (summary, plan)


@pytest.mark.parametrize("title, expected", [
    ("2022年工作总结", DocType.SUMMARY), ("2023年工作计划", DocType.PLAN), ("2024年工作要点", DocType.KEY_POINTS),
    ("2022年度工作总结与2023年度工作计划", DocType.SUMMARY_AND_PLAN),
])
def test_doc_type_from_title(title, expected):
    assert doc_type(title, set()) is expected


def test_a_summary_with_a_plan_part_is_summary_and_plan():
    assert doc_type("202_年工作总结", {SectionKind.ACHIEVEMENTS, SectionKind.PLANS}) is DocType.SUMMARY_AND_PLAN


@pytest.mark.parametrize("title, expected", [
    ("2024年上半年工作总结", Period.FIRST_HALF), ("2023年下半年工作计划", Period.SECOND_HALF),
    ("2017年以来工作总结", Period.MULTI_YEAR), ("2022年工作总结", Period.FULL_YEAR),
])
def test_period(title, expected):
    assert period(title, YearSpan()) is expected


@pytest.mark.parametrize("path, expected", [
    (("三、存在问题", "1.人才短缺"), SectionKind.PROBLEMS),
    (("四、2022年工作谋划",), SectionKind.PLANS),
    (("二、工作思路", "（一）继续落实疫情防控"), SectionKind.PLANS),
    (("一、2021年工作总结", "（一）常态化疫情防控工作"), SectionKind.ACHIEVEMENTS),
    (("五、对区政府自身建设的意见建议",), SectionKind.OTHER),
    # deeper headings do not decide: "补短板" here names work done, not a problem
    (("四、工作效率", "（六）补短板，强弱项，服务能力有效提升"), SectionKind.ACHIEVEMENTS),
    (("二、项目实施情况", "（二）资金安排和使用情况"), SectionKind.ACHIEVEMENTS),
    # ... unless the deeper heading is nothing but the name of a part
    (("一、2021年工作总结", "（九）存在的问题"), SectionKind.PROBLEMS),
    (("一、2021年工作总结", "（十）2022年工作思路"), SectionKind.PLANS),
    # a part word inside another word names a field of work
    (("三、计划生育工作",), SectionKind.ACHIEVEMENTS),
])
def test_section_kind(path, expected):
    assert section_kind(path, SectionKind.ACHIEVEMENTS) is expected


def _org(title, body, signoff=(), **front):
    org, origin = organisation(RawReport(0, title, tuple(body), tuple(signoff), front=Frontmatter(**front)))
    return (org.name if org else None), origin


def test_organisation_and_where_it_was_read():
    assert _org("2021年工作总结", ["在市卫健委指导下。"], ("八公山区卫健委", "2021年9月22日")) == ("八公山区卫健委", Origin.SIGNOFF)
    body = ["围绕决策部署和阜阳市卫健委《任务清单》。XX市卫健委党组围绕党建。", "制定《XX市卫健委健康口腔行动方案》。"]
    assert _org("市卫健委2022年度工作总结", body) == ("XX市卫健委", Origin.BODY)
    assert _org(None, ["按照省卫健委要求，县卫健局全面贯彻。"]) == ("县卫健局", Origin.BODY)
    assert _org(None, ["全年工作顺利。"]) == (None, Origin.BODY)
    assert _org("通渭县卫生和计划生育委员会2016年工作总结", []) == ("通渭县卫生和计划生育委员会", Origin.TITLE)
    assert _org(None, [], byline="宁远市卫生健康局党组书记、局长 王某") == ("宁远市卫生健康局", Origin.BYLINE)
    assert _org("x", [], (), issuer="某某省卫生健康委员会", fields=(("发布机构", "某某省卫生健康委员会"),)) == \
        ("某某省卫生健康委员会", Origin.HEADER)


def test_a_verb_is_never_part_of_an_organisation_name():
    assert _org(None, ["工作围绕宁远县卫健委中心工作，全年顺利。", "围绕宁远县卫健委部署推进。"]) == ("宁远县卫健委", Origin.BODY)
    name, _ = _org(None, ["围绕县卫健委中心工作，全年顺利。"])
    assert name is None or "围绕" not in name


def test_a_placeless_organisation_takes_the_place_its_title_states():
    raw = RawReport(0, "宁远市2022年卫生健康工作综述", ("全年工作顺利。",), ("市卫生健康局",))
    meta = report_meta(raw, [])
    assert (meta.organisation, meta.place, meta.level) == ("宁远市卫生健康局", "宁远市", "市")
    assert meta.origins.organisation is Origin.SIGNOFF and meta.origins.place is Origin.TITLE


def test_years_record_their_origin_and_unsure_ones_are_marked():
    titled = report_meta(RawReport(0, "2022年工作总结", ("全年顺利。",)), [])
    assert titled.years == YearSpan(2022) and titled.origins.years is Origin.TITLE and titled.origins.years.sure
    opening = report_meta(RawReport(0, None, ("2021年，全区卫生健康系统扎实工作。",)), [])
    assert opening.years == YearSpan(2021) and opening.origins.years is Origin.OPENING and not opening.origins.years.sure
    named = report_meta(RawReport(0, None, ("全年顺利。",)), [], file_name="宁远县2019年工作总结.txt")
    assert named.years == YearSpan(2019) and named.origins.years is Origin.FILENAME
    dated = report_meta(RawReport(0, "县卫生健康局工作总结", ("今年以来，全县工作顺利。",), ("2020年12月16日",)), [])
    assert dated.years == YearSpan(2020) and dated.origins.years is Origin.INFERRED
    placeholder = report_meta(RawReport(0, "卫健局202_年工作总结", ("今年以来工作顺利。",)), [])
    assert not placeholder.years.known


def test_report_date():
    assert report_date(("八公山区卫健委", "2021年9月22日"), None) == "2021-09-22"
    assert report_date(("二〇二三年十二月二十日",), None) == "2023-12-20"
    assert report_date((), "工作总结") is None


def test_dates_in_every_written_form():
    assert iso_date("成文日期：2023-02-10") == "2023-02-10" and iso_date("2023.2.8") == "2023-02-08"
    assert iso_date("二〇二三年十二月二十日") == "2023-12-20" and iso_date("2023年13月1日") is None
