"""Every outlet of the registry has its other places: a replica site, a test folder, a deployment.

Adding an outlet touches its registry module (``spiders/outlets/<slug>.py``) and its line in
``spiders.outlets.REGISTRY``, then the three places below; each test names the one that is
missing. Everything else (the CLI's outlet list, the flows' parameter type, the settings'
schedules, the tests' per-outlet parameters) derives from ``SLUGS``.
"""
from __future__ import annotations

import typing

import pytest
import yaml

from flows.archive import OutletSlug
from flows.config import load_settings, valid_cron
from spiders.outlets import REGISTRY, SLUGS, get_outlet
from spiders.replica.outlet import outlet_site
from tests.quality.golden_tool import golden_pages
from tests.servers import PROJECT_ROOT

PREFECT_YAML = PROJECT_ROOT / "deploy" / "prefect.yaml"


def _deployments() -> dict[str, dict]:
    return {d["name"]: d for d in yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))["deployments"]}


@pytest.mark.parametrize("slug", SLUGS)
def test_outlet_has_a_replica_site(slug: str) -> None:
    site = outlet_site(slug)  # LookupError naming spiders/replica/outlets/<slug>.py when missing
    assert site.slug == slug
    assert site.furniture, f"spiders/replica/outlets/{slug}.py lists no furniture"


@pytest.mark.parametrize("slug", SLUGS)
def test_outlet_has_a_test_folder_with_golden_pages(slug: str) -> None:
    folder = PROJECT_ROOT / "tests" / "outlets" / slug
    assert folder.is_dir(), f"outlet {slug!r} has no tests/outlets/{slug}/: add its golden pages"
    pages = golden_pages(slug)
    assert len(pages) >= 2, f"tests/outlets/{slug}/ has {len(pages)} golden page(s); add at least two"
    for page in pages:
        assert page.with_suffix(".json").is_file(), f"{page.name} has no expected JSON: run make golden"
    assert (folder / "furniture.json").is_file(), f"tests/outlets/{slug}/furniture.json is missing"


@pytest.mark.parametrize("slug", SLUGS)
def test_outlet_has_a_scheduled_deployment_matching_the_registry(slug: str) -> None:
    deployment = _deployments().get(slug)
    assert deployment is not None, f"deploy/prefect.yaml has no deployment named {slug!r}"
    assert deployment["entrypoint"] == "flows/archive.py:archive"
    assert deployment["parameters"]["outlets"] == [slug]
    [schedule] = deployment["schedules"]
    assert schedule["cron"] == get_outlet(slug, environ={}).schedule, (
        f"deploy/prefect.yaml schedules {slug} at {schedule['cron']!r}, the registry at "
        f"{get_outlet(slug, environ={}).schedule!r}")


@pytest.mark.parametrize("slug", SLUGS)
def test_registry_schedule_is_a_cron_expression_prefect_accepts(slug: str) -> None:
    assert valid_cron(get_outlet(slug, environ={}).schedule)


def test_every_list_of_outlets_is_the_registry() -> None:
    assert SLUGS == REGISTRY
    assert typing.get_args(OutletSlug) == SLUGS
    assert set(load_settings(environ={}).schedules) == set(SLUGS)
    outlet_deployments = {name for name, d in _deployments().items() if len(d.get("parameters", {}).get("outlets", [])) == 1}
    assert outlet_deployments == set(SLUGS), "deploy/prefect.yaml has a deployment for an outlet the registry lacks"
