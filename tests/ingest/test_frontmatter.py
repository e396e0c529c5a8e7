"""The shapes reports arrive in: portal pages, issuing notices, signed articles, two-line titles,
and tables of contents that outlive their body. Invented text in those shapes."""

from ingest.frontmatter import issued_titles, read_portal_header
from ingest.model import DocType, Origin, SectionKind, YearSpan
from ingest.pipeline import CARD_PATH, ingest_text

PORTAL = """首页 > 政务公开 > 规划计划
索引号：000123-2023-00008 | 发布机构：某某省卫生健康委员会 | 主题分类：卫生
名称：关于印发《2023年全省卫生健康工作要点》的通知 | 文号：某卫发〔2023〕7号 | 成文日期：2023-02-08 | 发布日期：2023-02-13
【字体：大 中 小】【打印本页】【关闭窗口】
关于印发《2023年全省卫生健康工作要点》的通知
各市卫生健康委，委机关各处室：
现将《2023年全省卫生健康工作要点》印发给你们，请结合实际认真贯彻落实。
某某省卫生健康委员会
2023年2月8日
2023年全省卫生健康工作要点
主要预期目标：全省孕产妇死亡率控制在8.5/10万以下，婴儿死亡率控制在3.9‰以下。
一、深化医改
（一）推进分级诊疗。新建县域医疗次中心24个。
"""


def test_portal_page_notice_and_key_points(budget):
    result = ingest_text(PORTAL, budget, source="要点.txt")
    [report] = result.reports
    meta = report.meta
    assert meta.title == "2023年全省卫生健康工作要点" and meta.origins.title is Origin.NOTICE
    assert (meta.doc_type, meta.years, meta.plan_years) == (DocType.KEY_POINTS, YearSpan(2023), YearSpan(2023))
    assert meta.origins.years.sure
    assert (meta.organisation, meta.origins.organisation) == ("某某省卫生健康委员会", Origin.HEADER)
    assert (meta.place, meta.level, meta.date) == ("某某省", "省", "2023-02-08")
    content = [c for c in result.chunks if c.section_path != CARD_PATH]
    text = "\n".join(c.text for c in content)
    assert "索引号" not in text and "印发给你们" not in text and "打印本页" not in text and "首页" not in text
    target = next(c for c in content if "24个" in c.text)
    assert (target.kind, target.year, target.years_sure) == (SectionKind.PLANS, 2023, True)
    [card] = [c for c in result.chunks if c.section_path == CARD_PATH]
    assert "文号：某卫发〔2023〕7号" in card.text and "发布日期：2023-02-13" in card.text
    assert card.kind is SectionKind.DOCUMENT


def test_header_with_one_field_per_line():
    lines = ["索引号：", "000123/2023-00012", "发布机构：", "某某省卫生健康委员会", "名称：",
             "关于印发2023年全省卫生健康工作要点的通知", "成文日期：2023年02月10日", "2023年全省卫生健康工作要点", "一、总体要求"]
    fields, rest = read_portal_header(lines)
    assert dict(fields)["发布机构"] == "某某省卫生健康委员会" and dict(fields)["成文日期"] == "2023年02月10日"
    assert rest == ["2023年全省卫生健康工作要点", "一、总体要求"]


def test_a_notice_issuing_two_documents_gives_two_reports(budget):
    text = ("关于印发《2022年工作总结》和《2023年工作计划》的通知\n各乡镇卫生院：\n现将《2022年工作总结》和《2023年工作计划》印发给你们。\n"
            "宁远县卫生健康局\n2023年1月5日\n2022年工作总结\n一、疫苗接种\n全年接种疫苗10321剂。\n"
            "2023年工作计划\n一、疫苗接种\n全年接种疫苗12000剂。\n")
    first, second = ingest_text(text, budget, source="通知.txt").reports
    assert (first.meta.title, first.meta.doc_type, first.meta.years) == ("2022年工作总结", DocType.SUMMARY, YearSpan(2022))
    assert (second.meta.title, second.meta.doc_type, second.meta.years) == ("2023年工作计划", DocType.PLAN, YearSpan(2023))
    assert first.meta.organisation == second.meta.organisation == "宁远县卫生健康局"
    assert issued_titles("关于印发2024年卫生健康工作要点的通知") == ["2024年卫生健康工作要点"]


