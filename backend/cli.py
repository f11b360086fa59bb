"""`peerlend` command line. Each domain registers its commands with `register(subparsers)` in its cli.py."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# A listed module that does not exist (yet) is skipped; errors inside an existing one are raised.
COMMAND_MODULES = [
    "backend.db.cli",
    "backend.auth.cli",
    "backend.kyc.cli",
    "backend.risk.cli",
    "backend.chain.indexer.cli",
    "oracle.cli",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="peerlend", description="PeerLend service administration")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and (name == exc.name or name.startswith(exc.name + ".")):
                continue
            raise
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
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
