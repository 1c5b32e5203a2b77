"""``python -m bench [--scale full|small]``: every figure beside its baseline, in one run.

Prints a table, writes the same figures as JSON to ``bench/results/<timestamp>.json``
and ends with one line that scripts read:
``bench: e2e_ratio=X e2e_ratio_1k=X fetch_vs_bound=Y noop_fraction=Z rss_mb_1k=A rss_mb_10k=B rss_ratio=R
get_median_ms=C get_s3_median_ms=D get_requests=N search_p95_ms=S reextract_ratio=T``

Archive sizes are totals over the six outlets (the replica serves a sixth of
them per outlet; what discovery finds of them shows as the runs' new articles); 6,000 is 1,000 per outlet. The end-to-end and no-op runs are
``newsarchive run`` as a user starts it, without a Prefect server, start-up
included; the no-op run is measured once more as the Prefect flow, with Prefect's
API keeping its runs in a PostgreSQL database the benchmark starts, as deployed
(``deploy/compose.yaml``), and so is the full run at the largest size (``full`` only).
``noop_fraction`` in the last line is the largest over the sizes of 6,000 articles
and more (over all sizes when there are none), ``e2e_ratio`` and ``rss_mb_10k``
are the largest size's, ``e2e_ratio_1k`` and ``rss_mb_1k`` the smallest's.
``small`` runs the same measurements at smaller sizes.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"

SCALES = {
    "full": {"e2e": (1_000, 6_000, 10_000), "fetch_per_outlet": 200, "latency_ms": 100, "cpu_pages": 1_000,
             "captures": 100_000, "near_dup": (10_000, 100_000), "search": 100_000, "flow_full_run": True},
    "small": {"e2e": (300, 1_000), "fetch_per_outlet": 50, "latency_ms": 100, "cpu_pages": 300,
              "captures": 10_000, "near_dup": (1_000, 10_000), "search": 10_000, "flow_full_run": False},
}


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(scale: str) -> dict:
    from bench import e2e, fetch, near_dup, retrieval, search
    from tests.servers.postgres import PostgresServer

    plan = SCALES[scale]
    results: dict = {"scale": scale, "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                     "machine": {"cores": os.cpu_count(), "python": platform.python_version()}, "plan": plan}
    results["e2e"] = []
    database = PostgresServer().start()  # for Prefect's API, as deployed
    try:
        for size in plan["e2e"]:
            largest = size == plan["e2e"][-1]
            flow_full_run = largest and plan["flow_full_run"]
            _log(f"end-to-end at {size} articles: full run, baseline, no-op run, no-op as a Prefect flow"
                 + (", reextract" if largest else "") + (", full run as a Prefect flow" if flow_full_run else ""))
            prefect_db = database.create_database(f"prefect_e2e_{size}").replace("postgresql:", "postgresql+asyncpg:")
            results["e2e"].append(e2e.measure(size, prefect_db, with_flow_run=flow_full_run, with_reextract=largest))
    finally:
        database.stop()
    _log(f"fetch + WARC at {plan['latency_ms']} ms latency")
    results["fetch"] = fetch.against_bound(plan["fetch_per_outlet"], plan["latency_ms"])
    _log("fetch CPU per page at zero latency, beside wget")
    results["fetch_cpu"] = fetch.cpu_per_page(plan["cpu_pages"])
    _log(f"get latency over {plan['captures']} captures")
    results["get"] = retrieval.measure(plan["captures"])
    results["near_dup"] = {"signature_ms": near_dup.signature_cost(), "sizes": []}
    for size in plan["near_dup"]:
        _log(f"near-duplicate index at {size} documents")
        results["near_dup"]["sizes"].append(near_dup.measure(size))
    _log(f"search over {plan['search']} articles")
    results["search"] = search.measure(plan["search"])
    results["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return results


def _noop_fraction(results: dict) -> float:
    named = [e for e in results["e2e"] if e["articles"] >= 6_000] or results["e2e"]
    return max(e["noop_fraction"] for e in named)


def summary_line(results: dict) -> str:
    small, large = results["e2e"][0], results["e2e"][-1]
    get = results["get"]
    return (f"bench: e2e_ratio={large['e2e_ratio']:.2f} e2e_ratio_1k={small['e2e_ratio']:.2f} "
            f"fetch_vs_bound={results['fetch']['ratio']:.2f} noop_fraction={_noop_fraction(results):.3f} "
            f"rss_mb_1k={small['full']['rss_mb']:.0f} rss_mb_10k={large['full']['rss_mb']:.0f} "
            f"rss_ratio={large['full']['rss_mb'] / small['full']['rss_mb']:.2f} "
            f"get_median_ms={get['local']['median_ms']:.2f} get_s3_median_ms={get['seaweedfs']['median_ms']:.1f} "
            f"get_requests={max(get['local']['max_requests'], get['seaweedfs']['max_requests'])} "
            f"search_p95_ms={results['search']['http']['p95_ms']:.1f}"
            + (f" reextract_ratio={large['reextract_ratio']:.2f}" if "reextract_ratio" in large else ""))


def table(results: dict) -> str:
    rows = [("measurement", "figure", "baseline", "ratio", "target")]
    first, last = results["e2e"][0], results["e2e"][-1]
    for e in results["e2e"]:
        n = e["articles"]
        target = ">= 1.0" if e is last else (">= 0.7" if n <= 1_002 else "-")
        rows.append((f"1. end-to-end, {n:,} articles", f"{e['full']['pages_per_s']:.0f} pages/s ({e['full']['new']:,} new)",
                     f"trafilatura {e['baseline']['pages_per_s']:.0f} pages/s", f"{e['e2e_ratio']:.2f}", target))
    rows.append(("   the replica's CPU meanwhile", f"{last['full'].get('replica_cpu_s', float('nan')):.1f} s "
                 "(answers rendered before)", f"the run's own {last['full']['cpu_s']:.1f} s", "-", "info"))
    if "full_flow" in last:
        ff = last["full_flow"]
        rows.append((f"   as a Prefect flow, {last['articles']:,}", f"{ff['pages_per_s']:.0f} pages/s",
                     f"trafilatura {last['baseline']['pages_per_s']:.0f} pages/s", f"{last['flow_e2e_ratio']:.2f}",
                     "info"))
    f = results["fetch"]
    rows.append((f"2. fetch + WARC, {f['latency_ms']} ms latency", f"{f['pages_per_s']:.0f} pages/s",
                 f"politeness bound {f['bound_pages_per_s']:.0f} pages/s", f"{f['ratio']:.2f}", ">= 0.9"))
    c = results["fetch_cpu"]
    wget = c["wget"]
    rows.append(("   fetch CPU per page, 0 ms latency", f"{c['crawler']['cpu_ms_per_page']:.1f} ms "
                 f"(+{c['crawler']['startup_cpu_s']:.1f} s start-up)",
                 f"wget {wget.get('cpu_ms_per_page', float('nan')):.1f} ms ({wget.get('pages_per_s', float('nan')):.0f} pages/s)",
                 f"{c['crawler']['cpu_ms_per_page'] / wget['cpu_ms_per_page']:.1f}" if "cpu_ms_per_page" in wget else "-",
                 "info"))
    for e in results["e2e"]:
        rows.append((f"3. no-op run, {e['articles']:,} archived", f"{e['noop']['wall_s']:.1f} s, "
                     f"{e['noop']['requests']} requests", f"full run {e['full']['wall_s']:.1f} s, "
                     f"{e['full']['requests']} requests", f"{e['noop_fraction']:.3f}",
                     "< 0.10" if e["articles"] >= 6_000 else "info"))
    for e in results["e2e"]:
        rows.append((f"   as a Prefect flow, {e['articles']:,}", f"{e['noop_flow']['wall_s']:.1f} s",
                     f"full run {e['full']['wall_s']:.1f} s", f"{e['noop_flow_fraction']:.3f}", "info"))
    if "reextract" in last:
        r = last["reextract"]
        rows.append((f"8. reextract, {r['pages']:,} archived pages", f"{r['pages_per_s']:.0f} pages/s",
                     f"trafilatura {last['baseline']['pages_per_s']:.0f} pages/s, one process",
                     f"{last['reextract_ratio']:.2f}", ">= 1.6"))
    rows.append((f"4. peak RSS, {first['articles']:,} / {last['articles']:,}",
                 f"{first['full']['rss_mb']:.0f} / {last['full']['rss_mb']:.0f} MB",
                 f"PSS {first['full']['pss_mb']:.0f} / {last['full']['pss_mb']:.0f} MB",
                 f"{last['full']['rss_mb'] / first['full']['rss_mb']:.2f}", "<= 1.25, <= 800 MB"))
    if "full_flow" in last:
        ff = last["full_flow"]
        rows.append((f"   as a Prefect flow, {last['articles']:,}", f"{ff['rss_mb']:.0f} MB",
                     f"PSS {ff['pss_mb']:.0f} MB; Prefect server {ff['prefect_server_rss_mb']:.0f} MB apart", "-",
                     "info"))
    g = results["get"]
    for name in ("local", "seaweedfs"):
        s = g[name]
        rows.append((f"5. get, {g['captures']:,} captures, {name}", f"median {s['median_ms']:.1f} ms, "
                     f"p95 {s['p95_ms']:.1f} ms, {s['requests_per_lookup']:.1f} requests "
                     f"(first {s['first']['requests']})",
                     f"record read alone {s['record_alone_median_ms']:.1f} ms",
                     f"{s['median_ms'] / s['record_alone_median_ms']:.1f}",
                     "<= 3 requests, < 25 ms" if name == "seaweedfs" else "info"))
    rows.append((f"   index writes, {g['captures']:,} captures", f"local {g['local']['load_s']:.0f} s, "
                 f"SeaweedFS {g['seaweedfs']['load_s']:.0f} s", "one add per WARC of 1,000", "-", "info"))
    nd = results["near_dup"]
    for s in nd["sizes"]:
        rows.append((f"6. near-dup index, {s['documents']:,} docs", f"insert {s['insert_ms']:.2f} ms, "
                     f"query {s['query_ms']:.2f} ms", f"signature {nd['signature_ms']:.2f} ms/article",
                     "-", "info"))
    q = results["search"]
    rows.append((f"7. search, {q['articles']:,} articles", f"median {q['http']['median_ms']:.1f} ms, "
                 f"p95 {q['http']['p95_ms']:.1f} ms (page)", f"LIKE scan median {q['baseline_like_scan']['median_ms']:.0f} ms",
                 f"{q['baseline_like_scan']['median_ms'] / q['http']['median_ms']:.0f}x",
                 "median < 100 ms, p95 < 300 ms"))
    rows.append(("   search index per 10,000 articles", f"build {q['build_s_per_10k']:.1f} s, "
                 f"{q['index_mb_per_10k']:.0f} MB", f"index call alone: median {q['index']['median_ms']:.1f} ms, "
                 f"p95 {q['index']['p95_ms']:.1f} ms", "-", "info"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory for the JSON results")
    args = parser.parse_args(argv)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    start = time.perf_counter()
    results = run(args.scale)
    results["bench_wall_s"] = time.perf_counter() - start
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{args.scale}.json"
    path.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(table(results))
    print(f"results: {path}   ({results['bench_wall_s'] / 60:.1f} min)")
    print(summary_line(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
