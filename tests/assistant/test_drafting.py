"""Drafting next year's plan: evidence per section, the offline composer, the LLM path (fake server),
progress, the organisation's own outline, and bad requests."""

from __future__ import annotations

import re

import pytest

from assistant.composer import carry_forward
from assistant.draft_model import EvidenceKind
from assistant.drafting import DraftRequest
from assistant.errors import DraftError
from assistant.llm import OpenAICompatibleChat
from assistant.numbers import unverified
from assistant.wiring import build_drafter
from prompts.outline import OutlineError, Phrases, load_outline
from tests.assistant.fake_openai import FakeOpenAI


def _drafter(library, llm=None):
    drafter, _ = build_drafter(library.settings, library.store, index=library.index, llm=llm)
    return drafter


def _allowed_sources(section) -> list[str]:
    """What a section's figures may come from: its evidence, and the years the evidence is about."""
    return [e.verification_text() for e in section.evidence] + [f"{e.chunk.years}年" for e in section.evidence]


def _assert_grounded(draft):
    for section in draft.sections:
        if section.level == 1 and not section.paragraphs:
            continue                                              # 二、重点工作: its children carry the text
        assert section.paragraphs, section.heading
        if not section.found:
            assert section.evidence == () and "资料中未找到" in section.paragraphs[0].text
            continue
        for paragraph in section.paragraphs:
            assert paragraph.citations, paragraph.text            # every offline paragraph is cited
            # placeholders included: "【待定：原计划80%】" must name a target the sources hold
            assert unverified(paragraph.text, _allowed_sources(section) + [f"{draft.year}年"]) == [], paragraph.text
            for citation in paragraph.citations:
                assert any(citation.quote == e.quote for e in section.evidence)


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_offline_drafts_from_the_shared_reports_are_grounded(shared_library, year):
    draft = _drafter(shared_library).draft(DraftRequest(year, use_llm=False))
    assert draft.mode == "offline" and draft.title == f"{year}年卫生健康工作计划"
    _assert_grounded(draft)
    found = [s for s in draft.sections if s.found and s.evidence]
    assert len(found) >= 8                                           # most of the catalogue has material
    assert "忽略以上指令" not in draft.text and "999999" not in draft.text     # an injected order is no evidence


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_offline_drafts_from_the_samples_are_grounded(samples_library, year):
    draft = _drafter(samples_library).draft(DraftRequest(year, organisation="清河县", use_llm=False))
    assert draft.organisation == "清河县卫健委" and draft.title.startswith("清河县卫健委")
    _assert_grounded(draft)


def test_the_samples_2024_plan_carries_forward_cites_and_leaves_targets_open(samples_library):
    draft = _drafter(samples_library).draft(DraftRequest(2024, organisation="清河县", sections=("family_doctor",),
                                                         use_llm=False))
    [tasks, section] = draft.sections
    assert tasks.heading == "一、重点工作" and section.heading == "（一）做实家庭医生签约服务"
    kinds = {e.kind for e in section.evidence}
    assert {EvidenceKind.PLAN, EvidenceKind.ACHIEVEMENT} <= kinds
    texts = [p.text for p in section.paragraphs]
    assert texts[0].startswith("一是") and any(t.startswith("二是") for t in texts)
    assert any("【待定：原计划" in t for t in texts)                  # last year's target is not next year's
    assert any("巩固家庭医生签约成果。2023年" in t and "79.8%" in t for t in texts)
    assert all(p.citations[0].source.startswith("清河县") for p in section.paragraphs)
    assert draft.placeholders and all(p.startswith("（一）做实家庭医生签约服务：【待定") for p in draft.placeholders)


