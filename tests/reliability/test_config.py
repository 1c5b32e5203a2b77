"""Bad configuration: one line naming the value, exit status 2, nothing written."""
from __future__ import annotations

import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from flows.config import ConfigError, load_settings
from spiders.outlets import SLUGS
from tests.reliability.harness import LEDGER, VENV_BIN

SHIPPED = Path(__file__).resolve().parents[2] / "flows" / "settings.toml"

# name -> (config file text or None, extra arguments, text the error must name)
CASES = {
    "unknown outlet (config)": ('[run]\noutlets = ["sputnik", "nosuch"]\n', [], "nosuch"),
    "unknown outlet (option)": (None, ["--outlets", "sputnik,nosuch"], "nosuch"),
    "bad store URI (config)": ('[run]\nstore = "ftp://example.org/x"\n', [], "ftp://example.org/x"),
    "bad store URI (option)": (None, ["--store", "s3://"], "s3://"),
    "bad cron expression": ('[schedules]\nsputnik = "61 * * * *"\n', [], "61 * * * *"),
    "cron with six fields": ('[schedules]\nmenafn = "0 0 * * * *"\n', [], "0 0 * * * *"),
    "unknown key": ('[run]\nmax_artcles = 5\n', [], "max_artcles"),
    "bad max_articles": ('[run]\nmax_articles = 0\n', [], "0"),
    "bad contact URL": ('[run]\ncontact_url = "mailto:x@example.org"\n', [], "mailto:x@example.org"),
    "config not TOML": ("[run\nstore = \n", [], "settings.toml"),
    "unreadable config": ("MISSING", [], "missing.toml"),
    "missing S3 credentials": (None, ["--store", "s3://newsarchive-bucket/news"], "credentials"),
}


def run_case(tmp: Path, name: str) -> tuple[str, subprocess.CompletedProcess, Path]:
    text, extra, _ = CASES[name]
    work = tmp / name.replace(" ", "-").replace("(", "").replace(")", "")
    work.mkdir()
    config = work / ("missing.toml" if text == "MISSING" else "settings.toml")
    if text not in (None, "MISSING"):
        config.write_text(text)
    args = ["run", "--store", str(work / "archive"), *extra]
    if text is not None:
        args += ["--config", str(config)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "NEWSARCHIVE_", "PREFECT_API"))}
    env.update(AWS_CONFIG_FILE=str(work / "no-aws-config"), AWS_SHARED_CREDENTIALS_FILE=str(work / "no-aws-credentials"),
               AWS_EC2_METADATA_DISABLED="true", NEWSARCHIVE_HOME=str(work / ".newsarchive"))
    before = sorted(p.name for p in work.iterdir())
    proc = subprocess.run([str(VENV_BIN / "newsarchive"), *args], cwd=work, env=env, capture_output=True, text=True,
                          timeout=120)
    after = sorted(p.name for p in work.iterdir())
    return name, proc, work if before == after else None


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("config")
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda name: run_case(tmp, name), CASES))


def test_every_bad_value_is_one_line_exit_2_and_nothing_written(cases):
    bad = []
    for name, proc, unchanged in cases:
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        named = CASES[name][2] in proc.stderr
        ok = proc.returncode == 2 and len(lines) == 1 and named and unchanged is not None
        message = lines[-1].replace(str(unchanged or ""), "<dir>") if lines else "(no message)"
        LEDGER.add("config", name, f"exit {proc.returncode}: {message[:120]}", ok)
        if not ok:
            bad.append((name, proc.returncode, proc.stderr[-600:], unchanged is not None))
    assert not bad, bad


def test_the_shipped_settings_are_valid_and_a_user_file_overrides_only_its_keys(tmp_path):
    defaults = load_settings(environ={})
    assert defaults.store == "./archive" and defaults.max_articles == 50 and len(defaults.schedules) == len(SLUGS)
    user = tmp_path / "mine.toml"
    user.write_text('[run]\nmax_articles = 7\n[schedules]\nsputnik = "0 * * * *"\n')
    mine = load_settings(environ={"NEWSARCHIVE_CONFIG": str(user)})
    assert mine.max_articles == 7 and mine.store == defaults.store
    assert mine.schedules["sputnik"] == "0 * * * *" and mine.schedules["menafn"] == defaults.schedules["menafn"]
    with pytest.raises(ConfigError, match="nosuch"):
        user.write_text('[schedules]\nnosuch = "0 * * * *"\n')
        load_settings(user)
