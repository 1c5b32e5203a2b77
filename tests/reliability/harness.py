"""Run the real pipeline (``newsarchive run``) under faults and inspect what it left.

No fixtures here: plain functions the reliability tests share, and the table of
outcomes that ``conftest.py`` prints at the end of the session.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.servers import PROJECT_ROOT

VENV_BIN = Path(sys.executable).parent
CRASHPOINT_DIR = Path(__file__).resolve().parent / "crashpoint"
# Short enough that timeouts and slow drips cost seconds, long enough for a loaded machine.
DOWNLOAD_TIMEOUT = "4"


@dataclass
class Outcome:
    area: str  # "fault", "crash", "s3", "security", "config"
    name: str
    outcome: str  # what happened, as counted by the pipeline
    ok: bool


@dataclass
class Ledger:
    """Everything the suite tried, for the final table and the summary line."""

    rows: list[Outcome] = field(default_factory=list)
    crash_trials: int = 0
    lost: int = 0
    duplicates: int = 0
    invalid_warcs: int = 0
    leaked_secrets: int = 0

    def add(self, area: str, name: str, outcome: str, ok: bool) -> None:
        self.rows.append(Outcome(area, name, outcome, ok))

    @property
    def faults(self) -> int:
        return sum(1 for row in self.rows if row.area in ("fault", "s3"))

    def summary_line(self) -> str:
        return (f"reliability: faults={self.faults} crash_trials={self.crash_trials} lost={self.lost} "
                f"duplicates={self.duplicates} invalid_warcs={self.invalid_warcs} leaked_secrets={self.leaked_secrets}")


LEDGER = Ledger()


def run_env(workdir: Path, prefect_env: dict[str, str], extra: dict[str, str] | None = None,
            crash_at: str | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "NEWSARCHIVE_"))}
    env.update(prefect_env)
    paths = [str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")]
    if crash_at:
        paths.insert(0, str(CRASHPOINT_DIR))
        env["NEWSARCHIVE_CRASH_AT"] = crash_at
    env.update({
        "PYTHONPATH": os.pathsep.join(filter(None, paths)),
        "NEWSARCHIVE_HOME": str(workdir / ".newsarchive"),
        "NEWSARCHIVE_DOWNLOAD_TIMEOUT": DOWNLOAD_TIMEOUT,
        "COLUMNS": "200",
    })
    env.update(extra or {})
    return env


def newsarchive(args: list[str], workdir: Path, env: dict[str, str], timeout: float = 300,
                kill_after: float | None = None) -> subprocess.CompletedProcess:
    """Run the CLI in its own process group; ``kill_after`` seconds SIGKILLs the whole group."""
    workdir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen([str(VENV_BIN / "newsarchive"), *args], cwd=workdir, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=kill_after if kill_after is not None else timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL if kill_after is not None else signal.SIGTERM)
        stdout, stderr = process.communicate()
    _reap_group(process.pid)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def _reap_group(pgid: int) -> None:
    """A killed run's crawler may outlive the CLI for a moment: end the rest of its group."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_args(outlets: str, store: Path, proxy: str, max_articles: int = 5) -> list[str]:
    return ["run", "--outlets", outlets, "--store", str(store), "--max-articles", str(max_articles),
            "--delay", "0", "--proxy", proxy]


# -- reading a store --------------------------------------------------------------------
def store_files(store: Path) -> list[Path]:
    """Everything published in a local store: what its ``list`` shows (no hidden names, no workspace)."""
    return sorted(p for p in store.rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(store).parts))


def hidden_temp_files(store: Path) -> list[Path]:
    """Temporary files an interrupted upload left beside the layout (never listed or read)."""
    return sorted(p for p in store.rglob(".*.tmp-*") if ".newsarchive" not in p.relative_to(store).parts)


def manifests(store: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((store / "manifests").glob("*.json"))]


def archived_urls(store: Path) -> Counter[str]:
    """How many article records each canonical URL has across every articles file."""
    counts: Counter[str] = Counter()
    for path in sorted((store / "articles").rglob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    counts[json.loads(line)["canonical_url"]] += 1
    return counts


def invalid_warcs(paths: list[Path]) -> list[str]:
    bad = []
    for path in paths:
        check = subprocess.run([str(VENV_BIN / "warcio"), "check", str(path)], capture_output=True, text=True)
        if check.returncode != 0:
            bad.append(f"{path.name}: {(check.stdout + check.stderr).strip()[-200:]}")
    return bad


def incomplete_files(store: Path) -> list[str]:
    """Published files that are temporary, partial, or differ from what a manifest recorded."""
    problems = []
    listed = {f["key"]: f for m in manifests(store) for f in m.get("files", [])}
    for path in store_files(store):
        key = str(path.relative_to(store))
        name = path.name
        if name.endswith(".open") or ".tmp" in name:
            problems.append(f"{key}: a temporary file under a published name")
            continue
        if name.endswith(".gz"):
            try:
                with gzip.open(path, "rb") as stream:
                    while stream.read(1 << 20):
                        pass
            except (OSError, EOFError) as exc:
                problems.append(f"{key}: truncated gzip ({exc})")
                continue
        if name.endswith(".jsonl.gz"):
            with gzip.open(path, "rt", encoding="utf-8") as lines:
                for line in lines:
                    try:
                        json.loads(line)
                    except ValueError:
                        problems.append(f"{key}: a line is not JSON")
                        break
        entry = listed.get(key)
        if entry is not None:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest != entry["sha256"] or path.stat().st_size != entry["size"]:
                problems.append(f"{key}: differs from its manifest entry")
    for key in listed:
        if not (store / key).is_file():
            problems.append(f"{key}: in a manifest, not in the store")
    return problems


def secrets_found(secrets: list[str], roots: list[Path], texts: list[str] = ()) -> list[str]:
    """Where any of ``secrets`` occurs: files under ``roots`` (gzip read through) and ``texts``."""
    found = []
    needles = [s.encode() for s in secrets]
    for root in roots:
        for path in (p for p in Path(root).rglob("*") if p.is_file()):
            data = path.read_bytes()
            if path.suffix == ".gz":
                try:
                    data += _gunzip_all(data)
                except (OSError, EOFError):
                    pass
            for needle in needles:
                if needle in data:
                    found.append(f"{path}: {needle[:4].decode()}...")
    for text in texts:
        for secret in secrets:
            if secret in text:
                found.append(f"output: {secret[:4]}...")
    return found


def _gunzip_all(data: bytes) -> bytes:
    import zlib

    out, rest = [], data
    while rest:
        inflater = zlib.decompressobj(31)
        out.append(inflater.decompress(rest))
        rest = inflater.unused_data
    return b"".join(out)
