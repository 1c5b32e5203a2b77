"""Crash safety: SIGKILL at every durable step, on four store and state set-ups, then rerun and audit.

Each trial archives one outlet of the replica into a fresh store with ``newsarchive
run``, killed with SIGKILL (the process group: CLI, fork server, crawler, extraction
workers) at a crash point of ``tests.reliability.crashpoints`` or after a random
delay. Some trials kill the rerun too, while it recovers the first run. In the
two-worker trials, two workers sharing one run (one outlet each, one store, one state
database) die at the same moment, then both run again at once. The configurations
are a local store or S3 (SeaweedFS), each with SQLite or PostgreSQL state. The runs on
S3 with PostgreSQL, and the two-worker runs, are Prefect flow runs reported to a Prefect
server, as an operator's deployment runs them; the others run as a cron job does, with no
Prefect API configured (the same pipeline as plain functions, Prefect not imported).

After the last run the store must hold every article exactly once and each article's
response once, valid WARCs only, no partial file under a final name, a merged index
and Parquet views that cover every record, and a state database that agrees with the
store; nothing may be left in the spool or among the pending commits.
"""
from __future__ import annotations

import hashlib
import json
import random
import secrets
import signal
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest

from spiders.urls import canonical_url
from storage import layout
from storage.state import StateStore
from tests.reliability.crashpoints import POINTS
from tests.reliability.harness import (
    LEDGER,
    SESSION_SECRETS,
    VENV_BIN,
    Audit,
    audit,
    download_s3,
    hidden_temp_files,
    newsarchive,
    run_args,
    run_env,
    run_group,
    secrets_found,
)
from tests.servers.replica import running_replica

ARTICLES = 3
OUTLETS = ("sputnik", "globalresearch")
CONFIGURATIONS = ("local+sqlite", "local+postgresql", "s3+sqlite", "s3+postgresql")
SEED = 20261122
# How many times a one-outlet run of ARTICLES articles passes each point, at least: exchanges
# recorded, WARC records written, pages extracted, pending commits (the outlet's, the manifest's),
# files staged and uploaded (WARC, CDXJ, articles, manifest), index generations, index updates,
# Parquet views, state commits.
REACHED = {"crawl": 6, "warc": 10, "extract": 3, "pending": 2, "stage": 4, "staged": 4, "upload": 4,
           "uploaded": 4, "unspooled": 4, "head": 1, "merged": 1, "parquet": 1, "state": 2, "committed": 2}
# A kill after the third staged file: in the order before pending commits named their files
# (stage everything, then write the commit), no commit existed yet, the next run uploaded the
# orphans and fetched the same pages again (measured: 3 responses stored twice).
WINDOW = "staged:3"
# Where each configuration is killed: every point on local+SQLite, every point from the commit on
# (the crawl side touches neither store nor state) on S3+PostgreSQL, the commit steps on the others.
EVERY_POINT = [f"{name}:{n}" for name, n in [
    ("crawl", 4), ("warc", 7), ("extract", 2), ("pending", 1), ("stage", 2), ("staged", 3), ("upload", 1),
    ("uploaded", 3), ("unspooled", 2), ("head", 1), ("merged", 1), ("parquet", 1), ("state", 1),
    ("committed", 2)]]
COMMIT_STEPS = ["pending:1", WINDOW, "uploaded:2", "merged:1", "committed:1"]
PARALLEL = 4
# The set-up of an operator's deployment; its runs go through the Prefect server.
PREFECT_CONFIGURATIONS = ("s3+postgresql",)


@dataclass(frozen=True)
class Trial:
    number: int
    config: str
    outlet: str
    crash_at: str | None  # "<point>:<n>", or None for a kill after ``delay`` seconds
    delay: float | None = None
    rerun_crash_at: str | None = None  # the rerun is killed too (then a third run completes)
    workers: int = 1  # 2: two workers of one run, one outlet each, killed at once

    @property
    def prefect(self) -> bool:
        """Whether the runs are Prefect flow runs (else the plain path of a cron job)."""
        return self.config in PREFECT_CONFIGURATIONS or self.workers == 2

    @property
    def label(self) -> str:
        kill = self.crash_at or f"after {self.delay:.1f} s"
        if self.rerun_crash_at:
            kill += f", rerun {self.rerun_crash_at}"
        return f"{self.config}{' prefect' if self.prefect else ''} {'two workers' if self.workers == 2 else self.outlet} {kill}"

    @property
    def outlets(self) -> tuple[str, ...]:
        return OUTLETS if self.workers == 2 else (self.outlet,)


