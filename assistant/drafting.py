"""Use case: draft next year's plan, section by section, from the outline and the library.

For each section: evidence (assistant/evidence.py) → paragraphs, by the LLM when one is configured
(公文 style, figures verified against the evidence: one stricter retry, then the offline composition for
that section) or by the offline composer (assistant/composer.py). Sections are handed to `on_section` as
they are done and `progress(done, total, label)` is called after each, for the CLI's bar and the UI's.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from collections.abc import Callable

from assistant.composer import carry_forward, compose_offline, placeholders, strip_marker
from assistant.draft_model import Draft, DraftParagraph, DraftSection, Evidence
from assistant.errors import DraftError
from assistant.evidence import Scope, gather_evidence, resolve_scope
from assistant.llm import ChatModel, LLMUnavailable
from assistant.numbers import figures, unverified
from ingest.chunking import TokenBudget
from ingest.model import SectionKind
from prompts.outline import Outline, OutlineSection, Phrases, from_headings, load_outline, numbered
from prompts.render import Passage, draft_messages, echoes_instructions
from vectorstore.docstore import DocumentStore
from vectorstore.retrieval import HybridRetriever

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
OnSection = Callable[[Draft, DraftSection], None]      # the draft so far, and its newest section
YEARS = range(1990, 2101)
_CITED = re.compile(r"\[(\d+)\]")
UNCITED = "没有标注出处的段落"
_PHRASES = Phrases()
_LIST_PREFIX = re.compile(r"^\s*(?:[-*•]\s*|#+\s*)")


@dataclass(frozen=True, slots=True)
class DraftRequest:
    year: int
    organisation: str | None = None
    sections: tuple[str, ...] = ()              # ids, labels or headings of the outline; () = all
    outline: Outline | None = None              # None = the standard outline
    library_outline: bool = False               # headings of the organisation's latest plan instead
    use_llm: bool = True
    withheld: frozenset[str] = frozenset()      # chunk ids the draft must not see (the backtest's real plan)


def section_labels(outline: Outline | None = None) -> list[str]:
    """The labels of the sections an outline drafts (the standard one by default), for pickers."""
    return [s.label for s in (outline or load_outline()).sections()]


class Drafter:
    def __init__(self, retriever: HybridRetriever, store: DocumentStore, *, llm: ChatModel | None = None,
                 context_budget: TokenBudget) -> None:
        self.retriever = retriever
        self.store = store
        self.llm = llm
        self.budget = context_budget

    def draft(self, request: DraftRequest, *, progress: Progress | None = None,
              on_section: OnSection | None = None) -> Draft:
        if request.year not in YEARS:
            raise DraftError(f"年份 {request.year} 无效。请给出要起草计划的年份，如 --year 2024。")
        scope = resolve_scope(self.store, self.retriever, request.year, request.organisation, request.withheld)
        outline = request.outline or load_outline()
        notes = list(scope.notes)
        if request.library_outline:
            outline = self.library_outline(scope, outline)
            notes.append(f"提纲取自{outline.origin}")
        if request.sections:
            outline = outline.select(list(request.sections))
        sections = outline.sections()
        evidence = gather_evidence(self.retriever, scope, sections)
        llm = self.llm if request.use_llm else None
        title = outline.title.format(organisation=scope.organisation or "", year=request.year)
        draft = Draft(request.year, scope.organisation, "llm" if llm else "offline", title, outline.phrases.label,
                      notes=notes)
        run = _Run(draft, scope, outline, llm, progress, on_section, len(sections))
        for n, part in enumerate(outline.parts, start=1):
            heading = numbered(1, n, part.heading)
            if not part.children:
                run.emit(self._section(run, heading, 1, part, evidence[part.id]))
                continue
            run.emit(DraftSection(heading, 1, part.label, mode=draft.mode), counts=False)
            for m, child in enumerate(part.children, start=1):
                run.emit(self._section(run, numbered(2, m, child.heading), 2, child, evidence[child.id]))
        if draft.mode == "llm" and not any(s.mode == "llm" for s in draft.sections if s.paragraphs):
            draft.mode = "offline"
        draft.placeholders = [f"{s.heading}：{p}" for s in draft.sections for par in s.paragraphs
                              for p in placeholders(par.text)]
        empty = [s.label for s in draft.sections if not s.found]
        if empty:
            draft.notes.append(f"以下部分资料中未找到依据，需要补充：{'、'.join(empty)}")
        return draft

    # --- one section ---------------------------------------------------------------------------------

    def _section(self, run: _Run, heading: str, level: int, spec: OutlineSection,
                 evidence: tuple[Evidence, ...]) -> DraftSection:
        phrases = run.outline.phrases
        offline = compose_offline(spec, evidence, year=run.scope.year, phrases=phrases)
        if not evidence:
            return DraftSection(heading, level, spec.label, evidence, offline, "offline", found=False)
        if run.llm is None:
            return DraftSection(heading, level, spec.label, evidence, offline, "offline")
        try:
            paragraphs = self._llm_section(run, heading, spec, evidence)
        except LLMUnavailable as exc:
            run.draft.notes.append(f"{exc} 其余部分改用离线初稿。")
            run.llm = None
            return DraftSection(heading, level, spec.label, evidence, offline, "offline")
        if paragraphs is None:
            return DraftSection(heading, level, spec.label, evidence, offline, "offline")
        return DraftSection(heading, level, spec.label, evidence, paragraphs, "llm")

    def _llm_section(self, run: _Run, heading: str, spec: OutlineSection,
                     evidence: tuple[Evidence, ...]) -> tuple[DraftParagraph, ...] | None:
        """The LLM's paragraphs, or None when its figures fail verification twice (the caller composes)."""
        evidence = self._within_budget(evidence)
        passages = [Passage(n, e.chunk.source, f"{e.kind.label}｜{' > '.join(e.chunk.section_path)}",
                            str(e.chunk.years), e.quote) for n, e in enumerate(evidence, start=1)]
        organisation = run.scope.organisation or ""
        sources = [e.verification_text() for e in evidence] + [f"{y}年" for y in range(run.scope.base_year - 1,
                                                                                         run.scope.year + 1)]
        missing: list[str] | None = None
        for attempt in range(2):
            messages = draft_messages(organisation, run.scope.year, spec.heading, passages, unverified=missing)
            assert run.llm is not None, "the LLM path runs only with a model"
            paragraphs = parse_paragraphs("".join(run.llm.stream(messages)), evidence)
            if not paragraphs:
                run.draft.notes.append(f"{heading}：大模型没有给出内容，本节改用离线初稿。")
                return None
            if echoes_instructions("\n".join(p.text for p in paragraphs)):
                run.draft.notes.append(f"{heading}：大模型复述了给它的系统指令（依据里可能夹带了要它这样做的文字），"
                                       "本节改用离线初稿。")
                return None
            # placeholders too: "【待定：原计划95%】" claims an old target that must be in the sources
            missing = unverified("\n".join(p.text for p in paragraphs), sources)
            missing += [UNCITED] if any(not p.citations for p in paragraphs) else []
            if not missing:
                return paragraphs
            log.info("draft section %s: unverified figures %s (attempt %d)", heading, missing, attempt + 1)
        run.draft.notes.append(f"{heading}：大模型草稿中的 {'、'.join(missing or [])} 在依据中找不到，重写后仍有，"
                               "本节改用离线初稿。")
        return None

    def _within_budget(self, evidence: tuple[Evidence, ...]) -> tuple[Evidence, ...]:
        kept: list[Evidence] = []
        used = 0
        for e in evidence:
            cost = self.budget.counter.count(e.quote)
            if kept and used + cost > self.budget.max_tokens:
                break
            kept.append(e)
            used += cost
        return tuple(kept)

    # --- the organisation's own outline --------------------------------------------------------------

    def library_outline(self, scope: Scope, standard: Outline) -> Outline:
        """The headings of the newest plan in scope (years moved to the plan's year), as the outline."""
        plans = [r for r in scope.reports.values() if r.id in scope.report_ids and r.plan_years.known
                 and (r.plan_years.start or 0) <= scope.year]
        newest_first = sorted(plans, key=lambda r: (r.plan_years.end or 0, r.period != "上半年", r.origins.plan_years.sure,
                                                    r.date or ""), reverse=True)   # a year's plan before a half-year's
        for row in newest_first:
            chunks = [c for c in self.store.chunks(row.id) if c.kind == SectionKind.PLANS and c.id not in scope.exclude]
            headings = _plan_headings([c.section_path for c in chunks])
            if len(headings) >= 2:
                tokenizer = self.retriever.index.tokenizer
                old = row.plan_years.end or scope.year
                topics = [topic_of(h, (old,), scope.year, standard.phrases) for h in headings]
                pairs = [(t, tuple(w for w in tokenizer.words(t) if len(w) > 1 and not w.isdigit())) for t in topics]
                outline = from_headings(pairs, f"《{row.title or row.source}》的计划部分", standard.title)
                return Outline(outline.title, outline.parts, standard.phrases, outline.origin)
        raise DraftError("资料库中没有可作提纲的往年计划（至少要有两个小标题）。请改用标准提纲（不加 --outline），"
                         "或用 --outline 文件 指定提纲。")


