"""Whole-pipeline behaviour on report shapes beyond the shared corpus."""

from ingest.model import DocType, SectionKind, YearSpan
from ingest.pipeline import ingest_file, ingest_text
from tests.ingest.fixtures import build_numbered_docx


def test_docx_headings_from_word_numbering_become_heading_paths(tmp_path, budget):
    result = ingest_file(build_numbered_docx(tmp_path / "清河.docx"), budget)
    [report] = result.reports
    assert report.meta.title == "清河县卫健委2023年工作总结和2024年工作计划"
    assert (report.meta.years, report.meta.plan_years) == (YearSpan(2023), YearSpan(2024))
    vaccine = next(c for c in result.chunks if "201187剂" in c.text)
    assert vaccine.section_path == ("一、2023年工作完成情况", "（一）疫苗接种工作")
    plan = next(c for c in result.chunks if "签约率达到80%" in c.text)
    assert plan.section_path == ("三、2024年工作计划", "（一）巩固签约成果")
    assert (plan.kind, plan.year) == (SectionKind.PLANS, 2024)
    assert any("79.8%" in c.text for c in result.chunks)          # the table is indexed too


def test_untitled_report_whose_first_section_opens_with_the_year(budget):
    text = ("根据市政府办公厅《关于认真做好2023年度绩效考评工作的通知》要求，梳理如下。\n一、总体情况\n"
            "2023年，市卫生健康委全面完成各项任务，46项市级绩效任务全部完成。\n二、主要做法\n（一）强化履职。内容。\n")
    [report] = ingest_text(text, budget, source="bj.txt").reports
    assert report.meta.years == YearSpan(2023)
    assert report.meta.organisation == "市卫生健康委"


def test_key_points_document_is_about_its_plan_year(budget):
    text = ("2023年全省卫生健康工作要点\n一、总体要求\n坚持以人民健康为中心。\n二、主要任务\n"
            "（一）实施全民健康促进行动。\n1.主要目标指标。\n人均预期寿命达82.4岁，重点人群签约覆盖率达85%以上。\n")
    result = ingest_text(text, budget, source="zj.txt")
    [report] = result.reports
    assert (report.meta.doc_type, report.meta.years) == (DocType.KEY_POINTS, YearSpan(2023))
    target = next(c for c in result.chunks if "82.4岁" in c.text)
    assert target.section_path == ("二、主要任务", "（一）实施全民健康促进行动", "1.主要目标指标")
    assert (target.kind, target.year) == (SectionKind.PLANS, 2023)


def test_chunk_context_carries_the_heading_path(budget):
    result = ingest_text("2022年工作总结\n一、工作完成情况\n（一）疫苗接种。已接种186420剂。\n", budget, source="a.txt")
    chunk = result.chunks[0]
    assert chunk.text == "（一）疫苗接种。已接种186420剂。"
    assert chunk.context == "一、工作完成情况 > （一）疫苗接种\n（一）疫苗接种。已接种186420剂。"
