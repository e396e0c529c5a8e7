"""The plan outline as data: the standard catalogue, a user's file, selection and clear errors."""

import pytest

from prompts.outline import OutlineError, load_outline, numbered, ordinal_item, parse_outline

ISSUE_CATALOGUE = ["党建引领", "疫情防控与传染病防控", "深化医改", "基本公共卫生", "家庭医生签约", "妇幼健康", "老龄健康与医养结合",
                   "中医药", "项目建设", "人才队伍", "爱国卫生与卫生创建", "卫生监督与安全生产", "信息化", "计生服务"]


def test_the_standard_outline_has_the_skeleton_and_the_catalogue():
    outline = load_outline()
    assert [p.heading for p in outline.parts] == ["总体要求", "重点工作", "保障措施"]
    labels = [s.label for s in outline.sections()]
    assert set(ISSUE_CATALOGUE) <= set(labels)
    assert all(s.terms and s.action for s in outline.sections())
    assert outline.parts[0].kinds == ("plan",) and outline.sections()[1].kinds == ("achievement", "problem", "plan")


def test_selection_keeps_outline_order_and_drops_empty_parts():
    outline = load_outline().select(["信息化", "party"])
    assert [p.heading for p in outline.parts] == ["重点工作"]
    assert [c.id for c in outline.parts[0].children] == ["party", "digital"]


def test_literal_numbering():
    assert numbered(1, 3, "保障措施") == "三、保障措施"
    assert numbered(2, 12, "信息化") == "（十二）信息化" and numbered(2, 20, "x") == "（二十）x"
    assert ordinal_item(2) == "二是"


@pytest.mark.parametrize("text, message", [
    ("[[part]\nheading = 1", "不是有效的 TOML"),
    ('title = "x"', "至少要有一个"),
    ('[[part]]\nid = "a"\nheading = "甲"\n[[part]]\nid = "a"\nheading = "乙"', "重复的 id：a"),
    ('[[part]]\nheading = "甲"\nevidence = ["rumour"]', "evidence 只能是"),
    ('[[part]]\nheading = ""', "每节要有 heading"),
])
def test_bad_outline_files_name_the_file_and_the_fix(text, message):
    with pytest.raises(OutlineError, match=message) as info:
        parse_outline(text, "我的提纲.toml")
    assert "我的提纲.toml" in str(info.value)


def test_a_missing_file(tmp_path):
    with pytest.raises(OutlineError, match="找不到提纲文件"):
        load_outline(tmp_path / "none.toml")


@pytest.mark.parametrize("text, field", [
    ('title = "{org}计划"\n[[part]]\nheading = "甲"', "title"),
    ('title = "{year:%d}"\n[[part]]\nheading = "甲"', "title"),
    ('[phrases]\nconsolidate = "{years}"\n[[part]]\nheading = "甲"', "consolidate"),
])
def test_a_mistyped_placeholder_is_an_error_when_the_file_is_read(text, field):
    with pytest.raises(OutlineError, match=f"{field} 的写法有误.*可用的占位符"):
        parse_outline(text, "我的提纲.toml")
