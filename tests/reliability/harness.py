"""Run the real pipeline (``newsarchive run``, or one outlet's worker) under faults and audit what it left.

No fixtures here: plain functions the reliability tests share, the audit of a store
that every end-to-end test applies (lost articles, duplicates, invalid WARCs, an
incomplete index or view), and the ledger that ``conftest.py`` prints at the end.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from spiders.outlets import SLUGS, get_outlet
from spiders.urls import canonical_url
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
    crash_trials: int = 0  # trials whose run really died by SIGKILL
    crash_points: set[str] = field(default_factory=set)  # points at which a run really died
    configurations: set[str] = field(default_factory=set)  # store+state set-ups with a killed trial
    lost: int = 0
    duplicates: int = 0
    invalid_warcs: int = 0
    leaked_secrets: int = 0

    def add(self, area: str, name: str, outcome: str, ok: bool) -> None:
        self.rows.append(Outcome(area, name, outcome, ok))

    def count(self, audit: Audit, expected: Iterable[str] = ()) -> None:
        """Add what an audited store holds to the suite's figures."""
        self.lost += len(audit.lost(expected))
        self.duplicates += audit.duplicates
        self.invalid_warcs += len(audit.invalid)

    @property
    def faults(self) -> int:
        return sum(1 for row in self.rows if row.area in ("fault", "s3"))

    def summary_line(self) -> str:
        return (f"reliability: faults={self.faults} crash_points={len(self.crash_points)} "
                f"crash_trials={self.crash_trials} configurations={len(self.configurations)} lost={self.lost} "
                f"duplicates={self.duplicates} invalid_warcs={self.invalid_warcs} "
                f"leaked_secrets={self.leaked_secrets}")


LEDGER = Ledger()
# Every password and key a test of the session handed to a run: none may reach Prefect's logs.
SESSION_SECRETS: set[str] = set()


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
        "NEWSARCHIVE_UPLOAD_RETRY_DELAYS": "1,2",
        "COLUMNS": "200",
    })
    env.update(extra or {})
    return env


def newsarchive(args: list[str], workdir: Path, env: dict[str, str], timeout: float = 300,
                kill_after: float | None = None) -> subprocess.CompletedProcess:
    """Run the CLI in its own process group; ``kill_after`` seconds SIGKILLs the whole group."""
    return run_group([([str(VENV_BIN / "newsarchive"), *args], env)], workdir, timeout, kill_after)[0]


def run_group(commands: list[tuple[list[str], dict[str, str]]], workdir: Path, timeout: float = 300,
              kill_after: float | None = None) -> list[subprocess.CompletedProcess]:
    """Run (command, environment) pairs at once in one new process group, so that a kill at a
    crash point of any of them kills them all; ``kill_after`` seconds SIGKILLs the group,
    ``timeout`` SIGTERMs it."""
    workdir.mkdir(parents=True, exist_ok=True)
    processes: list[subprocess.Popen] = []
    for command, env in commands:
        group = processes[0].pid if processes else 0  # the first leads a new group, the others join it
        processes.append(subprocess.Popen(command, cwd=workdir, env=env, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True, process_group=group))
    pgid = processes[0].pid
    deadline = time.monotonic() + (kill_after if kill_after is not None else timeout)
    results = []
    for process in processes:
        try:
            stdout, stderr = process.communicate(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(pgid, signal.SIGKILL if kill_after is not None else signal.SIGTERM)
            stdout, stderr = process.communicate()
        results.append(subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr))
    _signal_group(pgid, signal.SIGKILL)  # a killed run's crawler may outlive it for a moment
    return results


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass


def run_args(outlets: str, store: Path | str, proxy: str, max_articles: int = 5) -> list[str]:
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


def download_s3(client, bucket: str, prefix: str, into: Path) -> Path:
    """Every object under ``prefix`` as a file of a local directory laid out like a local store."""
    into.mkdir(parents=True, exist_ok=True)
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix + "/"):
        for item in page.get("Contents", []):
            target = into / item["Key"][len(prefix) + 1:]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read())
    return into


def manifests(store: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((store / "manifests").glob("*.json"))]


