"""A draft out to a file the user can edit: Markdown, or Word in the 公文 layout (assistant/docx_writer.py).

Headings keep their literal numbering ("二、重点工作", "（一）坚持党建引领"), so an exported draft
re-ingests to the same section paths. Unless `clean`, the draft's label sits under the title and each
paragraph's sources are footnotes. A file is written whole or not at all: into a temporary file beside
the target, then moved onto it.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import uuid
from collections.abc import Callable
from pathlib import Path

from assistant.draft_model import Draft
from assistant.errors import DraftExportError

log = logging.getLogger(__name__)

_MD_BLOCK_START = re.compile(r"^(#|>|[-+*]\s)")   # a paragraph that Markdown would read as a heading/quote/list


def to_markdown(draft: Draft, *, clean: bool = False) -> str:
    """`# title`, the label as a quote, `##`/`###` headings, paragraphs; sources as footnotes `[^n]`."""
    lines = [f"# {_one_line(draft.title)}", ""]
    if not clean and draft.label.strip():
        lines += [f"> {_one_line(draft.label)}", ""]
    notes: list[str] = []
    for section in draft.sections:
        if section.heading.strip():
            marker = "##" if section.level <= 1 else "###"
            lines += [f"{marker} {_one_line(section.heading)}", ""]
        for paragraph in section.paragraphs:
            text = paragraph.text.strip()
            if not text:
                continue
            text = "\\" + text if _MD_BLOCK_START.match(text) else text
            if not clean:
                for citation in paragraph.citations:
                    notes.append(citation.label)
                    text += f"[^{len(notes)}]"
            lines += [text, ""]
    lines += [f"[^{n}]: {_one_line(note)}" for n, note in enumerate(notes, start=1)]
    return "\n".join(lines).rstrip("\n") + "\n"


def export_draft(draft: Draft, path: Path, *, clean: bool = False) -> Path:
    """Write `draft` to `path` (.docx or .md, by its suffix) and return the path written.

    Raises `DraftExportError` with a message naming the file and what to do; never leaves a partial file.
    """
    path = Path(path).expanduser()
    write = _writer_for(path)
    check_target(path)
    temp = path.parent / f".{path.name}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))   # umask applies, as for any file
        write(draft, temp, clean)
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise DraftExportError(f"无法写入 {path}：{_reason(exc)}") from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    log.info("draft exported to %s (clean=%s)", path, clean)
    return path


def _writer_for(path: Path) -> Callable[[Draft, Path, bool], None]:
    suffix = path.suffix.lower()
    if suffix == ".md":
        return _write_markdown
    if suffix == ".docx":
        return _write_docx
    problem = f"不支持文件类型“{path.suffix}”" if path.suffix else "文件名没有扩展名"
    raise DraftExportError(f"无法导出到 {path}：{problem}。请把文件名改为以 .docx（Word）或 .md（Markdown）结尾。")


def _write_markdown(draft: Draft, path: Path, clean: bool) -> None:
    path.write_bytes(to_markdown(draft, clean=clean).encode("utf-8"))


def _write_docx(draft: Draft, path: Path, clean: bool) -> None:
    from assistant.docx_writer import write_docx     # python-docx loads only when a .docx is asked for

    write_docx(draft, path, clean=clean)


def check_target(path: Path) -> None:
    """Raise `DraftExportError` now if `path` cannot be written (type, folder, permission): before the work."""
    _writer_for(path)
    folder = path.parent
    if not folder.exists():
        raise DraftExportError(f"无法写入 {path}：文件夹 {folder} 不存在。请先创建该文件夹，或换一个 --out 路径。")
    if not folder.is_dir():
        raise DraftExportError(f"无法写入 {path}：{folder} 不是文件夹。请换一个 --out 路径。")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DraftExportError(f"无法写入 {path}：没有文件夹 {folder} 的写入权限。请换一个可写的 --out 路径，或请管理员开放权限。")
    if path.is_dir():
        raise DraftExportError(f"无法写入 {path}：这是一个已有的文件夹。请在 --out 中写上文件名，例如 {path / '计划初稿.docx'}。")


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "磁盘空间不足。请清理磁盘后重试，或换一个 --out 路径。"
    if isinstance(exc, PermissionError):
        return "没有写入权限，或文件正被 Word/WPS 打开。请关闭该文件后重试，或换一个 --out 路径。"
    return f"{exc.strerror or type(exc).__name__}。请换一个 --out 路径后重试。"


def _one_line(text: str) -> str:
    return " ".join(text.split())
