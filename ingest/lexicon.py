"""The domain's words, in one place.

Splitting, metadata, the outline parser, query understanding and the answerer all read report language;
they import their word lists from here, so a word added for one is known to all (an organisation suffix
added here is a sign-off line, a body mention, a question's place and an answer's non-content word at once).
Word lists are tuples of plain words; `alternation` turns one into a regular-expression group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def alternation(words: Iterable[str]) -> str:
    """A non-capturing regex group matching any of `words`, longest first (卫生健康委员会 before 卫生健康委)."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) + ")"


# --- numerals and years -----------------------------------------------------------------------------

CN_YEAR_DIGITS = "〇零一二三四五六七八九"                  # 二〇二一年
CN_NUMERALS = "一二三四五六七八九十百零〇两"               # 十一、 （二十）
YEAR = rf"(?:(?:19|20)\d{{2}}|[{CN_YEAR_DIGITS}]{{4}})"   # a written year, without 年
PLACEHOLDER_YEAR = r"(?:20[_＿xX]{2}|[xX]{4}|20\d[_＿xX]|[xX]{1,2})"   # 202_ 20XX xxxx: unknown, never a guess
FIVE_YEAR_PLANS = {"十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}
RELATIVE_YEARS = {"今年": 0, "本年度": 0, "本年": 0, "去年": -1, "上年": -1, "上一年": -1, "前年": -2,
                  "明年": 1, "下一年": 1, "来年": 1}
PERIODS = ("上半年", "下半年", "全年")
TIME_WORDS = frozenset({*PERIODS, *RELATIVE_YEARS, "年度", "半年", "年"})   # metadata, never matched as text

# --- organisations and places -----------------------------------------------------------------------

# What a health commission has been called: 卫生局 (before 2013), 卫生计生委 (2013-2018), 卫健委 (since 2018).
ORG_SUFFIXES = ("卫生健康委员会", "卫生健康委", "卫健委", "卫生健康局", "卫健局", "卫生和计划生育委员会", "卫生和计划生育局",
                "卫生计生委", "卫生计生局", "卫计委", "卫计局")
ORG_SUFFIX = alternation(ORG_SUFFIXES)
PLACE_LEVELS = "省市区县州旗盟"
PLACE_LEVEL_WORDS = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "新区", "林区", "特区")
# Provincial-level names: a question's "浙江" is a place even in a library that spells it 浙江省.
PROVINCES = ("北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
             "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
             "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门")
