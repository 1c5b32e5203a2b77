"""One worker's part of a shared run, as a run of the ``archive-outlet/fan-out`` deployment does it.

``python -m tests.reliability.outlet_worker OUTLET RUN_ID STARTED STORE PROXY MAX_ARTICLES`` runs the
``archive_outlet`` flow (with ``recover`` on, as the parent asks of a deployment run) and prints its
outcome counts as one JSON line. The state database comes from ``NEWSARCHIVE_STATE``, the workspace
from ``NEWSARCHIVE_HOME``, as on a worker.
"""
from __future__ import annotations

import json
import sys
from datetime import datetime

from flows.orchestration import prefect_settings


def main(argv: list[str]) -> int:
    outlet, run_id, started, store, proxy, max_articles = argv
    prefect_settings.set_defaults()
    from flows.archive import archive_outlet

    with prefect_settings.run_settings():
        final = archive_outlet(outlet, run_id, datetime.fromisoformat(started), int(max_articles), store, proxy,
                               delay=0, recover=True, return_state=True)
    counts = final.result(raise_on_failure=False)
    print(json.dumps(counts if isinstance(counts, dict) else {"error": f"{type(counts).__name__}: {counts}"}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
