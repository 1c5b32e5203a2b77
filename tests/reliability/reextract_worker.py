"""A re-extraction after a rules fix, as ``newsarchive reextract`` runs it, in its own process.

``python -m tests.reliability.reextract_worker OUTLET STORE WORD`` adds a rule that drops
every paragraph containing WORD to the outlet's rules (the fix a developer would ship),
then re-extracts the outlet's stored WARCs and prints the summary as one JSON line.
Extraction runs in this process (``NEWSARCHIVE_EXTRACT_WORKERS=1``), where the rule is.
"""
from __future__ import annotations

import dataclasses
import json
import os
import sys


def main(argv: list[str]) -> int:
    outlet, store, word = argv
    os.environ["NEWSARCHIVE_EXTRACT_WORKERS"] = "1"
    import spiders.outlets as registry
    from flows.pipeline.reextract import ReextractRequest, reextract

    from tests.integration.archive_fixtures import rules_dropping

    current = registry._BUILTIN[outlet]
    registry._BUILTIN[outlet] = dataclasses.replace(current, rules=rules_dropping(current, word))
    summary = reextract(ReextractRequest(outlet, store))
    print(json.dumps(summary.to_dict()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
