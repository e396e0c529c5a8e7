"""Use case: keep files a user uploads (through the UI) under the data directory, with safe names.

Only report types are accepted, each at most MAX_UPLOAD_MB; a name cannot leave the uploads folder
(path parts, "..", control characters are dropped); an existing name gets a numbered sibling.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from ingest.loaders import SUPPORTED_SUFFIXES

MAX_UPLOAD_MB = 50
UPLOADS = "uploads"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


@dataclass(frozen=True, slots=True)
class Upload:
    name: str                    # as the user named it
    path: Path | None            # where it was kept; None when refused
    error: str | None = None


def safe_name(name: str) -> str:
    """The file's own name, without folders or characters a file system refuses ("../../etc/x.txt" → "x.txt")."""
    base = re.split(r"[/\\]", name)[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    return base or "未命名"


def keep_uploads(files: list[Path], data_dir: Path, *, max_mb: int = MAX_UPLOAD_MB,
                 names: list[str] | None = None) -> list[Upload]:
    """Copy each uploaded temp file into `data_dir/uploads`. `names`: the names the user gave them."""
    folder = data_dir / UPLOADS
    folder.mkdir(parents=True, exist_ok=True)
    kept = []
    for n, source in enumerate(files):
        shown = (names[n] if names and n < len(names) else source.name)
        name = safe_name(shown)
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            kept.append(Upload(shown, None, f"{shown}：不支持的文件类型“{suffix or '无扩展名'}”。"
                                              f"请上传 {'、'.join(sorted(SUPPORTED_SUFFIXES))} 文件。"))
            continue
        size = source.stat().st_size
        if size > max_mb * 1024 * 1024:
            kept.append(Upload(shown, None, f"{shown}：文件太大（{size / 1024 / 1024:.1f} MB），上限为 {max_mb} MB。"
                                              "请拆分后再上传，或用命令行 `report-assistant ingest` 导入。"))
            continue
        target = _free(folder / name)
        shutil.copyfile(source, target)
        kept.append(Upload(shown, target))
    return kept


def _free(path: Path) -> Path:
    if not path.exists():
        return path
    for n in range(2, 10_000):
        candidate = path.with_name(f"{path.stem}（{n}）{path.suffix}")
        if not candidate.exists():
            return candidate
    raise FileExistsError(path)
