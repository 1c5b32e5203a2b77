"""The Prefect flows: a parent run fans out one subflow per outlet.

The flows are thin: the pipeline is plain functions (``flows.pipeline``) and the
steps run here as Prefect tasks, so the UI shows each crawl, extraction, publish
and upload with its logs, and an upload outage is retried. Each outlet subflow
commits its own state, so one outlet failing never fails or undoes the others.
The flows run with or without a Prefect server (without one, Prefect starts a
temporary local server). ``deploy/prefect.yaml`` deploys ``archive`` per outlet
and ``archive_outlet`` for fan-out over a work pool.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Literal

from prefect import flow, get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Completed, Failed
from prefect.task_runners import ThreadPoolTaskRunner
from pydantic import Field

from flows.orchestration import prefect_settings
from flows.orchestration.artifacts import publish_artifacts
from flows.orchestration.credentials import apply_s3_block
from flows.orchestration.fan_out import OUTLET_RUN_TIMEOUT_SECONDS, publish_outcome, run_outlet_deployment
from flows.pipeline import steps
from flows.pipeline.outlet import OutletRun, archive_outlet as archive_outlet_plain, iso
from flows.pipeline.reextract import ReextractRequest, describe as describe_reextract, reextract as reextract_plain
from flows.pipeline.run import RunRequest, archive_run, degraded_outlets, failed_outlets
from spiders.outlets import SLUGS

# The registry's outlets as a type: Prefect's parameter forms offer them as choices.
OutletSlug = Literal[SLUGS]



@task(name="crawl outlet", task_run_name="crawl {outlet}", cache_policy=NO_CACHE)
def crawl_task(outlet: str, run_dir: Path, max_articles: int, seen: set[str], proxy: str | None,
               delay: float | None, revisits: list | None = None, validators: list | None = None,
               now: datetime | None = None, since: datetime | None = None) -> steps.CrawlResult:
    return steps.crawl(outlet, run_dir, max_articles, seen, proxy, delay, revisits, validators, now, since,
                       logger=get_run_logger())


extract_task = task(steps.extract, name="extract WARC", task_run_name="extract {warc_path.name}", cache_policy=NO_CACHE)
# The spool holds locks and the store a client: nothing to hash for a cache key.
publish_task = task(steps.publish, name="publish outlet", task_run_name="publish {outcome.slug}", cache_policy=NO_CACHE)
flush_task = task(steps.flush, name="upload spool", retries=len(steps.UPLOAD_RETRY_DELAYS),
                  retry_delay_seconds=steps.UPLOAD_RETRY_DELAYS, cache_policy=NO_CACHE)


class PrefectSteps(steps.PlainSteps):
    """The pipeline's steps as Prefect tasks of the current flow run, its logs to the run's logger."""

    def __init__(self) -> None:
        super().__init__(get_run_logger())

    def crawl(self, *args, **kwargs):
        return crawl_task(*args, **kwargs)

    def extract_all(self, warc_paths, signatures: bool = True):
        for future in extract_task.map(warc_paths, signatures=unmapped(signatures)):
            yield future.result()

    def publish(self, *args):
        return publish_task(*args)

    def flush(self, spool, store) -> int:
        return flush_task(spool, store)

    def outlet_finished(self, slug: str, counts: dict) -> None:
        publish_outcome(slug, counts)

    def run_finished(self, manifest: dict) -> None:
        publish_artifacts(manifest)


@flow(name="archive-outlet", flow_run_name="{outlet}", task_runner=ThreadPoolTaskRunner(max_workers=2))
def archive_outlet(
    outlet: OutletSlug,
    run_id: str,
    started: datetime,
    max_articles: int = 50,
    store: str = "./archive",
    replica: str | None = None,
    delay: float | None = None,
    state: str | None = None,
    s3_block: str | None = None,
    recover: bool = False,
    revisit_after_days: list[int] = [1, 7, 30],  # noqa: B006 (a flow parameter, never mutated)
    now: datetime | None = None,
    since: date | None = None,
) -> dict:
    """Archive one outlet's new articles as part of run ``run_id``; return its outcome counts.

    ``recover`` first finishes what an interrupted run left in this process's
    workspace (set when the outlet runs as its own deployment run, on any worker).
    """
    apply_s3_block(s3_block)
    outcome = archive_outlet_plain(
        OutletRun(outlet, run_id, started, max_articles, store, replica, delay, state, recover,
                  list(revisit_after_days), now, since), PrefectSteps())
    if outcome.error:
        return Failed(message=f"{outlet}: {outcome.error}", data=outcome.counts())
    if outcome.degraded:
        return Failed(message=f"{outlet} degraded: {'; '.join(outcome.degraded)}", data=outcome.counts())
    return outcome.counts()


def _run_name() -> str:
    outlets = flow_run.parameters.get("outlets") or ["all outlets"]
    return "archive " + ", ".join(outlets)


@flow(name="newsarchive", flow_run_name=_run_name, log_prints=False)
def archive(
    outlets: Annotated[list[OutletSlug] | None, Field(description="outlets to archive (default: all six)")] = None,
    max_articles: Annotated[int, Field(ge=1, le=100_000, description="newest unseen articles to fetch per outlet")] = 50,
    store: Annotated[str, Field(description="a directory, or s3://bucket/prefix (credentials from AWS_* or the profile)")] = "./archive",
    replica: Annotated[str | None, Field(description="HTTP proxy URL of an outlet replica, for offline runs")] = None,
    delay: Annotated[float | None, Field(ge=0, description="seconds between requests to one outlet (default: the outlet's politeness)")] = None,
    state: Annotated[str | None, Field(description="state database URL, e.g. postgresql://... (default: SQLite in the store's workspace)")] = None,
    concurrency: Annotated[int, Field(ge=1, le=6, description="outlets archived at the same time")] = 3,
    fan_out: Annotated[Literal["threads", "deployments"], Field(description="run outlets in this process, or as runs of the archive-outlet/fan-out deployment that any worker of the pool can take")] = "threads",
    s3_block: Annotated[str | None, Field(description="name of a Secret block holding the S3 credentials (default: the AWS_* environment)")] = None,
    revisit_after_days: Annotated[list[int], Field(description="fetch archived articles again this many days after publication, to catch edits and removals")] = [1, 7, 30],  # noqa: B006
    now: Annotated[datetime | None, Field(description="the run's clock (default: NEWSARCHIVE_NOW, else the current time); for replaying schedules")] = None,
    since: Annotated[date | None, Field(description="fetch no new article known to be published before this day (UTC)")] = None,
):
    """Archive new articles of ``outlets`` into ``store``; the result is the run manifest.

    The run is Failed (with the manifest as its data) when any outlet failed;
    the other outlets are archived all the same.

    Args:
        outlets: outlets to archive (default: all six)
        max_articles: newest unseen articles to fetch per outlet
        store: a directory, or s3://bucket/prefix
        replica: HTTP proxy URL of an outlet replica, for offline runs
        delay: seconds between requests to one outlet (default: the outlet's politeness)
        state: state database URL, e.g. postgresql://... (default: NEWSARCHIVE_STATE, else SQLite in the store's workspace)
        concurrency: outlets archived at the same time
        fan_out: "threads" runs the outlets in this run's process; "deployments" runs each as a run of archive-outlet/fan-out, which any worker of the pool can take
        s3_block: name of a Secret block holding the S3 credentials (default: the workers' AWS_* variables)
        revisit_after_days: fetch archived articles again this many days after publication, to catch edits and removals
        now: the run's clock (default: NEWSARCHIVE_NOW, else the current time); for replaying schedules
        since: fetch no new article known to be published before this day (UTC)
    """
    apply_s3_block(s3_block)
    request = RunRequest(list(outlets) if outlets else None, max_articles, store, replica, delay, state, concurrency,
                         list(revisit_after_days), now, since)

    def run_outlet(run: OutletRun) -> dict | str:
        if fan_out == "deployments":
            return run_outlet_deployment(
                {"outlet": run.outlet, "run_id": run.run_id, "started": iso(run.started),
                 "max_articles": run.max_articles, "store": run.store, "replica": run.replica, "delay": run.delay,
                 "state": run.state, "s3_block": s3_block, "recover": True,
                 "revisit_after_days": run.revisit_after_days, "now": iso(run.now) if run.now else None,
                 "since": run.since.isoformat() if run.since else None}, OUTLET_RUN_TIMEOUT_SECONDS)
        # The parent's heartbeats already tell the server this process is alive. A subflow's
        # own would hold its thread up to a second as it ends (Prefect joins the heartbeat
        # thread, which wakes once a second): most of a no-op outlet's time.
        with prefect_settings.without_heartbeats():
            result = archive_outlet(run.outlet, run.run_id, run.started, run.max_articles, run.store, run.replica,
                                    run.delay, run.state, s3_block, revisit_after_days=run.revisit_after_days,
                                    now=run.now, since=run.since, return_state=True)
        return result.result(raise_on_failure=False)

    manifest = archive_run(request, PrefectSteps(), run_outlet)
    failed, degraded = failed_outlets(manifest), degraded_outlets(manifest)
    if failed or manifest.get("error"):
        reasons = "; ".join(f"{slug}: {error}" for slug, error in failed.items()) or manifest["error"]
        return Failed(message=f"{len(failed)} of {len(manifest['outlets'])} outlet(s) failed: {reasons}", data=manifest)
    if degraded:
        reasons = "; ".join(f"{slug}: {finding}" for slug, findings in degraded.items() for finding in findings)
        return Failed(message=f"{len(degraded)} of {len(manifest['outlets'])} outlet(s) degraded: {reasons}",
                      data=manifest)
    return Completed(message=f"archived {sum(c['new'] for c in manifest['outlets'].values())} new article(s)",
                     data=manifest)


@flow(name="reextract", flow_run_name="reextract {outlet}", task_runner=ThreadPoolTaskRunner(max_workers=2))
def reextract(
    outlet: Annotated[OutletSlug, Field(description="the outlet whose stored WARCs are extracted again")],
    store: Annotated[str, Field(description="a directory, or s3://bucket/prefix")] = "./archive",
    start: Annotated[date | None, Field(description="first capture day (UTC; default: the first)")] = None,
    end: Annotated[date | None, Field(description="last capture day (UTC; default: the last)")] = None,
    state: Annotated[str | None, Field(description="state database URL (default: NEWSARCHIVE_STATE, else SQLite in the store's workspace)")] = None,
    s3_block: Annotated[str | None, Field(description="name of a Secret block holding the S3 credentials")] = None,
) -> dict:
    """Extract the outlet's stored WARCs of a period again with the current rules; write a new version of
    each article whose text or metadata changed (``diff.reason`` "reextracted"). Idempotent and resumable."""
    from prefect.artifacts import create_markdown_artifact

    apply_s3_block(s3_block)
    summary = reextract_plain(ReextractRequest(outlet, store, start, end, state), PrefectSteps())
    create_markdown_artifact(f"# Re-extraction of {outlet}\n\n{describe_reextract(summary)}\n\n"
                             f"Manifest: `manifests/{summary.run_id}.json`", key="reextract-summary",
                             description=f"What re-extracting {outlet} changed")
    return summary.to_dict()
