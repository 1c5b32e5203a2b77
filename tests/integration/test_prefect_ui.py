"""The Prefect UI as an operator sees it, in headless Chromium (Debian's ``chromium``).

Each page is rendered once: Chromium dumps the DOM and takes the screenshot of
that same render, so a screenshot is kept only when its page showed the
expected text. ``make screenshots`` writes them to ``docs/`` for the README;
otherwise they go to a temporary directory.
"""
from __future__ import annotations

import re

from tests.servers.chromium import _png_size, _screenshot_dir, render

def test_ui_shows_the_deployments_with_their_schedules(prefect_server, tmp_path):
    shot = _screenshot_dir(tmp_path) / "prefect-deployments.png"
    text = render(f"{prefect_server.server.url}/deployments", shot, size="1920,1000")
    assert "9 Deployments" in text
    for name in ("all-outlets", "fan-out", "globalresearch", "menafn", "southfront", "sputnik"):
        assert name in text
    for schedule in ("Every 30 minutes", "At 5 minutes past the hour", "At 02:30 AM every day"):
        assert schedule in text
    assert _png_size(shot) == (1920, 1000)


def test_ui_shows_the_finished_run_and_its_artifact(prefect_server, finished_run, tmp_path):
    server = prefect_server.server
    run = finished_run.flow_run
    shots = _screenshot_dir(tmp_path)
    text = render(f"{server.url}/runs/flow-run/{run['id']}", shots / "prefect-run.png")
    assert "archive sputnik" in text and "Completed" in text
    assert "Deployment sputnik" in text and "Work Pool newsarchive" in text

    [summary] = [a for a in server.artifacts(run["id"]) if a["key"] == "archive-run-summary"]
    text = render(f"{server.url}/artifacts/artifact/{summary['id']}", shots / "prefect-run-artifact.png")
    assert "Per-outlet results of run" in text
    assert "outlet discovered fetched new" in text and "bytes_written" in text
    assert re.search(r"sputnik \d+ 5 5 ", text)  # discovered, fetched, new
    assert "archived 5 new article(s)" in text  # the run's state message beside its artifact
    assert _png_size(shots / "prefect-run-artifact.png") == (1600, 1000)
