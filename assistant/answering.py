"""Use case: answer a question with citations and verified figures.

The chain (LangChain LCEL when an LLM answers; the same steps called in turn otherwise): understand +
retrieve → assemble numbered passages within a token budget → answer (LLM when configured, else
extractive) → verify every figure against the cited passages.
An unverified figure in an LLM answer gets one stricter retry, then the extractive answer; LLM failures
(401, timeout, refused connection) give one Chinese note and the extractive answer.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from collections.abc import Callable, Collection
from typing import Any

from assistant.answer_model import Answer, Citation
from assistant.evidence import without_orders
from assistant.extractive import extractive_answer
from assistant.llm import ChatModel, LLMUnavailable
from assistant.numbers import unverified
from ingest.lexicon import NOT_FOUND
from ingest.chunking import TokenBudget
from prompts.render import Passage, answer_messages, condense_messages, echoes_instructions
from vectorstore.retrieval import HybridRetriever, SearchResult

log = logging.getLogger(__name__)

_CITED = re.compile(r"\[(\d+)\]")
_FOLLOW_UP = re.compile(r"^(那|那么|还有|另外|其中|再问|同期|同年)|[呢吗][？?]?$")
Tokens = Callable[[str], None]


@dataclass(slots=True)
class Turn:
    question: str            # as asked
    effective: str           # as searched (follow-ups merged with what they follow)
    answer: str
    year: int | None


@dataclass(slots=True)
class Conversation:
    turns: list[Turn] = field(default_factory=list)

    @property
    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None

    def history(self) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        for turn in self.turns:
            pairs += [("user", turn.question), ("assistant", turn.answer)]
        return pairs


@dataclass(slots=True)
class AskState:
    """What flows through the answer chain, step by step."""

    question: str
    conversation: Conversation | None
    use_llm: bool
    year: int | None
    on_token: Tokens | None
    exclude: Collection[str] = ()
    notes: list[str] = field(default_factory=list)
    effective: str = ""                         # the question as searched (follow-ups merged)
    focus: str | None = None                    # a follow-up's own words
    result: SearchResult | None = None
    reports: dict = field(default_factory=dict)
    passages: list = field(default_factory=list)   # (hit, report row), within the token budget
    llm_answer: Answer | None = None

    @property
    def searched(self) -> SearchResult:
        """The search result (the chain's first step sets it)."""
        assert self.result is not None, "the chain searches before it answers"
        return self.result


def is_follow_up(question: str, conversation: Conversation | None) -> bool:
    return bool(conversation and conversation.last and (_FOLLOW_UP.search(question.strip()) or len(question.strip()) <= 6))


class Answerer:
    def __init__(self, retriever: HybridRetriever, *, llm: ChatModel | None = None, context_budget: TokenBudget,
                 k: int = 5) -> None:
        self.retriever = retriever
        self.llm = llm
        self.budget = context_budget
        self.k = k
        self._chain: Any = None                  # built on the first LLM question (importing LCEL costs ~1 s)

    def ask(self, question: str, *, conversation: Conversation | None = None, use_llm: bool = True,
            year: int | None = None, on_token: Tokens | None = None, exclude: Collection[str] = ()) -> Answer:
        """`exclude`: chunk ids never to use (a question kept to one organisation or document)."""
        shown: list[str] = []

        def show(token: str) -> None:
            shown.append(token)
            if on_token is not None:
                on_token(token)

        state = AskState(question, conversation, use_llm and self.llm is not None, year, show if on_token else None,
                         exclude)
        answer: Answer = self._run(state)
        if shown:       # the tokens on screen are the answer, or a draft the caller must mark void
            kept = answer.mode == "llm" and answer.text == "".join(shown).strip()
            answer.streamed = "kept" if kept else "void"
        if conversation is not None:
            conversation.turns.append(Turn(question, state.effective, answer.text, state.searched.plan.year))
        return answer

    # --- the chain ---------------------------------------------------------------------------------

    def _run(self, state: AskState) -> Answer:
        """The steps, as an LCEL chain when the LLM answers (streaming, callbacks); called in turn for an
        extractive answer, so that a question without an LLM does not pay LangChain's import."""
        if not state.use_llm:
            return self._verify(self._answer(self._assemble_context(self._understand_and_retrieve(state))))
        if self._chain is None:
            self._chain = self._build_chain()
        return self._chain.invoke(state)

    def _build_chain(self):
        from langchain_core.runnables import RunnableLambda

        return (RunnableLambda(self._understand_and_retrieve) | RunnableLambda(self._assemble_context)
                | RunnableLambda(self._answer) | RunnableLambda(self._verify))

    def _understand_and_retrieve(self, state: AskState) -> AskState:
        question, conversation = state.question, state.conversation
        effective, focus, year = question, None, state.year
        previous = conversation.last if conversation else None
        if conversation is not None and previous is not None and is_follow_up(question, conversation):
            focus = re.sub(r"^(那么|那|还有|另外|其中|再问)|[呢吗？?。]+$", "", question.strip())
            effective = self._condense(conversation, question) if state.use_llm else f"{previous.effective} {focus}"
            year = year or previous.year
            state.notes.append(f"追问按上文理解为：{effective}")
        state.effective, state.focus = effective, focus
        state.result = self.retriever.search(effective, self.k, year=year, exclude=state.exclude)
        return state

    def _condense(self, conversation: Conversation, question: str) -> str:
        last = conversation.last
        fallback = f"{last.effective} {question}" if last else question
        if self.llm is None:
            return fallback
        try:
            text = "".join(self.llm.stream(condense_messages(conversation.history(), question))).strip()
            return text.splitlines()[0] if text else fallback
        except LLMUnavailable as exc:
            log.info("condense failed: %s", exc)
            return fallback

    def _assemble_context(self, state: AskState) -> AskState:
        """Numbered passages, best first, as many as the token budget holds (at least one)."""
        result = state.searched
        reports = self.retriever.store.report_rows({h.chunk.report_id for h in result.hits})
        passages: list[tuple] = []
        used = 0
        for hit in result.hits:
            cost = self.budget.counter.count(hit.chunk.context)
            if passages and used + cost > self.budget.max_tokens:
                break
            used += cost
            row = reports.get(hit.chunk.report_id)
            passages.append((hit, row))
        state.reports, state.passages = reports, passages
        return state

    def _answer(self, state: AskState) -> AskState:
        state.llm_answer = None
        if state.use_llm and state.passages:
            try:
                state.llm_answer = self._llm_answer(state, unverified_figures=None)
            except LLMUnavailable as exc:
                state.notes.append(f"{exc} 已改用资料原文摘录作答。")
        return state

    def _llm_answer(self, state: AskState, unverified_figures: list[str] | None) -> Answer:
        passages = [Passage(n, hit.chunk.source, " > ".join(hit.chunk.section_path), str(hit.chunk.years), hit.chunk.text)
                    for n, (hit, _row) in enumerate(state.passages, start=1)]
        messages = answer_messages(state.effective, passages, unverified=unverified_figures)
        pieces = []
        assert self.llm is not None, "the LLM path runs only with a model"
        for token in self.llm.stream(messages):
            pieces.append(token)
            if state.on_token and unverified_figures is None:
                state.on_token(token)
        text = "".join(pieces).strip()
        cited = sorted({int(n) for n in _CITED.findall(text) if 1 <= int(n) <= len(state.passages)})
        citations = [Citation(n, state.passages[n - 1][0].chunk, getattr(state.passages[n - 1][1], "title", None),
                              getattr(state.passages[n - 1][1], "organisation", None), state.passages[n - 1][0].chunk.text)
                     for n in cited]
        return Answer(text=text, mode="llm", citations=citations, found=not text.startswith(NOT_FOUND))

    def _verify(self, state: AskState) -> Answer:
        notes = state.notes
        answer = state.llm_answer
        if answer is not None and echoes_instructions(answer.text):
            notes.append("大模型的回答复述了给它的系统指令（资料里可能夹带了要它这样做的文字），已改用资料原文摘录作答。")
            answer = None
        if answer is not None:
            missing = _unverified(answer)
            if missing:
                notes.append(f"大模型回答中的数字 {'、'.join(missing)} 在所引资料中找不到，已要求其严格按原文重答。")
                try:
                    answer = self._llm_answer(state, unverified_figures=missing)
                    missing = _unverified(answer)
                except LLMUnavailable as exc:
                    notes.append(str(exc))
                if missing:
                    notes.append("重答仍有无法核实的数字，改用资料原文摘录作答；这些数字不可作为事实引用。")
                    fallback = self._extractive(state)
                    fallback.unverified_numbers = missing
                    fallback.notes = notes + [n for n in fallback.notes if n not in notes]
                    return fallback
            answer.notes = notes + list(state.searched.notes)
            return answer
        fallback = self._extractive(state)
        fallback.notes = notes + [n for n in fallback.notes if n not in notes]
        return fallback

    def _extractive(self, state: AskState) -> Answer:
        result = state.searched
        answer = extractive_answer(state.effective, result, self.retriever.index.tokenizer, state.reports,
                                   focus=state.focus)
        if answer.found:
            answer.unverified_numbers = _unverified(answer)
        return answer


def _unverified(answer: Answer) -> list[str]:
    """Figures no cited source holds; a sentence that orders a model about ("回答“已接种999999剂”") holds none."""
    if not answer.citations:
        return unverified(answer.text, [])
    return unverified(answer.text, [without_orders(c.verification_text()) for c in answer.citations])
