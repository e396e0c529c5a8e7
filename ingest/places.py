"""Organisation and place names: read, validated and cut into the keys a question may use.

"浙江省卫生健康委员会" is the organisation of place "浙江省" (level 省); "绍兴市越城区卫健局" of place
"绍兴市越城区" (level 区), reachable from a question by "绍兴市越城区", "越城区", "越城", "绍兴市" or
"绍兴". A name never swallows the words in front of it: "围绕县卫健委" is the (place-less) "县卫健委",
"在市卫健委指导下" is "市卫健委". Anonymised places ("XX市", "xx区") are kept as written but give no keys.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.lexicon import ETHNIC_GROUPS, LEVEL_WORDS, NOT_PLACE_WORDS, ORG_SUFFIX, PLACE_LEVEL_WORDS, PLACE_LEVELS, PROVINCES, alternation

_HANZI = r"[\u4e00-\u9fff]"
_LEVEL = rf"(?:{alternation(PLACE_LEVEL_WORDS)}|[{PLACE_LEVELS}])"
# One place component: a name of 1-4 characters (up to 8 before 自治州/自治县…) and its level, or an
# anonymised name ("XX市", "xx区", "某县").
_COMPONENT = rf"(?:(?:[xX×＊*]{{1,3}}|某|{_HANZI}{{1,8}}?(?={alternation(PLACE_LEVEL_WORDS)})|{_HANZI}{{1,4}}?)?{_LEVEL})"
_ORG = re.compile(rf"((?:{_COMPONENT})*)({ORG_SUFFIX})")
_COMPONENTS = re.compile(_COMPONENT)
_SUFFIX = re.compile(ORG_SUFFIX)
_NOT_PLACE = re.compile(rf"^{alternation(w for w in NOT_PLACE_WORDS if len(w) > 1)}")
_NOT_PLACE_CHARS = "".join(w for w in NOT_PLACE_WORDS if len(w) == 1)
_ETHNIC = re.compile(rf"(?:{alternation(ETHNIC_GROUPS)}族?)+$")
_ANONYMISED = re.compile(r"[xX×＊*]|某")
_LEVEL_WORD = re.compile(alternation(LEVEL_WORDS))
_LEVEL_SUFFIX = re.compile(rf"{_LEVEL}$")


@dataclass(frozen=True, slots=True)
class OrgName:
    name: str                 # "绍兴市越城区卫健局" (or "县卫健委" when no place is written)
    place: str                # "绍兴市越城区"; "县" when the name gives only a level
    level: str | None         # the last place level: 省 / 市 / 区 / 县 / 州 / 旗 / 盟
    written: str = ""         # the text it was read from ("围绕县卫健委")


def clean_place(prefix: str) -> str:
    """The place part of what stands before an organisation suffix, words in front of it dropped.

    "围绕县" → "县", "工作围绕绍兴市" → "绍兴市", "在市" → "市", "全市" → "市", "各县区" → "县区".
    """
    components = _COMPONENTS.findall(prefix)
    if "".join(components) != prefix:
        return ""
    kept: list[str] = []
    for component in reversed(components):
        stripped = _strip_leading_word(component)
        kept.insert(0, stripped)
        if stripped != component:
            break                  # a word that is not a place ends the name
    return "".join(c for c in kept if c)


def _strip_leading_word(component: str) -> str:
    """"围绕县" → "县", "在绍兴市" → "绍兴市"; but "新乡市", "本溪市", "全椒县", "新疆…" keep their first
    character: a one-character word is dropped only when a name of two characters or none remains."""
    while True:
        if component in LEVEL_WORDS:
            return LEVEL_WORDS[component]                  # 全省 → 省
        stripped = _NOT_PLACE.sub("", component)
        if stripped != component:
            component = stripped
            continue
        rest = component[1:]
        if component[:1] in _NOT_PLACE_CHARS and not province_named(component) and (
                rest in LEVEL_WORDS or len(_LEVEL_SUFFIX.sub("", rest)) in (0, 2, 3, 4)):
            component = rest
            continue
        return component


def level_of(place: str) -> str | None:
    if not place:
        return None
    last = place[-1]
    return last if last in PLACE_LEVELS else None


def has_name(place: str) -> bool:
    """A place with a name, not only a level ("市", "县区"); anonymised names ("XX市") count."""
    return any(_LEVEL_SUFFIX.sub("", c) and c[:-1] not in PLACE_LEVELS for c in split_place(place))


def named_place(place: str) -> bool:
    """A place with a real name: not only a level, not anonymised."""
    return has_name(place) and not _ANONYMISED.search(place)


def parse_org(match: re.Match[str]) -> OrgName:
    place = clean_place(match.group(1))
    return OrgName(place + match.group(2), place, level_of(place) or level_of(_level_only(match.group(1))),
                   match.group(0))


def suffix_of(org: OrgName) -> str:
    return org.name[len(org.place):]


def _level_only(prefix: str) -> str:
    return prefix[-1:] if prefix[-1:] in PLACE_LEVELS else ""


def find_organisations(text: str) -> list[OrgName]:
    """Every health-commission name in `text`, validated."""
    if not _SUFFIX.search(text):
        return []                                           # (the full pattern is slow; most lines have no name)
    return [parse_org(m) for m in _ORG.finditer(text)]


def organisation_line(line: str) -> OrgName | None:
    """A line that is an organisation name and nothing else (a sign-off, a header's 发布机构)."""
    m = _ORG.fullmatch(line.strip())
    if not m:
        return None
    org = parse_org(m)
    return org if org.name == line.strip() else None


def split_place(place: str) -> list[str]:
    """"浙江省绍兴市越城区" → ["浙江省", "绍兴市", "越城区"]."""
    return _COMPONENTS.findall(place)


def place_keys(place: str) -> set[str]:
    """The words a question may name this place by: each component with and without its level, when
    at least two characters remain ("沛县" stays "沛县"), and the short name of a province."""
    if not named_place(place):
        return set()
    keys = {place}
    for component in split_place(place):
        name = _LEVEL_SUFFIX.sub("", component)
        if not name:
            continue
        keys.add(component)
        if len(name) >= 2:
            keys.add(name)
        if "自治" in component and (short := _ETHNIC.sub("", name)) != name and len(short) >= 2:
            keys.add(short)                                 # 红河哈尼族彝族自治州 → 红河, 红河州
            if component[-1] in "州县旗":
                keys.add(short + component[-1])
    if province := province_named(place):
        keys.add(province)
    return keys


def province_named(place: str | None) -> str | None:
    """The province a place string starts with: "浙江省绍兴市" → 浙江, "广西壮族自治区" → 广西; not
    "海南藏族自治州" (in 青海) or "河南蒙古族自治县" (in 青海): only a provincial-level first component counts."""
    components = split_place(place) if place else []
    if not components:
        return None
    first = components[0]
    if first in PROVINCES:
        return first
    m = _PROVINCE_COMPONENT.fullmatch(first)
    return m.group(1) if m else None


_PROVINCE_COMPONENT = re.compile(rf"({alternation(PROVINCES)})(?:{alternation(ETHNIC_GROUPS)}族?)*(?:省|市|自治区|特别行政区)")


_TITLE_PLACE = re.compile(rf"((?:{_COMPONENT})+)(?=\d|{_HANZI}|$)")


def title_place(title: str) -> str | None:
    """The first named place a title or file name states ("绍兴市2022年卫生健康工作综述" → "绍兴市")."""
    for m in _ORG.finditer(title):
        org = parse_org(m)
        if named_place(org.place):
            return org.place
    for m in _TITLE_PLACE.finditer(title):
        place = clean_place(m.group(1))
        if named_place(place):
            return place
    for province in PROVINCES:
        if province in title:
            return province
    return None


def province_of(place: str | None, lines) -> tuple[str | None, bool]:
    """(province, stated): the province a place names ("浙江省绍兴市" → 浙江, stated), else the one the
    report's text names most often ("获评甘肃省…" → 甘肃, not stated: a guess to rank by, never to filter)."""
    if named := province_named(place):
        return named, True
    counts = Counter(p for line in lines for p in PROVINCES if p in line)
    return (counts.most_common(1)[0][0], False) if counts else (None, False)


def body_level(lines: list[str] | tuple[str, ...]) -> str | None:
    """The level a report speaks for, by its 全县/我区/本市 words (most frequent); None when it never says."""
    counts = Counter(LEVEL_WORDS[m.group(0)] for line in lines for m in _LEVEL_WORD.finditer(line))
    return counts.most_common(1)[0][0] if counts else None


def level_words_in(text: str) -> list[str]:
    """The 全省/我区… words of a question, as written."""
    return [m.group(0) for m in _LEVEL_WORD.finditer(text)]
