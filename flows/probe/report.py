"""The probe of several outlets: running it, its exit status, and its report as rows and Markdown."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from flows.probe.checks import probe_outlet
from flows.probe.results import OutletProbe
from flows.probe.http import ProbeClient
from flows.probe.verdict import READY, VERDICTS
from spiders import settings
from spiders.outlets import get_outlet

EXIT_READY = 0  # every outlet probed is ready
EXIT_NOT_READY = 1  # some outlet is degraded, blocked or unreachable (usage errors exit 2, as every command)


@dataclass
class ProbeReport:
    started: str
    proxy: str | None
    user_agent: str
    outlets: list[OutletProbe] = field(default_factory=list)

    @property
    def exit_status(self) -> int:
        return EXIT_READY if all(o.verdict == READY for o in self.outlets) else EXIT_NOT_READY

    def counts(self) -> dict[str, int]:
        return {verdict: sum(1 for o in self.outlets if o.verdict == verdict) for verdict in VERDICTS}

    def to_dict(self) -> dict:
        return {"started": self.started, "proxy": self.outlets[0].proxy if self.outlets else None,
                "user_agent": self.user_agent, "counts": self.counts(),
                "outlets": [o.to_dict() for o in self.outlets]}


def run_probe(slugs: list[str], proxy: str | None = None, timeout: float = 20.0, delay: float | None = None,
              now: datetime | None = None) -> ProbeReport:
    """Probe ``slugs`` one after the other (each outlet with its own politeness delay)."""
    agent = settings.from_environment()["USER_AGENT"]
    now = now or datetime.now(timezone.utc)
    report = ProbeReport(now.isoformat(timespec="seconds"), proxy, str(agent))
    for slug in slugs:
        with ProbeClient(get_outlet(slug), proxy, timeout, str(agent), delay) as client:
            report.outlets.append(probe_outlet(client, now))
    return report


# -- rendering -------------------------------------------------------------------------

def _endpoint_cell(endpoint: dict) -> str:
    if not endpoint["allowed"]:
        return "robots.txt forbids"
    if endpoint["block"]:
        return f"blocked ({endpoint['block']['status']})"
    if endpoint["status"] is None:
        return endpoint["error"] or endpoint["note"] or "no answer"
    if endpoint["status"] != 200:
        return f"HTTP {endpoint['status']}"
    if not endpoint["parses"]:
        return "does not parse"
    return f"{endpoint['articles']}/{endpoint['candidates']} articles"


def _short_reasons(reasons: list[str], width: int = 72) -> str:
    """The first reason, cut to ``width``, and how many more (the Markdown report has them all)."""
    if not reasons:
        return "none"
    first = reasons[0] if len(reasons[0]) <= width else reasons[0][: width - 1] + "…"
    return first + (f" (+{len(reasons) - 1} more)" if len(reasons) > 1 else "")


def table_rows(report: dict) -> list[dict]:
    """One row per outlet: the verdict, its reasons, robots.txt, the endpoints, the sample article."""
    rows = []
    for outlet in report["outlets"]:
        article = outlet["article"] or {}
        endpoints = outlet["endpoints"]
        working = sum(1 for e in endpoints if e["status"] == 200 and e["parses"] and e["articles"] and not e["block"])
        rows.append({
            "outlet": outlet["slug"],
            "verdict": outlet["verdict"].upper(),
            "robots.txt": (f"forbids {len(outlet['robots']['disallowed'])} path(s)" if outlet["robots"]["disallowed"]
                           else "allows all" if outlet["robots"]["found"] else "none (allows all)"),
            "endpoints working": f"{working}/{len(endpoints)}",
            "container": {True: "found", False: "MISSING", None: "n/a"}[article.get("container_found")],
            "sample words": article.get("words", 0),
            "requests": outlet["requests"],
            "reasons": _short_reasons(outlet["reasons"]),
        })
    return rows


def markdown(report: dict) -> str:
    """The whole report: the verdicts, then per outlet its endpoints and its sample article."""
    counts = ", ".join(f"{n} {verdict}" for verdict, n in report["counts"].items() if n)
    lines = [f"# Preflight probe {report['started']}", "",
             f"User-Agent `{report['user_agent']}` · proxy: {report['proxy'] or 'none'} · {counts}", "",
             "| outlet | verdict | reasons |", "|---|---|---|"]
    lines += [f"| {o['slug']} | **{o['verdict']}** | {'; '.join(o['reasons']) or '-'} |" for o in report["outlets"]]
    for outlet in report["outlets"]:
        robots = outlet["robots"]
        lines += ["", f"## {outlet['name']} ({outlet['base_url']}): {outlet['verdict']}", "",
                  f"robots.txt: HTTP {robots['status']}" if robots["status"] is not None else f"robots.txt: {robots['error']}",
                  "", "| kind | path | robots | status | parses | URLs | articles | share | newest | note |",
                  "|---|---|---|---:|---|---:|---:|---:|---|---|"]
        for e in outlet["endpoints"]:
            share = f"{e['share']:.0%}" if e["share"] is not None else ""
            status = e["status"] if e["status"] is not None else (e["error"] or "")
            note = "; ".join(filter(None, (e["note"], f"blocked: {e['block']['marker']}" if e["block"] else None)))
            lines.append(f"| {e['kind']} | `{e['path']}` | {'allowed' if e['allowed'] else 'FORBIDDEN'} | {status} | "
                         f"{'yes' if e['parses'] else 'no'} | {e['candidates']} | {e['articles']} | {share} | "
                         f"{e['newest'] or ''} | {note} |")
        article = outlet["article"]
        if article:
            lines += ["", f"Sample article: {article['url'] or '(none found)'}", "",
                      f"- status {article['status']}, container {'found' if article['container_found'] else 'not found' if article['container_found'] is False else '-'}"
                      f", rules fired: {article['rules'] or '-'}, {article['words']} words",
                      f"- title: {article['title'] or '-'}; published: {article['published'] or '-'}; "
                      f"authors: {', '.join(article['authors']) or '-'}"]
            if article["error"] or article["block"]:
                lines.append(f"- problem: {article['error'] or article['block']['marker']}")
    return "\n".join(lines) + "\n"
