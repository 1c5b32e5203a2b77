"""Headless Chromium (Debian's ``chromium``): render a page once, keep its text and its screenshot.

Each page is rendered once: Chromium dumps the DOM and takes the screenshot of that
same render, so a screenshot is kept only when its page showed the expected text.
``make screenshots`` sets ``NEWSARCHIVE_SCREENSHOT_DIR=docs`` so the screenshots land
in ``docs/`` for the README; otherwise they go to a temporary directory.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

from tests.servers import PROJECT_ROOT

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--virtual-time-budget=20000"]


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "Chromium is needed (make test installs Debian's chromium)"
    return path


def render(url: str, screenshot: Path, size: str = "1600,1000") -> str:
    """Render ``url``; write its screenshot and return the page's visible text."""
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run(
            [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={size}",
             f"--screenshot={screenshot}", "--dump-dom", url],
            capture_output=True, text=True, timeout=120, cwd=profile,
        )
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", proc.stdout, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def _screenshot_dir(tmp_path: Path) -> Path:
    target = os.environ.get("NEWSARCHIVE_SCREENSHOT_DIR")
    return (PROJECT_ROOT / target) if target else tmp_path