# Ethnic groups named in autonomous areas: 红河哈尼族彝族自治州 is called 红河 or 红河州.
ETHNIC_GROUPS = ("蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克",
                 "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬",
                 "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克",
                 "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "各族")
# "全省/我市/本县…" in a question: the asker's own level, not a place name.
LEVEL_WORDS = {f"{prefix}{level}": level for prefix in ("全", "我", "本", "该", "那个", "这个") for level in "省市区县州旗"}
# Words that end up in front of an organisation suffix but are not places: "围绕县卫健委", "在市卫健委指导下".
NOT_PLACE_WORDS = ("围绕", "按照", "根据", "依据", "配合", "协调", "协助", "会同", "联合", "组织", "督促", "推动", "指导",
                   "要求", "经过", "通过", "报请", "提请", "接受", "邀请", "牵头", "成立", "召开", "上报", "报送", "参加",
                   "积极", "主动", "并", "在", "由", "对", "向", "经", "和", "与", "及", "同", "被", "将", "把", "为",
                   "等", "以", "从", "全", "各", "我", "本", "该", "原", "新", "年", "度", "的", "省级", "市级", "县级", "区级",
                   "上级")

# --- parts of a report ------------------------------------------------------------------------------

PLAN_WORDS = ("计划", "谋划", "打算", "思路", "要点", "安排", "展望", "下一步", "下步", "目标任务", "工作重点", "重点工作")
PROBLEM_WORDS = ("问题", "不足", "短板", "困难", "差距", "弱项", "薄弱", "瓶颈")
SUGGESTION_WORDS = ("意见", "建议")
ACHIEVEMENT_WORDS = ("总结", "完成情况", "进展", "成效", "开展", "主要工作", "工作情况", "履职", "成绩", "回顾", "综述")
# Words that contain a part word but name something else: 计划生育 is a field of work, 问题隐患 an object of it.
NOT_PLAN_WORDS = ("计划生育", "计划免疫", "免疫规划", "十三五规划", "十四五规划", "十五五规划", "规划建设", "生育计划",
                  "人均预期寿命", "预期寿命")
NOT_PROBLEM_WORDS = ("问题隐患", "隐患问题", "发现问题", "排查问题", "整改问题", "问题整改", "问题线索", "解决问题",
                     "突出问题", "问题清单", "反馈问题", "交办问题", "问题导向", "问题专项", "问题整治")
# A question asks about plans when it uses these (besides the part words): 明年做什么, 将要开展, 力争,
# or 要/将 before a verb ("要新建几个", "将达到多少"; not 主要, 需要, 要求).
PLAN_QUESTION_WORDS = ("明年", "今后", "未来", "将要", "准备", "目标", "力争", "确保", "预期")
# A report speaking of its own year without naming it ("今年以来", "一年来").
THIS_YEAR_WORDS = ("今年", "本年", "一年来")
PLAN_QUESTION_VERB = r"(?<![主需重必只纪摘概简])[要将](?=[新达建实开完提扩组增推创引培启争把全再继力持])"
# A deeper heading that is itself the name of a part ("（九）存在的问题", "（十）2022年工作思路"), as opposed
# to one that merely uses a part word ("（二）资金安排和使用情况", "（六）补短板，强弱项").
_PROBLEM_NOUNS = r"(?:问题|不足|困难|短板|差距|弱项|挑战|薄弱环节)"
PROBLEM_PART_HEADING = (rf"^(?:当前|目前|工作中|工作)?(?:存在|面临)?的?(?:主要)?{_PROBLEM_NOUNS}"
                        rf"(?:[和与及、]{_PROBLEM_NOUNS})*$")
PLAN_PART_HEADING = (rf"^(?:{YEAR}年度?|明年|今后|下半年|下一步|下步|下一阶段)的?(?:主要)?(?:工作)?"
                     r"(?:计划|打算|思路|安排|谋划|重点|要点|展望|目标任务|目标|措施)$"
                     r"|^(?:主要)?工作(?:计划|打算|思路|安排|谋划|要点)$")
# A question about the document itself: its 文号, issuer, dates, author.
DOCUMENT_QUESTION_WORDS = ("文号", "发文", "印发", "成文", "作者", "谁写", "署名", "落款", "索引号", "哪天发布", "什么时候发布",
                           "发布日期", "发布时间", "哪天出的", "什么时候出的", "什么文件", "哪个文件", "发布机构", "哪个单位")
TITLE_WORDS = ("总结", "计划", "报告", "要点", "谋划", "打算", "汇报", "情况", "思路", "述职", "综述", "安排")
PART_TITLE_WORDS = ("总结", "计划", "谋划", "打算", "思路", "问题", "不足", "建议", "要点", "安排", "展望")

# --- shapes of documents ----------------------------------------------------------------------------

TOC_WORDS = ("目录", "目 录", "目　录")
# Fields of a government-portal header block (索引号：… | 发布机构：… | 名称：… | 成文日期：…).
HEADER_FIELDS = ("索引号", "信息索引号", "主题分类", "分类", "发布机构", "发文机关", "发文机构", "公开方式", "名称", "标题",
                 "文号", "发文字号", "成文日期", "发布日期", "公开日期", "生成日期", "有效性", "主题词", "来源", "发布时间")
# Job titles in a byline ("XX市卫生健康局党组书记、局长 张三").
BYLINE_TITLES = ("党组书记", "党委书记", "书记", "局长", "副局长", "主任", "副主任", "党组成员", "党委委员", "一级巡视员",
                 "二级巡视员")


# --- what a question asks for -----------------------------------------------------------------------

# Words of a question that ask rather than name ("是多少", "有哪些", "一共"): never required in an answer.
QUESTION_WORDS = ("多少", "几", "几个", "哪些", "哪个", "什么", "怎么", "怎样", "如何", "情况", "是", "有", "了", "的", "吗",
                  "呢", "请问", "一共", "共", "总共", "累计", "目前", "现在", "现有", "当前", "主要", "具体", "分别", "达到",
                  "多大", "多高", "多长", "实际", "完成", "做", "做了", "搞", "开展", "方面", "工作", "要", "将", "把", "在",
                  "到", "为", "与", "和", "及", "或", "对", "该", "本", "其", "这", "那", "个", "次", "年度", "全年", "今年",
                  "去年", "明年", "一下", "介绍", "说说", "讲讲", "哪", "啥", "谁", "叫", "名字", "要求", "进展", "进度",
                  "怎么样", "如何", "提到", "提高到", "增加到", "提升到", "降到", "降低到", "缩短到", "控制在", "扩大到",
                  "得", "后", "给", "卫生健康", "卫健", "卫生", "健康", "存在", "对比", "相比", "比较", "程度", "什么程度",
                  "截至", "截止", "年底", "月底", "年初", "报告", "分别", "单位", "时候", "那份", "那个", "这个", "哪家")
# "谁 / 叫什么名字": a person is asked for; only a passage naming the role asked about can answer.
WHO_WORDS = ("谁", "名字", "姓名", "哪位")
# A question that wants a figure even without 多少 ("产前筛查率", "2022年投资").
NUMERIC_QUESTION_WORDS = ("多少", "几", "率", "数", "比例", "金额", "剂次", "人次", "投资", "资金", "占比", "规模", "完成", "达到",
                          "提升", "增长", "下降", "面积", "床位", "进展", "成效")
# Nouns naming a measure, not a thing measured ("采样人数", "投资金额"): the figure answers them.
MEASURE_NOUNS = ("剂次", "人次", "人数", "个数", "数量", "总数", "次数", "金额", "比例", "占比", "规模", "总量", "数目", "水平")
# How an answer says the library does not hold the answer (the extractive answerer and the LLM prompt alike).
NOT_FOUND = "资料中未找到"
# "实际完成多少": the question wants what was done, not what was planned.
ACTUAL_WORDS = ("实际", "实际完成", "完成了", "已完成", "做到了")
# The measure a question asks for, by what it says (class -> pattern over the question), and the
# units a figure of that class carries in report text (class -> pattern right after the number).
MEASURE_QUESTIONS = {
    "level": r"水平|等级|几级|多少级",
    "age": r"寿命|多少岁|几岁|年龄",
    "score": r"得分|多少分|几分|评分|分数",
    "duration": r"多少分钟|几分钟|多长时间|多久|几个?小时|多少小时|多少天|几天|时间是多少|时长",
    "date": r"哪天|哪一天|什么时候|何时|日期|几月几[日号]",
    "rate": r"率|比例|占比|百分之|百分比|覆盖面",
    "money": r"多少钱|多少元|多少万元|多少亿|金额|资金|经费|预算|投资|补助标准|补助|费用",
    "dose": r"多少剂|几剂|剂次|几针|多少针",
    "person": r"多少人|几人|几个人|多少名|几名|多少位|几位|人数|多少医生|多少护士|多少博士",
    "count": r"多少个|几个|多少家|几家|多少所|几所|多少支|几支|多少处|几处|多少项|几项|多少张|几张|多少辆|几辆|多少例|几例"
             r"|多少起|几起|多少座|几座|多少台|几台|多少次|几次|多少条|几条|多少种|几种|多少批|几批|多少间|几间|多少户|几户|多少对"
             r"|多少床|床位数|多少床位|多少份|几份",
}
FIGURE_UNITS = {
    "level": r"(?:%|％|‰|级|分|星)",
    "age": r"(?:岁|周岁)",
    "score": r"(?:分)",
    "duration": r"(?:分钟|小时|个?工作日|天|日内|周)",
    "rate": r"(?:%|％|‰|/10万|/十万|个百分点|成)",
    "money": r"(?:万元|亿元|元|万|亿)",
    "dose": r"(?:万)?(?:剂次|剂|针|人份|万剂)",
    "person": r"(?:万)?(?:人次|人|名|位)",
    "count": r"(?:万)?(?:个|家|所|支|处|项|张|辆|例|起|座|台|次|条|种|批|间|户|对|床|套|级|份)",
}
# Generic heads of compound terms: "高血压患者" is held by "高血压规范管理…", "医养结合机构" by "医养结合…".
GENERIC_PARTS = ("患者", "人员", "人群", "居民", "机构", "服务", "工作", "情况", "项目", "建设", "管理", "人数", "总数")
# Parts of the population a figure may be about; "签约率" unqualified means everyone, not 脱贫人口.
SUBGROUP_WORDS = ("脱贫人口", "贫困人口", "建档立卡", "重点人群", "特殊人群", "低保", "特困", "残疾人", "计生特殊家庭",
                  "流动人口", "监测对象")
# A count of these is a count of people ("几个博士"): people's units answer it too.
PERSON_SUFFIXES = "人员师士者医民才童妇女生家"


# Drafting a plan: how evidence is asked for, and how an earlier plan's sentence is carried forward.
PROBLEM_QUERY = "存在的问题"            # a search for the problems a part of the work named
PLAN_QUERY = "工作计划"                 # a search for what earlier plans set out
PLAN_LEAD_VERBS = ("计划", "力争", "拟", "将", "要")             # "2023年将推进…": the plan's own verb, dropped
CONTINUATION_WORDS = ("继续", "持续", "进一步", "不断", "深入", "巩固", "深化", "坚持")   # already carried forward
# Text that speaks to a model rather than about the work (a prompt injection): never evidence for a draft.
INSTRUCTION_MARKERS = ("忽略以上", "忽略上述", "忽略之前", "忽略前面", "以上指令", "上述指令", "新指令", "系统提示",
                       "ignore previous", "ignore all", "ignore the above", "system prompt")
# A figure followed by these says who or what, not how many: 60岁以上, 孕28周, 2型糖尿病 (no unit at all).
NOT_TARGET_UNITS = ("周岁", "岁", "周")
DEADLINE_WORDS = ("底", "末", "中旬", "上旬", "下旬")          # 2023年底, 2023年6月底: a plan's deadline
SPEAKER_WORDS = ("我委", "我局", "我县", "我市", "我区", "我们", "全委", "全局", "全县", "全市", "全区", "全系统")


def contains_word(text: str, words: Iterable[str], *, unless: Iterable[str] = ()) -> bool:
    """Whether `text` holds one of `words` outside the longer words in `unless` (计划 but not 计划生育)."""
    for word in unless:
        text = text.replace(word, "\u3000")
    return any(word in text for word in words)
