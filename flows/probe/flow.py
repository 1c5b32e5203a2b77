"""The probe as a Prefect flow: the same checks, and the report as artifacts on the flow run's page.

``newsarchive probe --flow`` runs it (a temporary local Prefect server when none is
configured, as archive runs do); a deployment of ``flows/probe/flow.py:probe`` runs it
from a work pool, so from the network of its workers. The run ends Failed when an
outlet is not ready, so the failure alert can name it.
"""
from __future__ import annotations

from typing import Annotated, Literal

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.runtime import flow_run
from prefect.states import Completed, Failed
from pydantic import Field

from flows.probe.report import markdown, run_probe, table_rows
from spiders.outlets import SLUGS

OutletSlug = Literal[SLUGS]


def publish_probe_artifacts(report: dict) -> None:
    create_table_artifact(table_rows(report), key="probe-verdicts",
                          description=f"Preflight probe {report['started']}: one verdict per outlet")
    create_markdown_artifact(markdown(report), key="probe-details",
                             description=f"Preflight probe {report['started']}: endpoints and sample articles")


def _run_name() -> str:
    return "probe " + ", ".join(flow_run.parameters.get("outlets") or ["all outlets"])


@flow(name="newsarchive-probe", flow_run_name=_run_name)
def probe(
    outlets: Annotated[list[OutletSlug] | None, Field(description="outlets to probe (default: all six)")] = None,
    proxy: Annotated[str | None, Field(description="HTTP proxy URL, as for runs (credentials from NEWSARCHIVE_PROXY)")] = None,
    timeout: Annotated[float, Field(gt=0, le=300, description="seconds to wait for one answer")] = 20.0,
    delay: Annotated[float | None, Field(ge=0, description="seconds between two requests to one outlet (default: its politeness)")] = None,
):
    """Probe ``outlets`` from this worker's network; the result is the report (a dict)."""
    slugs = list(outlets) if outlets else list(SLUGS)
    report = run_probe(slugs, proxy, timeout, delay).to_dict()
    publish_probe_artifacts(report)
    logger = get_run_logger()
    for outlet in report["outlets"]:
        logger.info("%s: %s%s", outlet["slug"], outlet["verdict"],
                    f" ({'; '.join(outlet['reasons'])})" if outlet["reasons"] else "")
    counts = ", ".join(f"{n} {verdict}" for verdict, n in report["counts"].items() if n)
    if report["counts"]["ready"] != len(report["outlets"]):
        return Failed(message=f"not every outlet is ready: {counts}", data=report)
    return Completed(message=counts, data=report)
