"""What every command shares: settings loading, logging, JSON output, notices and the progress bar."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any


def load_settings(args: argparse.Namespace):
    from assistant.settings import apply_offline_environment, load_settings as load

    settings = load(args.config, data_dir=getattr(args, "data_dir", None),
                    **{"ingest.chunk_tokens": getattr(args, "chunk_tokens", None)})
    if getattr(args, "allows_download", False):
        settings = settings.model_copy(update={"offline": False})   # the user asked to download
    apply_offline_environment(settings)
    return settings


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def notify(notices) -> None:
    """All fallbacks of one run (model, tokenizer, reranker) as one notice on stderr."""
    notices = [n for n in notices if n]
    if notices:
        print("提示：" + " ".join(notices), file=sys.stderr)


class progress_bar:
    """tqdm on a terminal's stderr; nothing when stderr is not a terminal (pipes, CI, --json files).
    The callback takes (done, total, label); a new total starts a new bar (files, then index)."""

    def __init__(self, enabled: bool, unit: str = "文件", units: dict[str, str] | None = None) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.unit = unit
        self.units = units or {}
        self.bar = None

    def __enter__(self):
        if not self.enabled:
            return None
        from tqdm import tqdm

        def update(done: int, total: int, label: str) -> None:
            if self.bar is None or self.bar.total != total:
                if self.bar is not None:
                    self.bar.close()
                self.bar = tqdm(total=total, unit=self.units.get(label, self.unit), file=sys.stderr, leave=False)
            self.bar.n = done
            self.bar.set_postfix_str(label, refresh=True)
        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()
