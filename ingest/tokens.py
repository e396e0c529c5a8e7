"""Token counting: tiktoken when its encoding can be loaded, else a conservative estimate.

Offline (the default), tiktoken is only allowed to read its local cache (TIKTOKEN_CACHE_DIR): a
missing BPE file means the conservative counter and one notice, never a download attempt.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Protocol



class TokenCounter(Protocol):
    name: str

    def count(self, text: str) -> int: ...


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")
_OTHER = re.compile(r"[^\sA-Za-z0-9\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")


@dataclass(frozen=True, slots=True)
class ConservativeCounter:
    """Over-estimates GPT-style BPE counts for Chinese: 1.5 per hanzi, 1 per 2 ASCII alnum, 1 per sign."""

    name: str = "conservative-v1"

    def count(self, text: str) -> int:
        hanzi = len(_CJK.findall(text))
        alnum = sum(math.ceil(len(run) / 2) for run in _ALNUM_RUN.findall(text))
        other = len(_OTHER.findall(text))
        return math.ceil(hanzi * 1.5) + alnum + other


@dataclass(frozen=True, slots=True)
class TiktokenCounter:
    encoding: object
    name: str

    def count(self, text: str) -> int:
        return len(self.encoding.encode(text, disallowed_special=()))  # type: ignore[attr-defined]


class _NoDownload(Exception):
    pass


def load_token_counter(encoding: str = "cl100k_base", *, allow_download: bool = False) -> tuple[TokenCounter, str | None]:
    """(counter, notice). The notice is set when we fell back; show it once, don't raise."""
    import tiktoken
    import tiktoken.load

    original = tiktoken.load.read_file

    def cache_only(blobpath: str) -> bytes:
        if blobpath.startswith(("http://", "https://")):
            raise _NoDownload(blobpath)
        return original(blobpath)

    if not allow_download:
        tiktoken.load.read_file = cache_only
    try:
        enc = tiktoken.get_encoding(encoding)
    except _NoDownload:
        return ConservativeCounter(), (
            f"tiktoken 编码 {encoding} 不在本地，token 数按保守估算（可把编码文件放入 TIKTOKEN_CACHE_DIR）。")
    except (ValueError, OSError, ImportError) as exc:
        return ConservativeCounter(), f"无法加载 tiktoken 编码 {encoding}（{type(exc).__name__}），改用保守估算计数。"
    except Exception as exc:  # requests' network errors, without importing requests here
        if type(exc).__module__.startswith(("requests", "urllib3")):
            return ConservativeCounter(), f"无法下载 tiktoken 编码 {encoding}（网络不可用），改用保守估算计数。"
        raise
    finally:
        tiktoken.load.read_file = original
    return TiktokenCounter(enc, f"tiktoken:{encoding}"), None
