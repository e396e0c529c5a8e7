"""The page as a person sees it: headless Chromium renders the app (JS included) and the Chinese tabs show."""

from __future__ import annotations

import shutil
import subprocess

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TABS = ("问答", "起草", "资料库", "评测", "状态")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (.ci/run installs it with fonts-noto-cjk)")
def test_headless_chromium_renders_the_chinese_tabs(served, tmp_path):
    _services, client, _root = served
    url = client.src
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=15000"]
    dom = subprocess.run(flags + ["--dump-dom", url], capture_output=True, text=True, timeout=120).stdout
    for tab in TABS:
        assert f">{tab}<" in dom.replace(" ", "").replace("\n", ""), tab
    assert "卫健工作报告助手" in dom
    shot = tmp_path / "app.png"
    subprocess.run(flags + ["--window-size=1280,900", f"--screenshot={shot}", url], capture_output=True, timeout=120)
    assert shot.stat().st_size > 10_000                      # a rendered page, not a blank one
