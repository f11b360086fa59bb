"""`peerlend db upgrade|downgrade|current`."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    db = subparsers.add_parser("db", help="database migrations")
    commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = commands.add_parser("upgrade", help="migrate to a revision (default: head)")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(handler=_upgrade)
    down = commands.add_parser("downgrade", help="migrate down to a revision ('base' for an empty database)")
    down.add_argument("revision", nargs="?", default="-1")
    down.set_defaults(handler=_downgrade)
    current = commands.add_parser("current", help="print the database's revision")
    current.set_defaults(handler=_current)


def _upgrade(args: argparse.Namespace) -> int:
    from backend.db.migrate import upgrade

    upgrade(args.revision)
    return 0


def _downgrade(args: argparse.Namespace) -> int:
    from backend.db.migrate import downgrade

    downgrade(args.revision)
    return 0


def _current(_args: argparse.Namespace) -> int:
    from backend.db.migrate import current_revisions, head_revisions

    current, heads = current_revisions(), head_revisions()
    print(f"current: {', '.join(sorted(current)) or 'base (empty)'}")
    print(f"head:    {', '.join(sorted(heads))}")
    return 0 if current == heads else 1