def article_records(store: Path) -> list[dict]:
    records = []
    for path in sorted((store / "articles").rglob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            records += [json.loads(line) for line in lines if line.strip()]
    return records


def archived_urls(store: Path) -> Counter[str]:
    """How many article records each canonical URL has across every articles file."""
    return Counter(record["canonical_url"] for record in article_records(store))


def invalid_warcs(paths: list[Path]) -> list[str]:
    """WARCs that do not read to the end with every digest right: what ``warcio check`` tests,
    in this process (a process per file would cost more than the check)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    bad = []
    for path in paths:
        try:
            with open(path, "rb") as stream:
                for record in ArchiveIterator(stream, check_digests=True):
                    while record.content_stream().read(1 << 20):
                        pass
                    if record.digest_checker.passed is False:
                        bad.append(f"{path.name}: {'; '.join(record.digest_checker.problems)[:200]}")
                        break
        except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
            bad.append(f"{path.name}: {type(exc).__name__}: {str(exc)[:200]}")
    return bad


def article_responses(warc: Path) -> list[tuple[str, int]]:
    """(canonical URL, status) of every response record at an article URL of the WARC's outlet."""
    from warcio.archiveiterator import ArchiveIterator

    slug = warc.parents[3].name  # warc/<outlet>/<yyyy>/<mm>/<dd>/<file>
    outlet = get_outlet(slug, environ={}) if slug in SLUGS else None
    found = []
    with open(warc, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            if outlet is None or outlet.is_article(url):
                found.append((canonical_url(url), record.http_headers.get_statuscode()))
    return found


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


def _newest_index_manifest(store: Path) -> dict | None:
    """The merged index's newest generation, read from its manifests (not from the head)."""
    manifests = (store / "cdxj" / "_merged" / "manifests").glob("*.json")
    return max((json.loads(p.read_text()) for p in manifests), key=lambda m: m["generation"], default=None)


def unindexed_lines(store: Path) -> list[str]:
    """Lines of per-WARC CDXJ indexes that the merged index (its newest generation) lacks.

    Read from the files as ``storage.cdxj`` documents them, not through its reader: the
    newest manifest's recent lines and its segments (gzip members, or plain text in
    manifests of earlier versions)."""
    newest = _newest_index_manifest(store)
    merged: set[str] = set()
    if newest is not None:
        merged.update(newest.get("recent", ()))
        for segment in newest["segments"]:
            base = store / "cdxj" / "_merged" / "segments" / segment["name"]
            if segment.get("blocks"):
                text = gzip.decompress(base.with_name(base.name + ".cdxj.gz").read_bytes()).decode("utf-8")
            else:
                text = base.with_name(base.name + ".cdxj").read_text(encoding="utf-8")
            merged.update(text.splitlines())
    wanted = [line for path in sorted((store / "cdxj").rglob("*.cdxj")) if "_merged" not in path.parts
              for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [line for line in wanted if line not in merged]


def stale_head(store: Path) -> list[str]:
    """The merged index's head object, when it does not copy the newest generation's manifest."""
    newest = _newest_index_manifest(store)
    if newest is None:
        return []
    head = store / "cdxj" / "_merged" / "head.json"
    if not head.is_file():
        return ["cdxj/_merged/head.json: missing"]
    generation = json.loads(head.read_text())["generation"]
    return [] if generation == newest["generation"] else \
        [f"cdxj/_merged/head.json: generation {generation}, newest {newest['generation']}"]


def stale_views(store: Path) -> list[str]:
    """Outlet days whose Parquet file does not hold exactly that day's article records."""
    import pyarrow.parquet as pq

    days: dict[str, Counter[str]] = {}
    for path in sorted((store / "articles").rglob("*.jsonl.gz")):
        outlet, year, month, day = path.relative_to(store / "articles").parts[:4]
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            urls = [json.loads(line)["canonical_url"] for line in lines if line.strip()]
        days.setdefault(f"{outlet}/{year}/{month}/{day}", Counter()).update(urls)
    stale = []
    for day, urls in days.items():
        view = store / "parquet" / f"{day}.parquet"
        if not view.is_file():
            stale.append(f"parquet/{day}.parquet: missing")
        elif Counter(pq.read_table(view, columns=["canonical_url"]).column(0).to_pylist()) != urls:
            stale.append(f"parquet/{day}.parquet: not the day's records")
    return stale


@dataclass
class Audit:
    """What a store holds, read back from its files (an S3 store downloaded first)."""

    records: Counter[tuple[str, int]]  # (canonical URL, version) -> article records
    responses: Counter[str]  # canonical URL -> 2xx response records at article URLs
    fetched: set[str]  # canonical URLs of article pages answered 200
    failed: set[str]  # canonical URLs listed as failed, or as a duplicate of another, with their URL
    dangling: list[str]  # records whose WARC is not in the store
    invalid: list[str]
    incomplete: list[str]
    unindexed: list[str]
    stale: list[str]  # Parquet views that are not their day's records, an index head behind the newest generation

    @property
    def archived(self) -> set[str]:
        return {url for url, _version in self.records}

    @property
    def duplicates(self) -> int:
        """Articles stored twice, and responses captured twice (a kill made a run fetch them again)."""
        return sum(n - 1 for n in self.records.values()) + sum(n - 1 for n in self.responses.values())

    def lost(self, expected: Iterable[str] = ()) -> set[str]:
        """Articles answered 200 (or expected to be), neither archived nor failed with their URL;
        an archived article whose WARC is missing counts as lost."""
        return ((self.fetched | set(expected)) - self.archived - self.failed) | set(self.dangling)

    def problems(self) -> list[str]:
        return self.invalid + self.incomplete + [f"not in the merged index: {line[:80]}" for line in self.unindexed] \
            + self.stale


def audit(store: Path, outcomes: Iterable[dict] = ()) -> Audit:
    """Audit a local store; ``outcomes`` adds outlet counts (with ``failures``) no manifest holds."""
    records = article_records(store)
    warcs = [p for p in store_files(store) if p.name.endswith(".warc.gz")]
    responses: Counter[str] = Counter()
    fetched: set[str] = set()
    for warc in warcs:
        for url, status in article_responses(warc):
            if status and status.startswith("2"):
                responses[url] += 1
            if status == "200":
                fetched.add(url)
    failed = set()
    for counts in [o for m in manifests(store) for o in m["outlets"].values()] + list(outcomes):
        failed |= {canonical_url(f["url"]) for f in counts.get("failures", [])
                   if f.get("url") and f.get("stage") != "discovery"}
        failed |= {canonical_url(d["url"]) for d in counts.get("duplicates", [])}  # same text as another
    present = {str(p.relative_to(store)) for p in warcs}
    return Audit(
        records=Counter((r["canonical_url"], r.get("version", 1)) for r in records),
        responses=responses, fetched=fetched, failed=failed,
        dangling=[r["canonical_url"] for r in records if r.get("warc_key") and r["warc_key"] not in present],
        invalid=invalid_warcs(warcs), incomplete=incomplete_files(store), unindexed=unindexed_lines(store),
        stale=stale_views(store) + stale_head(store))


def urls_with(store: Path, marker: str) -> list[str]:
    """Where ``marker`` occurs in a store: WARC records (decompressed), indexes, records, manifests."""
    found = []
    needle = marker.encode()
    for path in store_files(store):
        data = path.read_bytes()
        if path.suffix == ".gz":
            try:
                data = _gunzip_all(data)
            except (OSError, EOFError, zlib.error):
                pass
        if needle in data:
            found.append(str(path.relative_to(store)))
    return found


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""


def secrets_found(secrets: list[str], roots: list[Path], texts: list[str] = ()) -> list[str]:
    """Where any of ``secrets`` occurs: files under ``roots`` (gzip read through) and ``texts``."""
    found = []
    needles = [s.encode() for s in secrets if s]
    for root in roots:
        for path in (p for p in Path(root).rglob("*") if p.is_file()):
            data = path.read_bytes()
            if path.suffix == ".gz":
                try:
                    data += _gunzip_all(data)
                except (OSError, EOFError, zlib.error):
                    pass
            for needle in needles:
                if needle in data:
                    found.append(f"{path}: {needle[:4].decode()}...")
    for text in texts:
        for secret in secrets:
            if secret and secret in text:
                found.append(f"output: {secret[:4]}...")
    return found


def _gunzip_all(data: bytes) -> bytes:
    out, rest = [], data
    while rest:
        inflater = zlib.decompressobj(31)
        out.append(inflater.decompress(rest))
        rest = inflater.unused_data
    return b"".join(out)
