"""Outlet runs as deployment runs, so any worker of the pool can take one.

With ``fan_out="deployments"`` the parent run asks the server for one run of
the ``archive-outlet`` deployment per outlet, instead of running the subflows
in its own process. Each outlet run publishes its outcome as a table artifact
(key ``outlet-<slug>``, so the UI also shows each outlet's latest counts), and
the parent reads it back through the API: no result storage has to be shared
between workers.
"""
from __future__ import annotations

import json
from uuid import UUID

from prefect import get_run_logger
from prefect.artifacts import create_table_artifact
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey
from prefect.deployments import run_deployment

OUTLET_DEPLOYMENT = "archive-outlet/fan-out"
POLL_SECONDS = 2.0
OUTLET_RUN_TIMEOUT_SECONDS = 6 * 3600  # a parent never waits forever for a run no worker takes


def outcome_key(slug: str) -> str:
    return f"outlet-{slug}"


def publish_outcome(slug: str, counts: dict) -> None:
    """The outlet's counts as a one-row table on its flow run."""
    create_table_artifact([counts], key=outcome_key(slug), description=f"What the run did for {slug}")


def read_outcome(flow_run_id: UUID, slug: str) -> dict | None:
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[outcome_key(slug)]),
                                           flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])),
        )
    for artifact in artifacts:
        rows = json.loads(artifact.data) if isinstance(artifact.data, str) else artifact.data
        if rows:
            return rows[0]
    return None


def run_outlet_deployment(parameters: dict, timeout_seconds: float) -> dict | str:
    """Run one outlet as a run of the ``archive-outlet`` deployment and wait for it.

    Returns its outcome counts, or a one-line reason when the run left none
    (it crashed, was cancelled, or did not finish in time). The idempotency
    key makes a retried parent reuse the outlet run it already created.
    """
    slug = parameters["outlet"]
    logger = get_run_logger()
    flow_run = run_deployment(
        OUTLET_DEPLOYMENT, parameters=parameters, timeout=timeout_seconds, poll_interval=POLL_SECONDS,
        flow_run_name=slug, idempotency_key=f"{parameters['run_id']}-{slug}",
    )
    state = flow_run.state
    logger.info("%s: outlet run %s ended %s", slug, flow_run.name, state.name if state else "without a state")
    outcome = read_outcome(flow_run.id, slug)
    if outcome is not None:
        return outcome
    if state is None or not state.is_final():
        return f"outlet run {flow_run.name} did not finish within {timeout_seconds:.0f} s"
    return f"outlet run {flow_run.name} ended {state.name}: {state.message or 'no message'}"