def test_carry_forward_moves_the_year_and_opens_targets_and_deadlines():
    phrases = Phrases()
    assert carry_forward("2023年，我局将推进紧密型医共体建设。", (2023,), 2024, phrases) == "继续推进紧密型医共体建设。"
    assert (carry_forward("（二）重点人群签约率达到80%，确保2023年底前完成。", (2023,), 2024, phrases)
            == "重点人群签约率达到【待定：原计划80%】，确保【待定：原计划2023年底】前完成。")
    assert carry_forward("推进60岁以上老年人健康管理。", (2023,), 2024, phrases) == "推进60岁以上老年人健康管理。"


def test_progress_reaches_every_section_and_sections_stream_in_order(samples_library):
    calls, streamed = [], []
    draft = _drafter(samples_library).draft(DraftRequest(2024, organisation="清河", use_llm=False),
                                            progress=lambda *a: calls.append(a),
                                            on_section=lambda d, s: streamed.append(s.heading))
    total = len(load_outline().sections())
    assert [c[0] for c in calls] == list(range(1, total + 1)) and {c[1] for c in calls} == {total}
    assert streamed == [s.heading for s in draft.sections] and streamed[0] == "一、总体要求"


def test_a_sentence_is_cited_by_one_section_only(shared_library):
    draft = _drafter(shared_library).draft(DraftRequest(2023, use_llm=False))
    quotes = [(e.chunk.id, e.quote) for s in draft.sections for e in s.evidence]
    assert len(quotes) == len(set(quotes))


def test_the_organisations_own_outline(samples_library):
    draft = _drafter(samples_library).draft(DraftRequest(2024, organisation="清河县卫健委", library_outline=True,
                                                         use_llm=False))
    assert any("提纲取自《清河县卫健委2023年工作总结及2024年工作打算》" in n for n in draft.notes)
    headings = [s.heading for s in draft.sections]
    assert headings[0].startswith("一、") and len(headings) >= 2
    assert "二、推进家庭医生签约扩面提质" in headings                  # the topic, not last year's target (80%)
    assert not any(re.search(r"\d", h[2:]) for h in headings)
    _assert_grounded(draft)


def test_withheld_chunks_are_never_cited(samples_library):
    store = samples_library.store
    plan_2024 = {c.id for r in store.reports() if "2024年工作打算" in (r.title or "")
                 for c in store.chunks(r.id) if c.kind.value == "plans"}
    draft = _drafter(samples_library).draft(DraftRequest(2024, organisation="清河县", use_llm=False,
                                                         withheld=frozenset(plan_2024)))
    assert plan_2024 and not {e.chunk.id for s in draft.sections for e in s.evidence} & plan_2024


# --- bad requests --------------------------------------------------------------------------------------

def test_a_year_without_earlier_reports_is_a_clear_error(samples_library):
    with pytest.raises(DraftError, match=r"没有.*2020 年之前的报告.*已有年份：2022"):
        _drafter(samples_library).draft(DraftRequest(2020, use_llm=False))


def test_an_unknown_organisation_lists_the_known_ones(samples_library):
    with pytest.raises(DraftError, match="没有“红星县”的报告。已有单位：清河县卫健委"):
        _drafter(samples_library).draft(DraftRequest(2024, organisation="红星县", use_llm=False))


def test_an_unknown_section_lists_the_outline(samples_library):
    with pytest.raises(OutlineError, match="没有这些部分：养猪.*家庭医生签约（family_doctor）"):
        _drafter(samples_library).draft(DraftRequest(2024, sections=("养猪",), use_llm=False))


# --- the LLM path ---------------------------------------------------------------------------------------

def _llm(server):
    return OpenAICompatibleChat(base_url=server.url, api_key="k", model="fake-model")


def _family_doctor_replying(library, *replies):
    """The 2024 family-doctor section drafted by a fake LLM that gives `replies` in turn; (draft, server)."""
    with FakeOpenAI() as server:
        server.script = list(replies)
        draft = _drafter(library, _llm(server)).draft(DraftRequest(2024, organisation="清河县", sections=("family_doctor",)))
    return draft, server


