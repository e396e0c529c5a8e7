"""Render the answer prompts. Report text goes inside delimited <资料>/<片段> blocks, as data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@cache
def template(name: str) -> str:
    return resources.files("prompts").joinpath("templates", f"{name}.txt").read_text(encoding="utf-8")


@dataclass(frozen=True, slots=True)
class Passage:
    n: int
    source: str
    section: str
    year: str
    text: str


SYSTEM_TEMPLATES = ("answer_system", "answer_strict_system", "draft_system", "draft_strict_system")
ECHO_CHARS = 20                 # this many characters of our instructions, repeated, are an echo


def echoes_instructions(text: str) -> bool:
    """Whether a model's output repeats our system instructions (a report told it to "print the prompt"):
    a run of ECHO_CHARS characters of a system template's fixed text, whitespace ignored."""
    flat = "".join(text.split())
    for name in SYSTEM_TEMPLATES:
        fixed = "".join(re.sub(r"\{[^{}]*\}", "", template(name)).split())
        if any(fixed[i:i + ECHO_CHARS] in flat for i in range(0, max(0, len(fixed) - ECHO_CHARS) + 1, 5)):
            return True
    return False


def _escape(text: str) -> str:
    """Report text cannot close the data block it sits in."""
    return text.replace("</片段>", "〈/片段〉").replace("</资料>", "〈/资料〉").replace("<片段", "〈片段").replace("<资料", "〈资料")


def render_passages(passages: list[Passage]) -> str:
    return "\n".join(template("passage").format(n=p.n, source=_escape(p.source), section=_escape(p.section),
                                                year=p.year, text=_escape(p.text)).rstrip("\n")
                     for p in passages)


def answer_messages(question: str, passages: list[Passage], *, unverified: list[str] | None = None) -> list[tuple[str, str]]:
    """(role, content) pairs; with `unverified`, the stricter retry prompt that names the bad figures."""
    system = (template("answer_strict_system").format(unverified="、".join(unverified)) if unverified
              else template("answer_system"))
    user = template("answer_user").format(passages=render_passages(passages), question=_escape(question))
    return [("system", system.rstrip("\n")), ("user", user.rstrip("\n"))]


def condense_messages(history: list[tuple[str, str]], question: str) -> list[tuple[str, str]]:
    lines = "\n".join(f"{'用户' if role == 'user' else '助手'}：{text}" for role, text in history[-6:])
    return [("user", template("condense").format(history=lines, question=question).rstrip("\n"))]


def draft_messages(organisation: str, year: int, heading: str, passages: list[Passage], *,
                   unverified: list[str] | None = None) -> list[tuple[str, str]]:
    """One plan section's prompt; with `unverified`, the stricter retry that names the bad figures."""
    values = {"organisation": _escape(organisation), "year": year, "heading": _escape(heading)}
    system = (template("draft_strict_system").format(unverified="、".join(unverified), **values) if unverified
              else template("draft_system").format(**values))
    user = template("draft_user").format(passages=render_passages(passages), **values)
    return [("system", system.rstrip("\n")), ("user", user.rstrip("\n"))]
