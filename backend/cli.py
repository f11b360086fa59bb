"""`peerlend` command line. Each domain registers its commands with `register(subparsers)` in its cli.py."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMAND_MODULES = [
    "backend.db.cli",
    "backend.auth.cli",
    "backend.kyc.cli",
    "backend.risk.cli",
    "backend.aml.cli",
    "backend.disclosure.cli",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="peerlend", description="PeerLend service administration")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from backend.core.logging import configure_logging
    from backend.core.settings import get_settings

    settings = get_settings()
    configure_logging(settings.log_level, json_output=False)
    args = build_parser().parse_args(argv)
    from backend.core.problems import Problem

    try:
        result = args.handler(args)
    except Problem as problem:
        print(f"peerlend: {problem.title}: {problem.detail or ''}".rstrip(": "), file=sys.stderr)
        return 2
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
