from decimal import Decimal

import pytest

from assistant.numbers import figures, unverified


@pytest.mark.parametrize("text, kind, value", [
    ("完成率72.17%", "%", Decimal("72.17")), ("下降-1.53‰", "‰", Decimal("-1.53")), ("已接种201187剂", "plain", 201187),
    ("共201,187剂", "plain", 201187), ("２０１８７人", "plain", 20187), ("提升至3.44万管", "plain", 34400),
    ("总投资约23.45亿元", "plain", Decimal("2345000000")), ("完成率１００．８％", "%", Decimal("100.8")),
])
def test_figures_are_normalised(text, kind, value):
    [figure] = figures(text)
    assert (figure.kind, figure.value) == (kind, Decimal(value))


def test_dates_and_citations():
    assert [f.text for f in figures("截至9月21日，已接种201187剂[1]。")] == ["9", "21", "201187"]


@pytest.mark.parametrize("answer, missing", [
    ("截至9月21日，已接种201187剂[1]。", []),
    ("已接种201188剂。", ["201188"]),                      # altered
    ("婚检率87%。", ["87%"]),                              # 87.8% would be a different figure
    ("2022年已接种201187剂。", ["2022"]),                   # 2021 becoming 2022
    ("核酸检测能力提升至34400管。", []),                     # 3.44万 in the source
    ("完成率72.17％。", []),                               # full-width
    ("出生率下降1.53‰。", []),                              # sign dropped after 下降
])
def test_unverified_figures(answer, missing):
    sources = ["截至9月21日，我区到库疫苗224750剂，已接种201187剂。", "2021年婚检率90.72%，筛查率87.8%。",
               "检测能力由原6480管提升至3.44万管。", "任务完成率72.17%。", "出生率-1.53‰。"]
    assert unverified(answer, sources) == missing