def trials() -> list[Trial]:
    rng = random.Random(SEED)
    plan: list[tuple[str, str | None, float | None, str | None, int]] = []
    plan += [("local+sqlite", point, None, None, 1) for point in EVERY_POINT]
    plan += [("s3+postgresql", point, None, None, 1) for point in EVERY_POINT
             if point.split(":")[0] not in ("crawl", "warc", "extract")]
    plan += [(config, point, None, None, 1) for config in ("local+postgresql", "s3+sqlite") for point in COMMIT_STEPS]
    plan += [(config, "uploaded:2", None, "recover:1", 1) for config in ("local+sqlite", "s3+postgresql")]
    plan += [("local+sqlite", WINDOW, None, None, 2), ("local+postgresql", "uploaded:3", None, None, 2),
             ("s3+sqlite", "committed:1", None, None, 2), ("s3+postgresql", "staged:2", None, None, 2)]
    # Within a plain run of ARTICLES articles (about 4 s alone, longer beside the other trials).
    plan += [(config, None, round(rng.uniform(1.5, 4.5), 1), None, 1) for config in ("local+sqlite", "s3+sqlite")]
    return [Trial(i, config, OUTLETS[i % len(OUTLETS)], crash_at, delay, rerun, workers)
            for i, (config, crash_at, delay, rerun, workers) in enumerate(plan)]


# No Prefect API, whatever a profile of the machine says: ``newsarchive run`` takes its plain path.
PLAIN_ENV = {"PREFECT_API_URL": ""}


@dataclass
class Servers:
    prefect_env: dict[str, str]  # a Prefect server's; PLAIN_ENV configures none
    proxy: str
    seaweed: object
    postgres: object


@dataclass
class Setup:
    """Where one trial's runs write: the store, the state, the environment that says so."""

    store: str
    env: dict[str, str]
    state: str | None  # a PostgreSQL URL, or None for SQLite in the workspace
    secrets: list[str] = field(default_factory=list)


def configure(trial: Trial, work: Path, servers: Servers) -> Setup:
    storage_kind, state_kind = trial.config.split("+")
    env: dict[str, str] = {}
    found_secrets: list[str] = []
    if storage_kind == "s3":
        seaweed = servers.seaweed
        store = f"s3://{seaweed.bucket}/crash-{trial.number:02d}-{secrets.token_hex(3)}"
        env.update(seaweed.env())
        env.update(AWS_CONFIG_FILE=str(work / "no-aws-config"), AWS_SHARED_CREDENTIALS_FILE=str(work / "no-aws-creds"),
                   AWS_EC2_METADATA_DISABLED="true")
        found_secrets += [seaweed.secret_key, seaweed.access_key]
    else:
        store = str(work / "archive")
    state = None
    if state_kind == "postgresql":
        password = "pg-" + secrets.token_hex(10)  # trust authentication ignores it; it must not leak all the same
        url = servers.postgres.create_database(f"crash_{trial.number:02d}")
        state = url.replace("postgres@", f"postgres:{password}@")
        env["NEWSARCHIVE_STATE"] = state
        found_secrets.append(password)
    SESSION_SECRETS.update(found_secrets)
    return Setup(store, env, state, found_secrets)


@dataclass
class TrialResult:
    trial: Trial
    killed: bool
    killed_again: bool
    final_status: int
    final_stderr: str
    audit: Audit
    expected: set[str]
    state_mismatch: list[str]
    leftovers: list[str]
    hidden_temp: int
    leaks: list[str]


def workspaces(trial: Trial, work: Path, setup: Setup) -> list[Path]:
    if setup.store.startswith("s3://"):
        digest = hashlib.sha256(setup.store.encode()).hexdigest()[:12]
        return sorted(work.rglob(f".newsarchive/s3-{digest}"))
    return [Path(setup.store) / ".newsarchive"]


