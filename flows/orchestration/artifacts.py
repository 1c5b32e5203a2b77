"""The run's results as Prefect artifacts, shown on the flow run's page in the UI."""
from __future__ import annotations

from prefect.artifacts import create_markdown_artifact, create_table_artifact

_COUNTS = ("discovered", "fetched", "new", "duplicate", "near_duplicate", "changed", "gone", "failed", "unextracted",
           "blocked", "requests")


def _status(counts: dict) -> str:
    if counts.get("blocked"):
        return f"BLOCKED: {counts['error']}" if counts.get("error") else "BLOCKED"
    return f"FAILED: {counts['error']}" if counts.get("error") else "ok"


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
            "status": _status(counts),
        })
    return rows


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
    lines += ["## Files written", "", "| key | bytes | sha256 |", "|---|---:|---|"]
    lines += [f"| `{f['key']}` | {f['size']} | `{f['sha256'][:16]}…` |" for f in manifest["files"]]
    return "\n".join(lines)


def publish_artifacts(manifest: dict) -> None:
    create_table_artifact(_table(manifest), key="archive-run-summary",
                          description=f"Per-outlet results of run {manifest['run_id']}")
    create_markdown_artifact(_details(manifest), key="archive-run-details",
                             description=f"Failures and files of run {manifest['run_id']}")
