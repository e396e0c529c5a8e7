from ingest.split import split_reports


def test_parts_become_separate_reports():
    text = ("第一篇: 卫健局202_年卫生健康工作总结\n　　今年以来，工作顺利。\n　>　一、疫情防控\n　　1.强化防控。内容。\n"
            "第二篇: 卫健局202_年卫生健康工作总结\n　　>一、工作进展情况\n　　（一）医共体建设。内容。\n")
    reports = split_reports(text)
    assert [r.title for r in reports] == ["卫健局202_年卫生健康工作总结"] * 2
    assert reports[0].lines[1] == "一、疫情防控"          # the '>' artefact and U+3000 indent are gone
    assert reports[1].lines[0] == "一、工作进展情况"


def test_table_of_contents_is_dropped_not_indexed():
    text = "\n".join([
        "一、工作完成情况", "(一)加强党建引领", "(二)全面加强疫情防控", "二、存在问题", "三、2023年工作计划",
        "市卫健委2022年度工作总结与 2023年度工作计划", "2022年，市卫健委围绕决策部署开展工作。",
        "一、工作完成情况", "(一)加强党建引领,强化思想政治建设。内容。",
    ])
    [report] = split_reports(text)
    assert report.title == "市卫健委2022年度工作总结与 2023年度工作计划"
    assert report.lines[0].startswith("2022年，")
    assert any("目录" in w for w in report.warnings)


def test_bare_outline_is_flagged():
    [report] = split_reports("一、工作完成情况\n（一）疫苗接种\n二、存在问题\n三、工作计划\n")
    assert any("只有提纲" in w for w in report.warnings)


def test_signoff_lines_are_set_aside():
    [report] = split_reports("2021年工作总结\n一、工作\n内容。\n八公山区卫健委\n2021年9月22日\n")
    assert report.signoff == ("八公山区卫健委", "2021年9月22日")
    assert report.lines == ("一、工作", "内容。")