def plan_depth(paths: list[tuple[str, ...]]) -> int:
    """Where a plan part's sections are in its heading paths: under the one part heading they share (1), or at
    the top (0, a plan that is the whole document)."""
    return 1 if paths and len({p[0] for p in paths if p}) == 1 and len({p[1] for p in paths if len(p) > 1}) >= 2 else 0


def _plan_headings(paths: list[tuple[str, ...]]) -> list[str]:
    """The section headings of a plan part, markers dropped, in order."""
    depth = plan_depth(paths)
    seen: list[str] = []
    for path in paths:
        if len(path) > depth:
            heading = strip_marker(path[depth])
            if heading and heading not in seen:
                seen.append(heading)
    return seen


def topic_of(heading: str, plan_years: tuple[int, ...], year: int, phrases: Phrases = _PHRASES) -> str:
    """An old plan's heading as a heading of the new one: "推进签约扩面提质，重点人群签约率达到80%" keeps its
    topic ("推进签约扩面提质"); a target left in it becomes a placeholder; the plan's year becomes `year`."""
    clauses = re.split(r"[，,；;]", heading)
    if len(clauses) > 1 and figures("".join(clauses[1:])) and not figures(clauses[0]):
        heading = clauses[0]
    return carry_forward(heading, plan_years, year, phrases).rstrip("。")


