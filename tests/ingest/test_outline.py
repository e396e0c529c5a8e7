import pytest

from ingest.outline import chinese_to_int, heading_title, match_marker, parse_outline


@pytest.mark.parametrize("line, style, number", [
    ("一、2017年以来开展的主要工作", "cn", 1),
    ("十一、其他工作", "cn", 11),
    ("（二）新冠病毒疫苗接种工作。截至9月21日", "paren_cn", 2),
    ("(十一)妇幼保健工作取得明显成效", "paren_cn", 11),
    ("(五）深入推进计生服务工作", "paren_cn", 5),
    ("1.扎实推进医联体建设。", "arabic", 1),
    ("12、加强人才队伍建设", "arabic", 12),
    ("（3）开展上门随访", "paren_arabic", 3),
    ("③完成筛查", "circle", 3),
    ("二是深化对口帮扶，提高医疗水平。", "shi", 2),
])
def test_heading_styles(line, style, number):
    marker = match_marker(line)
    assert (marker.style, marker.number) == (style, number)


@pytest.mark.parametrize("line", [
    "1.5万元用于设备采购。", "2021年9月22日", "72.17%的任务已完成", "十三五以来，在区委区政府的领导下",
    "一是", "今年以来，县卫健局全面贯彻",
])
def test_not_headings(line):
    assert match_marker(line) is None


def test_numbering_artefact_before_real_marker_yields_the_inner_one():
    marker = match_marker("3、 （四）基本公卫服务工作。截至9月中旬")
    assert (marker.style, marker.number, marker.irregular) == ("paren_cn", 4, True)
    assert heading_title(marker) == "（四）基本公卫服务工作"


def test_run_in_title_is_the_first_clause():
    assert heading_title(match_marker("(二)全面加强疫情防控,取得明显成效。一是加强")) == "(二)全面加强疫情防控,取得明显成效"
    assert heading_title(match_marker("1.妇幼健康工作：2021年我区免费婚前医学检查")) == "1.妇幼健康工作"
    assert heading_title(match_marker("一是第一时间全员投入防控作战，措施坚决")) == "一是第一时间全员投入防控作战"


def test_chinese_numerals():
    assert [chinese_to_int(t) for t in ["一", "十", "十一", "二十", "二十三", "一百零五"]] == [1, 10, 11, 20, 23, 105]
    assert chinese_to_int("甲") is None


def test_outline_tree_with_irregular_top_level_part():
    lines = [
        "前言段落。",
        "一、2017年以来开展的主要工作",
        "1.扎实推进医联体建设。转诊17267人次。",
        "二、2021年工作总结",
        "（一）常态化疫情防控工作。采样24876份。",
        "3、 （二）基本公卫服务工作。建档率90%。",
        "4、 未来五年工作谋划",
        "未来五年，卫健委将按照规划推进。",
        "四、2022年工作谋划",
        "2022年继续推进。",
    ]
    sections, warnings = parse_outline(lines)
    paths = {s.path: s for s in sections}
    assert paths[()].paragraphs == ("前言段落。",)
    assert paths[("一、2017年以来开展的主要工作", "1.扎实推进医联体建设")].text == "1.扎实推进医联体建设。转诊17267人次。"
    assert ("二、2021年工作总结", "（二）基本公卫服务工作") in paths
    assert paths[("4、未来五年工作谋划",)].text == "未来五年，卫健委将按照规划推进。"
    assert paths[("四、2022年工作谋划",)].text == "2022年继续推进。"
    assert any("不规范" in w for w in warnings)


def test_no_headings_is_one_flat_section_with_a_warning():
    sections, warnings = parse_outline(["第一段。", "第二段。"])
    assert [s.path for s in sections] == [()]
    assert sections[0].paragraphs == ("第一段。", "第二段。")
    assert warnings and "未识别到标题" in warnings[0]
