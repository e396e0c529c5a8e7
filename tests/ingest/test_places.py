"""Organisation and place names: validated, and cut into the words a question may use."""

import pytest

from ingest.places import body_level, find_organisations, organisation_line, place_keys, title_place


@pytest.mark.parametrize("text, name, place, level", [
    ("浙江省卫生健康委员会", "浙江省卫生健康委员会", "浙江省", "省"),
    ("绍兴市越城区卫健局", "绍兴市越城区卫健局", "绍兴市越城区", "区"),
    ("围绕县卫健委中心工作", "县卫健委", "县", "县"),              # a verb in front is not a place
    ("工作围绕宁远县卫健委部署", "宁远县卫健委", "宁远县", "县"),
    ("在市卫健委指导下", "市卫健委", "市", "市"),
    ("按照省卫生健康委要求", "省卫生健康委", "省", "省"),
    ("新乡市卫健委", "新乡市卫健委", "新乡市", "市"),              # ... but a place may start like one
    ("全椒县卫健委", "全椒县卫健委", "全椒县", "县"),
    ("太原市卫健委", "太原市卫健委", "太原市", "市"),
    ("通渭县卫生和计划生育委员会", "通渭县卫生和计划生育委员会", "通渭县", "县"),
    ("红河哈尼族彝族自治州卫生健康委员会", "红河哈尼族彝族自治州卫生健康委员会", "红河哈尼族彝族自治州", "州"),
    ("xx市xx区卫生健康局", "xx市xx区卫生健康局", "xx市xx区", "区"),
])
def test_organisation_names(text, name, place, level):
    [org] = find_organisations(text)
    assert (org.name, org.place, org.level) == (name, place, level)


@pytest.mark.parametrize("place, keys", [
    ("浙江省", {"浙江省", "浙江"}),
    ("绍兴市越城区", {"绍兴市越城区", "绍兴市", "绍兴", "越城区", "越城"}),
    ("沛县", {"沛县"}),                                            # one character is no name on its own
    ("红河哈尼族彝族自治州", {"红河哈尼族彝族自治州", "红河哈尼族彝族", "红河", "红河州"}),
    ("内蒙古自治区", {"内蒙古自治区", "内蒙古"}),
    ("XX市", set()), ("县", set()), ("", set()),
])
def test_place_keys(place, keys):
    assert place_keys(place) == keys


def test_organisation_line_is_the_whole_line():
    assert organisation_line("八公山区卫健委").name == "八公山区卫健委"
    assert organisation_line("八公山区卫健委组织召开会议") is None and organisation_line("2021年9月22日") is None


@pytest.mark.parametrize("title, place", [
    ("绍兴市2022年卫生健康工作综述", "绍兴市"),
    ("踔厉奋发——2022年宁远市卫生健康工作综述", "宁远市"),
    ("浙江省卫健委2023年工作要点", "浙江省"),
    ("2023年全省卫生健康工作要点", None),                         # 全省 is a level, not a place
    ("关于印发《2023年全省卫生健康工作要点》的通知", None),
    ("材料3", None),
])
def test_title_place(title, place):
    assert title_place(title) == place


def test_body_level_is_the_most_frequent_level_word():
    assert body_level(["全县签约率达到80%，全省第3名。", "我县新建卫生院2所。"]) == "县"
    assert body_level(["工作顺利。"]) is None


@pytest.mark.parametrize("place, province", [
    ("浙江省绍兴市", "浙江"), ("广西壮族自治区", "广西"), ("北京市", "北京"),
    ("海南藏族自治州", None), ("河南蒙古族自治县", None), ("绍兴市", None),    # prefecture names that start like one
])
def test_province_only_from_a_provincial_first_component(place, province):
    from ingest.places import province_named

    assert province_named(place) == province