def parse_paragraphs(text: str, evidence: tuple[Evidence, ...]) -> tuple[DraftParagraph, ...]:
    """The LLM's reply as paragraphs: one per line, [n] markers turned into citations of the evidence."""
    paragraphs = []
    for line in text.splitlines():
        line = _LIST_PREFIX.sub("", line).strip()
        if not line:
            continue
        cited = [int(n) for n in _CITED.findall(line)]
        citations = tuple(dict.fromkeys(evidence[n - 1].citation() for n in cited if 1 <= n <= len(evidence)))
        clean = re.sub(r"\s*\[\d+\]", "", line).strip()
        if clean:
            paragraphs.append(DraftParagraph(clean, citations))
    return tuple(paragraphs)


class _Run:
    """The state of one draft as it is written: the draft so far, and where to report progress."""

    def __init__(self, draft: Draft, scope: Scope, outline: Outline, llm: ChatModel | None,
                 progress: Progress | None, on_section: OnSection | None, total: int) -> None:
        self.draft, self.scope, self.outline, self.llm = draft, scope, outline, llm
        self.progress, self.on_section, self.total, self.done = progress, on_section, total, 0

    def emit(self, section: DraftSection, *, counts: bool = True) -> None:
        self.draft.sections.append(section)
        if self.on_section:
            self.on_section(self.draft, section)
        if counts:
            self.done += 1
            if self.progress:
                self.progress(self.done, self.total, section.label)
