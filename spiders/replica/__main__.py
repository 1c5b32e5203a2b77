"""``python -m spiders.replica serve|truth``: run the replica server, or print ground truth as JSON lines."""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from spiders.outlets import SLUGS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m spiders.replica", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("serve", "truth"):
        command = commands.add_parser(name)
        command.add_argument("--articles-per-outlet", type=int, default=50)
        command.add_argument("--seed", type=int, default=1)
        command.add_argument("--epoch", type=int, default=0)
        command.add_argument("--new-per-epoch", type=int, default=5)
        command.add_argument("--redesign", action="append", default=[], metavar="SLUG@EPOCH",
                             help="the outlet serves a new design from this epoch on (repeatable)")
        if name == "serve":
            command.add_argument("--port", type=int, default=0)
            command.add_argument("--latency-ms", type=float, default=0.0)
            command.add_argument("--fault", action="append", default=[], metavar="SPEC",
                                 help="HOST[/PATH]=KIND[:OPTIONS], repeatable (see tests/replica/faults.py)")
            command.add_argument("--prerender", action="store_true",
                                 help="render every article's answer before reporting ready, then serve the bytes "
                                      "(the benchmarks: the server's work is not the crawler's)")
        else:
            command.add_argument("--outlet", choices=SLUGS)
    args = parser.parse_args(argv)
    redesigns = {}
    for spec in args.redesign:
        slug, _, epoch = spec.partition("@")
        if slug not in SLUGS or not epoch.isdigit():
            parser.error(f"--redesign takes SLUG@EPOCH with a known outlet, not {spec!r}")
        redesigns[slug] = int(epoch)

    if args.command == "serve":
        from spiders.replica.faults import FaultSpecError, parse_fault
        from spiders.replica.server import serve

        for spec in args.fault:
            try:
                parse_fault(spec)
            except FaultSpecError as exc:
                parser.error(str(exc))
        serve(args.articles_per_outlet, args.seed, args.epoch, args.port, args.latency_ms, args.new_per_epoch, args.fault,
              redesigns, prerender=args.prerender)
        return 0

    from spiders.replica.catalogue import Replica

    replica = Replica(args.articles_per_outlet, seed=args.seed, epoch=args.epoch, new_per_epoch=args.new_per_epoch,
                      redesigns=redesigns)
    for slug in [args.outlet] if args.outlet else SLUGS:
        for truth in replica.articles(slug):
            sys.stdout.write(json.dumps(asdict(truth), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