def leftovers_in(spaces: list[Path]) -> list[str]:
    """Spool entries and pending commits still waiting after the last run."""
    left = []
    for space in spaces:
        left += [f"spool: {p.name}" for p in (space / "spool").glob("*.json")]
        left += [f"pending: {p.name}" for p in (space / "pending").glob("*.json*")]
    return left


def worker_commands(trial: Trial, work: Path, setup: Setup, servers: Servers, crash_at: str | None):
    assert trial.prefect  # a worker of a shared run is a Prefect flow run of the fan-out deployment
    now = datetime.now(timezone.utc)
    run_id = layout.new_run_id(now, secrets.token_hex(4))
    commands = []
    for name, outlet in zip("ab", trial.outlets):
        # Separate machines keep separate workspaces; SQLite state is only shared on one machine.
        home = work / name if setup.state else work
        command = [str(VENV_BIN / "python"), "-m", "tests.reliability.outlet_worker", outlet, run_id,
                   now.isoformat(), setup.store, servers.proxy, str(ARTICLES)]
        commands.append((command, run_env(home, servers.prefect_env, setup.env, crash_at=crash_at)))
    return commands


def run_trial(trial: Trial, tmp: Path, servers: Servers, expected: dict[str, set[str]]) -> TrialResult:
    work = tmp / f"trial-{trial.number:02d}"
    setup = configure(trial, work, servers)
    prefect_env = servers.prefect_env if trial.prefect else PLAIN_ENV
    outputs: list[str] = []
    outcomes: list[dict] = []
    if trial.workers == 2:
        first = run_group(worker_commands(trial, work, setup, servers, trial.crash_at), work, kill_after=trial.delay)
        killed = all(run.returncode == -signal.SIGKILL for run in first)
        killed_again = False
        final_runs = run_group(worker_commands(trial, work, setup, servers, None), work)
        for run in final_runs:
            lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
            outcomes += [json.loads(lines[-1])] if lines else []
        final_status = 0 if all(run.returncode == 0 for run in final_runs) and len(outcomes) == 2 \
            and not any(o.get("error") for o in outcomes) else 1
        final_stderr = "\n".join(run.stderr[-1500:] for run in final_runs)
        outputs += [text for run in first + final_runs for text in (run.stdout, run.stderr)]
    else:
        args = run_args(trial.outlet, setup.store, servers.proxy, ARTICLES)
        first = newsarchive(args, work, run_env(work, prefect_env, setup.env, crash_at=trial.crash_at),
                            kill_after=trial.delay)
        killed = first.returncode == -signal.SIGKILL
        killed_again = False
        outputs += [first.stdout, first.stderr]
        if trial.rerun_crash_at:
            second = newsarchive(args, work, run_env(work, prefect_env, setup.env,
                                                     crash_at=trial.rerun_crash_at))
            killed_again = second.returncode == -signal.SIGKILL
            outputs += [second.stdout, second.stderr]
        final = newsarchive(args, work, run_env(work, prefect_env, setup.env))
        final_status, final_stderr = final.returncode, final.stderr[-1500:]
        outputs += [final.stdout, final.stderr]

    if setup.store.startswith("s3://"):
        bucket, _, prefix = setup.store.removeprefix("s3://").partition("/")
        local = download_s3(servers.seaweed.client(), bucket, prefix, work / "downloaded")
    else:
        local = Path(setup.store)
    spaces = workspaces(trial, work, setup)
    result = audit(local, outcomes)
    archived = result.archived
    state_mismatch = []
    for space in spaces if setup.state is None else [None]:
        with StateStore(setup.state or space / "state.sqlite") as db:
            seen = {url for outlet in trial.outlets for url in db.seen_urls(outlet)}
        state_mismatch += [f"state only: {url}" for url in sorted(seen - archived)]
        state_mismatch += [f"store only: {url}" for url in sorted(archived - seen) if setup.state or len(spaces) == 1]
    leaks = secrets_found(setup.secrets, [local, *spaces], outputs)
    return TrialResult(trial, killed, killed_again, final_status, final_stderr, result,
                       set().union(*(expected[o] for o in trial.outlets)), state_mismatch, leftovers_in(spaces),
                       0 if setup.store.startswith("s3://") else len(hidden_temp_files(local)), leaks)


