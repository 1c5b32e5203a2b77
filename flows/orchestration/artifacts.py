"""The run's results as Prefect artifacts, shown on the flow run's page in the UI."""
from __future__ import annotations

from prefect.artifacts import create_markdown_artifact, create_table_artifact

_COUNTS = ("discovered", "fetched", "new", "duplicate", "near_duplicate", "changed", "gone", "failed", "unextracted",
           "blocked", "requests")


def _table(manifest: dict) -> list[dict]:
    rows = []
    for slug, counts in manifest["outlets"].items():
        files = [f for f in manifest["files"] if f["key"].split("/")[1:2] == [slug]]
        rows.append({
            "outlet": slug,
            **{name: counts.get(name, 0) for name in _COUNTS},
            "bytes_written": sum(f["size"] for f in files),
            "warc_files": ", ".join(f["key"].rsplit("/", 1)[1] for f in files if f["key"].startswith("warc/")),
            "bucket_keys": ", ".join(f["key"] for f in files),
            "health": (counts.get("health") or {}).get("verdict", ""),
            "status": _status(counts),
        })
    return rows


def _status(counts: dict) -> str:
    if counts.get("blocked"):
        return f"BLOCKED: {counts['error']}" if counts.get("error") else "BLOCKED"
    if counts.get("error"):
        return f"FAILED: {counts['error']}"
    if counts.get("degraded"):
        return "DEGRADED: " + "; ".join(counts["degraded"])
    return "ok"


_SIGNALS = (("container_matched", "container matched"), ("words_median", "median words"),
            ("title_filled", "title found"), ("date_filled", "date found"), ("authors_filled", "authors found"),
            ("language_filled", "language found"), ("furniture_removed", "removed as furniture"),
            ("unextracted", "pages without a record"), ("blocked", "blocked requests"),
            ("duplicate", "duplicates"), ("near_duplicate", "near-duplicates"))


def _value(name: str, value) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if name == "words_median" else f"{100 * value:.0f}%"


def health_lines(manifest: dict) -> list[str]:
    """Per outlet: its verdict, the findings, and each signal beside its baseline."""
    judged = {slug: c["health"] for slug, c in manifest["outlets"].items() if c.get("health")}
    if not judged:
        return []
    lines = ["## Extraction health", ""]
    for slug, health in judged.items():
        signals, baseline = health.get("signals", {}), health.get("baseline", {})
        verdict = health.get("verdict", "")
        lines.append(f"**{slug}: {verdict.upper() if verdict == 'degraded' else verdict}**"
                     + (f" ({health['note']})" if health.get("note") else "") + f" · {signals.get('pages', 0)} pages")
        lines += [f"- {finding}" for finding in health.get("findings", [])]
        lines += ["", "| signal | this run | baseline |", "|---|---:|---:|"]
        lines += [f"| {label} | {_value(name, signals.get(name))} | {_value(name, baseline.get(name))} |"
                  for name, label in _SIGNALS]
        lines.append("")
    return lines


def _details(manifest: dict) -> str:
    lines = [f"# Run {manifest['run_id']}", "",
             f"Store: `{manifest['store']}` · manifest: `manifests/{manifest['run_id']}.json` · "
             f"layout version {manifest['layout_version']}", ""]
    failures = [(slug, f) for slug, c in manifest["outlets"].items() for f in c.get("failures", [])]
    errors = [(slug, c["error"]) for slug, c in manifest["outlets"].items() if c.get("error")]
    if errors or failures:
        lines += ["## Failures", "", "| outlet | page | reason |", "|---|---|---|"]
        lines += [f"| {slug} | (whole outlet) | {error} |" for slug, error in errors]
        lines += [f"| {slug} | {f.get('url') or ''} | {f.get('reason')} |" for slug, f in failures]
        lines.append("")
    blocks = [(slug, b) for slug, c in manifest["outlets"].items() for b in c.get("blocks", [])]
    if blocks:
        # What the site answered, as served (the answers stay in the WARC files, never as articles).
        lines += ["## Blocked", "", "| outlet | URL | status | server | marker |", "|---|---|---:|---|---|"]
        lines += [f"| {slug} | {b['url']} | {b['status']} | {b.get('server') or ''} | {b['marker']} |" for slug, b in blocks]
        lines.append("")
    lines += health_lines(manifest)
    lines += ["## Files written", "", "| key | bytes | sha256 |", "|---|---:|---|"]
    lines += [f"| `{f['key']}` | {f['size']} | `{f['sha256'][:16]}…` |" for f in manifest["files"]]
    return "\n".join(lines)


def publish_artifacts(manifest: dict) -> None:
    create_table_artifact(_table(manifest), key="archive-run-summary",
                          description=f"Per-outlet results of run {manifest['run_id']}")
    create_markdown_artifact(_details(manifest), key="archive-run-details",
                             description=f"Failures and files of run {manifest['run_id']}")