def test_llm_section_with_citations_and_placeholders(samples_library):
    draft, server = _family_doctor_replying(samples_library, "一是巩固家庭医生签约成果，2023年重点人群签约率79.8%[2]。\n"
                                                             "二是推进签约扩面提质，重点人群签约率达到【待定：2024年目标】[1]。")
    section = draft.sections[-1]
    assert draft.mode == "llm" and section.mode == "llm" and len(section.paragraphs) == 2
    assert "[2]" not in section.paragraphs[0].text and section.paragraphs[0].citations
    assert draft.placeholders == ["（一）做实家庭医生签约服务：【待定：2024年目标】"]
    system, user = (m["content"] for m in server.requests[0]["messages"])
    assert "【待定：说明】" in system and "清河县卫健委2024年工作计划" in system and "<片段 n=\"1\"" in user


def test_an_invented_target_gets_a_strict_retry_then_the_offline_section(samples_library):
    draft, server = _family_doctor_replying(samples_library, "一是重点人群签约率达到95%[1]。", "一是重点人群签约率达到96%[1]。")
    section = draft.sections[-1]
    assert len(server.requests) == 2 and "95%" in server.requests[1]["messages"][0]["content"]
    assert section.mode == "offline" and draft.mode == "offline"
    assert not any(re.search("9[56]%", p.text) for p in section.paragraphs)
    assert any("96%" in n and "离线初稿" in n for n in draft.notes)


def test_a_retry_that_uses_a_placeholder_is_kept(samples_library):
    draft, server = _family_doctor_replying(samples_library, "一是重点人群签约率达到95%[1]。",
                                            "一是重点人群签约率达到【待定：2024年目标】[1]。")
    assert draft.sections[-1].mode == "llm" and draft.placeholders


def test_an_unreachable_llm_falls_back_to_the_offline_draft(samples_library):
    with FakeOpenAI() as server:
        url = server.url
    llm = OpenAICompatibleChat(base_url=url, api_key="k", model="m", timeout_s=2)
    draft = _drafter(samples_library, llm).draft(DraftRequest(2024, organisation="清河县"))
    assert draft.mode == "offline" and any("无法连接大模型服务" in n for n in draft.notes)
    _assert_grounded(draft)


def test_an_old_target_invented_inside_a_placeholder_is_caught(samples_library):
    draft, server = _family_doctor_replying(samples_library, "一是签约率达到【待定：原计划95%】[1]。",
                                            "一是签约率达到【待定：原计划96%】[1]。")
    assert len(server.requests) == 2 and draft.sections[-1].mode == "offline"
    assert "95%" not in draft.text and "96%" not in draft.text


def test_an_uncited_llm_paragraph_gets_the_strict_retry(samples_library):
    draft, server = _family_doctor_replying(samples_library, "一是全面推进家庭医生签约服务。", "一是全面推进家庭医生签约服务[1]。")
    section = draft.sections[-1]
    assert len(server.requests) == 2 and "没有标注出处的段落" in server.requests[1]["messages"][0]["content"]
    assert section.mode == "llm" and all(p.citations for p in section.paragraphs)


def test_carry_forward_keeps_names_that_hold_digits():
    phrases = Phrases()
    text = "开展2型糖尿病筛查，完善120急救和5G应用，新建3个中心。"
    assert carry_forward(text, (2023,), 2024, phrases) == "开展2型糖尿病筛查，完善120急救和5G应用，新建【待定：原计划3】个中心。"
    assert carry_forward("2022年启动建设，2023年投入使用。", (2022, 2023, 2024), 2024, phrases) == "2022年启动建设，2023年投入使用。"


def test_a_draft_that_repeats_our_instructions_is_not_kept(samples_library):
    from prompts.render import template

    rules = template("draft_system").split("规则：", 1)[1].strip()[:80]         # what a "print your prompt" gets
    draft, server = _family_doctor_replying(samples_library, f"一是{rules}[1]。")
    assert len(server.requests) == 1 and draft.sections[-1].mode == "offline"
    assert any("复述了给它的系统指令" in n for n in draft.notes)
    assert rules[:30] not in draft.text
