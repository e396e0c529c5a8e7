"""Expectations for each of the four shared real reports (../shared/corpus)."""

from pathlib import Path

import pytest

from ingest.chunking import TokenBudget, protected_spans
from ingest.model import DocType, Period, SectionKind, YearSpan
from ingest.pipeline import ingest_file
from ingest.tokens import ConservativeCounter


def _ingest(corpus: Path, name: str, max_tokens: int = 350):
    return ingest_file(next(corpus.glob(f"{name}_*.txt")), TokenBudget(max_tokens, ConservativeCounter()))


def _chunk_with(result, text):
    return next(c for c in result.chunks if text in c.text)


def test_000_multi_year_summary_with_plans(corpus):
    result = _ingest(corpus, "000")
    [report] = result.reports
    meta = report.meta
    assert meta.title == "2017年以来工作总结和未来五年工作谋划"
    assert (meta.years, meta.plan_years) == (YearSpan(2017, 2021), YearSpan(2022, 2026))
    assert (meta.period, meta.doc_type) == (Period.MULTI_YEAR, DocType.SUMMARY_AND_PLAN)
    assert (meta.organisation, meta.date) == ("八公山区卫健委", "2021-09-22")

    vaccine = _chunk_with(result, "已接种201187剂")
    assert vaccine.section_path == ("二、2021年工作总结", "（二）新冠病毒疫苗接种工作")
    assert (vaccine.year, vaccine.kind) == (2021, SectionKind.ACHIEVEMENTS)

    public_health = _chunk_with(result, "居民健康电子档")
    assert public_health.section_path == ("二、2021年工作总结", "（四）基本公卫服务工作")   # "3、 （四）…"

    five_years = _chunk_with(result, "未来五年，卫健委将按照全区")
    assert five_years.section_path == ("4、未来五年工作谋划",)                          # "4、 未来五年…"
    assert (five_years.kind, five_years.years) == (SectionKind.PLANS, YearSpan(2022, 2026))

    next_year = _chunk_with(result, "毫不松懈抓好常态化疫情防控工作")
    assert next_year.section_path == ("四、2022年工作谋划",)
    assert (next_year.kind, next_year.year) == (SectionKind.PLANS, 2022)

    since_2017 = _chunk_with(result, "转诊17267人次")
    assert since_2017.section_path == ("一、2017年以来开展的主要工作", "1.扎实推进医联体建设")
    assert since_2017.years == YearSpan(2017, 2021)

    assert not any("八公山区卫健委" == c.text or "2021年9月22日" == c.text for c in result.chunks)


def test_001_table_of_contents_is_not_indexed(corpus):
    result = _ingest(corpus, "001")
    [report] = result.reports
    assert report.meta.title == "市卫健委2022年度工作总结与 2023年度工作计划"
    assert (report.meta.years, report.meta.plan_years) == (YearSpan(2022), YearSpan(2023))
    assert report.meta.organisation == "XX市卫健委"
    assert any("目录" in w for w in result.warnings)
    # the TOC lists (九)…(十一) and 三、2023年工作计划, which the truncated body never reaches
    assert not any("(十一)妇幼保健" in " ".join(c.section_path) for c in result.chunks)
    assert not any(c.text.strip() == "(一)加强党建引领" for c in result.chunks)
    projects = _chunk_with(result, "总投资约23.45亿元")
    assert projects.section_path == ("一、工作完成情况", "(三)加强卫健领域项目建设工作,取得新进展")
    assert projects.year == 2022


def test_002_three_reports_with_unknown_years(corpus):
    result = _ingest(corpus, "002")
    assert len(result.reports) == 3
    assert all(r.meta.title == "卫健局202_年卫生健康工作总结" for r in result.reports)
    assert all(not r.meta.years.known and not r.meta.plan_years.known for r in result.reports)
    assert all(c.year is None for c in result.chunks)
    first, second, third = result.reports
    assert [s.path[0] for s in first.sections if s.path][:1] == ["一、疫情防控工作开展情况"]
    assert any(s.path == ("三、存在的问题", "1.医疗人才队伍建设亟须加强") and s.kind is SectionKind.PROBLEMS
               for s in first.sections)
    assert any(s.path[:1] == ("四、202_年卫健工作打算",) and s.kind is SectionKind.PLANS for s in first.sections)
    assert any(s.path == ("二、工作思路", "（三）全面推进县域医共体建设") and s.kind is SectionKind.PLANS
               for s in third.sections)
    assert third.meta.organisation == "xx区卫健局"
    assert {c.report_id for c in result.chunks} == {r.id for r in result.reports}


def test_004_untitled_report_takes_its_year_from_the_opening(corpus):
    result = _ingest(corpus, "004")
    [report] = result.reports
    assert report.meta.title is None
    assert report.meta.years == YearSpan(2021)
    assert report.meta.organisation == "xx市xx区卫生健康局"
    assert {s.path[0] for s in report.sections if s.path} >= {"一、履职尽责", "四、工作效率", "五、廉政建设"}


@pytest.mark.parametrize("max_tokens", [40, 120, 350])
def test_figures_are_never_split_in_any_shared_report(corpus, max_tokens):
    for path in sorted(corpus.glob("*.txt")):
        result = ingest_file(path, TokenBudget(max_tokens, ConservativeCounter()))
        by_report = {r.id: r for r in result.reports}
        for report in result.reports:
            chunks = [c for c in result.chunks if c.report_id == report.id]
            for section in report.sections:
                text = section.text
                pieces = [c.text for c in chunks
                          if c.section_path == section.path and c.outline_only == section.outline_only]
                assert "".join(pieces).replace("\n", "") == text.replace("\n", ""), (path.name, section.path)
                for start, end in protected_spans(text):
                    figure = text[start:end]
                    assert any(figure in piece for piece in pieces), (path.name, figure)
        assert set(by_report) == {c.report_id for c in result.chunks}


def test_reingesting_gives_identical_ids(corpus):
    first = _ingest(corpus, "000")
    second = _ingest(corpus, "000")
    assert [c.id for c in first.chunks] == [c.id for c in second.chunks]
    assert len({c.id for c in first.chunks}) == len(first.chunks)