def test_signed_article_without_headings(budget):
    text = ("守护健康 砥砺前行\n——2022年宁远市卫生健康工作综述\n宁远市卫生健康局党组书记、局长 李某某\n"
            "2022年，全市卫生健康系统攻坚克难。全市人均预期寿命达到79.6岁。\n"
            "医疗服务提质增效。新建村卫生室35个，家庭医生签约率达到46.2%。\n")
    result = ingest_text(text, budget, source="综述.txt")
    [report] = result.reports
    assert report.meta.title == "守护健康 砥砺前行——2022年宁远市卫生健康工作综述"
    assert (report.meta.organisation, report.meta.origins.organisation) == ("宁远市卫生健康局", Origin.BYLINE)
    assert (report.meta.years, report.meta.place) == (YearSpan(2022), "宁远市")
    body = [c for c in result.chunks if c.section_path != CARD_PATH]
    assert not any("李某某" in c.text for c in body) and any("46.2%" in c.text for c in body)
    assert any("局长 李某某" in c.text for c in result.chunks if c.section_path == CARD_PATH)


def test_title_set_over_two_lines(budget):
    text = "宁远县卫生健康局\n2023年工作总结及2024年工作计划\n一、2023年工作\n新建卫生院1所。\n二、2024年工作计划\n新建卫生院2所。\n"
    [report] = ingest_text(text, budget, source="a.txt").reports
    assert report.meta.title == "宁远县卫生健康局2023年工作总结及2024年工作计划"
    assert (report.meta.years, report.meta.plan_years) == (YearSpan(2023), YearSpan(2024))


def test_table_of_contents_entries_the_body_never_reaches_stay_searchable(budget):
    text = ("宁远县卫生健康局2023年工作总结及2024年工作计划\n目  录\n一、2023年工作开展情况 ………… 1\n（一）医疗改革 ………… 1\n"
            "（二）公共卫生 ………… 2\n（三）中医药发展 ………… 3\n二、存在问题 ………… 4\n三、2024年工作计划 ………… 5\n"
            "（一）新建县域医疗次中心3处 ………… 5\n（二）创建省级中医药示范县 ………… 5\n"
            "一、2023年工作开展情况\n（一）医疗改革。全县医共体实现全覆盖。\n（二）公共卫生。家庭医生签约率达到45.1%。\n")
    result = ingest_text(text, budget, source="toc.txt")
    outline = [c for c in result.chunks if c.outline_only]
    by_part = {c.section_path: c for c in outline}
    plan = by_part[("三、2024年工作计划",)]
    assert "新建县域医疗次中心3处" in plan.text and "创建省级中医药示范县" in plan.text
    assert (plan.kind, plan.year) == (SectionKind.PLANS, 2024)
    assert "（三）中医药发展" in by_part[("一、2023年工作开展情况",)].text
    assert "存在问题" in by_part[("二、存在问题",)].text
    assert not any("（一）医疗改革" in c.text for c in outline)          # the body has it: no duplicate
    body = next(c for c in result.chunks if "45.1%" in c.text)
    assert body.section_path == ("一、2023年工作开展情况", "（二）公共卫生") and not body.outline_only
    assert any("目录" in w for w in result.warnings)


def test_a_table_of_contents_without_its_word_is_found_where_the_body_starts_over(budget):
    text = ("宁远县2023年工作总结\n一、医疗改革\n二、公共卫生\n三、存在问题\n"
            "一、医疗改革\n全县医共体实现全覆盖。\n二、公共卫生\n家庭医生签约率达到45.1%。\n三、存在问题\n人才短缺。\n")
    result = ingest_text(text, budget, source="toc2.txt")
    assert not any(c.outline_only for c in result.chunks)
    assert next(c for c in result.chunks if "45.1%" in c.text).section_path == ("二、公共卫生",)


def test_chrome_is_taken_only_from_the_edges_and_a_cover_report_keeps_its_body(budget):
    text = ("一、工作\n群众扫一扫二维码即可预约挂号，全年服务10万人次。\n【典型经验】\n建立家医团队12个。\n")
    assert "扫一扫" in ingest_text(text, budget, source="a.txt").chunks[0].text
    cover = "关于报送2023年卫生健康工作总结的报告\n一、工作\n全年接种疫苗1万剂。\n宁远县卫生健康局\n2023年12月20日\n"
    assert any("1万剂" in c.text for c in ingest_text(cover, budget, source="b.txt").chunks)


def test_an_empty_last_header_field_does_not_take_the_title():
    fields, rest = read_portal_header(["索引号：123 | 发布机构：宁远县卫生健康局 | 主题词：", "宁远县2022年卫生健康工作总结", "一、工作"])
    assert dict(fields)["主题词"] == "" and rest[0] == "宁远县2022年卫生健康工作总结"