@pytest.fixture(scope="module")
def crash_results(tmp_path_factory, prefect_env, seaweed, postgres_server):
    tmp = tmp_path_factory.mktemp("crash")
    with running_replica(ARTICLES) as replica:
        expected = {slug: {canonical_url(t.url) for t in replica.catalogue.articles(slug) if t.status == 200}
                    for slug in OUTLETS}
        servers = Servers(prefect_env, replica.proxy_url, seaweed, postgres_server)
        with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
            # The long trials first (Prefect runs take about twice as long), so none is left to run alone at the end.
            futures = [pool.submit(run_trial, trial, tmp, servers, expected)
                       for trial in sorted(trials(), key=lambda t: (not t.prefect, -t.workers, not t.rerun_crash_at))]
            return [future.result() for future in futures]


def test_every_point_and_configuration_is_planned():
    planned = {t.crash_at.split(":")[0] for t in trials() if t.crash_at} | \
        {t.rerun_crash_at.split(":")[0] for t in trials() if t.rerun_crash_at}
    assert planned == set(POINTS)
    assert {t.config for t in trials()} == set(CONFIGURATIONS)
    assert {t.config for t in trials() if t.workers == 2} == set(CONFIGURATIONS)
    # Both ways of running are killed at every step that writes to the store or the state.
    for prefect in (False, True):
        points = {t.crash_at.split(":")[0] for t in trials() if t.crash_at and t.prefect == prefect}
        assert points >= set(POINTS) - {"crawl", "warc", "extract", "recover"}, (prefect, points)
    for trial in trials():
        for spec in filter(None, (trial.crash_at, trial.rerun_crash_at)):
            name, _, n = spec.partition(":")
            assert name == "recover" or 1 <= int(n) <= REACHED[name], spec


def test_after_each_kill_the_next_run_archives_everything_exactly_once(crash_results):
    bad = []
    for result in crash_results:
        trial, found = result.trial, result.audit
        lost = found.lost(result.expected)
        point = trial.crash_at.split(":")[0] if trial.crash_at else None
        if result.killed:
            LEDGER.crash_trials += 1
            LEDGER.configurations.add(trial.config)
            if point:
                LEDGER.crash_points.add(point)
        if result.killed_again:
            LEDGER.crash_points.add(trial.rerun_crash_at.split(":")[0])
        LEDGER.count(found, result.expected)
        LEDGER.leaked_secrets += len(result.leaks)
        description = POINTS[point].description if point else "random moment"
        # A delay may outlast a quick run: that trial then counts as no crash, not as a failure.
        # At a crash point the rerun writes the killed upload's key again, which removes its
        # hidden temp file. (A kill at a random moment may hit a key no later run writes.)
        ok = ((result.killed or trial.delay is not None) and (result.killed_again or not trial.rerun_crash_at)
              and result.final_status == 0 and not lost and not found.duplicates and not found.problems()
              and not result.state_mismatch and not result.leftovers and not result.leaks
              and not (trial.crash_at and result.hidden_temp))
        outcome = (f"{'killed' if result.killed else 'NOT KILLED'} ({description})"
                   + (f", rerun {'killed' if result.killed_again else 'NOT KILLED'}" if trial.rerun_crash_at else "")
                   + f"; last run exit {result.final_status}: {len(found.archived)}/{len(result.expected)} articles, "
                   f"lost {len(lost)}, duplicates {found.duplicates}, problems {len(found.problems())}, "
                   f"state mismatches {len(result.state_mismatch)}, left waiting {len(result.leftovers)}"
                   + (f", hidden temp files {result.hidden_temp}" if result.hidden_temp else ""))
        LEDGER.add("crash", trial.label, outcome, ok)
        if not ok:
            bad.append((trial.label, outcome, sorted(lost)[:3], found.problems()[:3], result.state_mismatch[:3],
                        result.leftovers[:3], result.leaks[:3], result.final_stderr[-800:]))
    assert not bad, bad
