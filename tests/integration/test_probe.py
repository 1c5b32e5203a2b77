"""``newsarchive probe`` against the replica: each verdict in its scenario, with its reasons and exit status.

One replica serves six outlets, each in one scenario (evidence item 10 of ``live-evidence.md``:
no robots.txt of the six sites is known, so an operator runs this from the deployment network):
a healthy outlet, robots.txt disallowing our agent, a moved feed (404), a redesign that loses
the article container, a bot challenge, and a dead host.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from spiders.outlets import get_outlet
from tests.servers.replica import running_replica

pytestmark = pytest.mark.integration

VENV_BIN = Path(sys.executable).parent
CONTACT = "https://example.org/probe-contact"
SCENARIOS = [
    "southfront.press/robots.txt=robots-disallow:paths=/,agent=newsarchive",
    "alwaght.net/home/rss/4=404",
    "menafn.com/1*=redesign",
    "sputnikglobe.com/*=challenge:status=200",
    "www.mondialisation.ca/*=reset",
]


def probe(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("NEWSARCHIVE_")}
    environ.update({"NEWSARCHIVE_CONTACT_URL": CONTACT, **(env or {})})
    return subprocess.run([str(VENV_BIN / "newsarchive"), "probe", "--delay", "0", "--timeout", "5", *args],
                          env=environ, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def scenarios():
    with running_replica(20, faults=SCENARIOS) as replica:
        result = probe("--proxy", replica.proxy_url, "--json")
        healthy = probe("--proxy", replica.proxy_url, "--outlets", "globalresearch")
    return result, json.loads(result.stdout), healthy


def outlet(report: dict, slug: str) -> dict:
    return next(o for o in report["outlets"] if o["slug"] == slug)


def test_a_healthy_outlet_is_ready(scenarios):
    """Evidence item 10: a healthy outlet: robots.txt read, every endpoint parsed, a sample extracted."""
    _, report, healthy = scenarios
    gr = outlet(report, "globalresearch")
    assert gr["verdict"] == "ready" and gr["reasons"] == []
    assert gr["robots"]["status"] == 200 and gr["robots"]["disallowed"] == []
    registry = get_outlet("globalresearch", environ={})
    assert [e["path"] for e in gr["endpoints"]] == [*registry.feeds, *registry.sitemaps, *registry.sections]
    for endpoint in gr["endpoints"]:
        assert endpoint["status"] == 200 and endpoint["parses"] and endpoint["articles"] > 0
        assert 0 < endpoint["share"] <= 1
    assert outlet(report, "globalresearch")["endpoints"][0]["newest"].startswith("2026-11-20")
    article = gr["article"]
    assert article["container_found"] and article["words"] >= 100 and article["title"] and article["published"]
    assert article["authors"] and article["rules"].startswith("prune ")
    assert "?" not in article["url"]  # fetched as the spider would: the canonical URL, no tracking query
    assert healthy.returncode == 0 and "READY" in healthy.stdout and healthy.stderr == ""


def test_robots_disallowing_our_agent_is_blocked_and_nothing_else_is_fetched(scenarios):
    """Evidence item 10 (robots.txt unknown): a robots.txt naming our agent blocks the outlet; what it forbids is never requested."""
    _, report, _ = scenarios
    sf = outlet(report, "southfront")
    assert sf["verdict"] == "blocked"
    assert sf["reasons"][0].startswith("robots.txt forbids newsarchive every discovery path")
    assert all(not e["allowed"] and e["status"] is None for e in sf["endpoints"])
    assert sf["requests"] == 1  # robots.txt only


def test_a_moved_feed_is_degraded(scenarios):
    """Evidence item 10: a moved feed (404) degrades the outlet (Alwaght's feed id is a guess)."""
    _, report, _ = scenarios
    aw = outlet(report, "alwaght")
    assert aw["verdict"] == "degraded" and aw["reasons"] == ["feed /home/rss/4?lid=1: HTTP 404"]
    assert aw["article"]["container_found"]  # the listing still gave a sample


def test_a_redesign_without_the_container_is_degraded(scenarios):
    """Evidence item 10: a redesign leaves no known container: degraded (MENAFN's was wrong once)."""
    _, report, _ = scenarios
    mn = outlet(report, "menafn")
    assert mn["verdict"] == "degraded"
    assert mn["article"]["container_found"] is False
    assert any("article container is not on the page" in reason for reason in mn["reasons"])


def test_a_challenge_page_is_blocked_with_its_marker(scenarios):
    """Evidence item 10 and the blocking evidence (GR's 403s): a challenge served with 200 is a block."""
    _, report, _ = scenarios
    sp = outlet(report, "sputnik")
    assert sp["verdict"] == "blocked"
    assert sp["robots"]["block"]["status"] == 200 and sp["robots"]["block"]["server"] == "cloudflare"
    assert all(e["block"] and "challenge" in e["block"]["marker"].lower() for e in sp["endpoints"])
    assert sp["reasons"][0].startswith("blocked: HTTP 200, server cloudflare: Cloudflare challenge")


def test_a_dead_host_is_unreachable(scenarios):
    """Evidence item 10 and Sputnik's silence from EU and US cloud networks: a dead host is unreachable."""
    _, report, _ = scenarios
    mo = outlet(report, "mondialisation")
    assert mo["verdict"] == "unreachable"
    assert mo["reasons"][0].startswith("no answer from http://www.mondialisation.ca:")
    assert mo["requests"] <= 2  # robots.txt and one endpoint; the rest are not tried


def test_exit_status_and_one_line_per_outlet_not_ready(scenarios):
    """Evidence item 10: scripts read the exit status; one stderr line per outlet that is not ready."""
    result, report, _ = scenarios
    assert result.returncode == 1
    assert report["counts"] == {"ready": 1, "degraded": 2, "blocked": 2, "unreachable": 1}
    assert report["user_agent"].startswith("newsarchive/") and report["user_agent"].endswith(f"(+{CONTACT})")
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 5 and all(line.startswith("newsarchive: probe: ") for line in lines)


def test_redirects_off_the_outlet_and_refusals(tmp_path):
    """Evidence item 10: off-domain redirects are refused, a 403 challenge blocks, proxy credentials stay hidden."""
    faults = ["www.globalresearch.ca/feed=redirect-offsite", "sputnikglobe.com/*=challenge"]
    with running_replica(10, faults=faults) as replica:
        # the proxy's credentials come from NEWSARCHIVE_PROXY and never show in the report
        env = {"NEWSARCHIVE_PROXY": f"http://probe:s3cret@127.0.0.1:{replica.port}"}
        result = probe("--proxy", replica.proxy_url, "--outlets", "globalresearch,sputnik", "--json", env=env)
    report = json.loads(result.stdout)
    gr, sp = outlet(report, "globalresearch"), outlet(report, "sputnik")
    assert gr["verdict"] == "degraded"
    assert gr["endpoints"][0]["error"] == "refused request off the outlet's domains: offsite.example"
    assert sp["verdict"] == "blocked" and sp["endpoints"][0]["block"]["status"] == 403
    assert "cf-mitigated" in sp["endpoints"][0]["block"]["marker"]
    assert "s3cret" not in result.stdout + result.stderr and report["proxy"] == replica.proxy_url


@pytest.mark.parametrize("args, words", [
    (["--outlets", "nosuch"], "nosuch"),
    (["--timeout", "0"], "timeout"),
    (["--proxy", "http://user:pw@127.0.0.1:3128"], "credentials"),
])
def test_bad_input_is_one_line_and_exit_2(args, words):
    result = probe(*args)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().count("\n") == 0 and words in result.stderr
