"""`peerlend apikey create|list|revoke`: operator API keys (the key is printed once, on creation)."""

from __future__ import annotations

import argparse

CLI_ACTOR = "system:cli"


def register(subparsers: argparse._SubParsersAction) -> None:
    apikey = subparsers.add_parser("apikey", help="operator API keys")
    commands = apikey.add_subparsers(dest="apikey_command", required=True, metavar="ACTION")
    create = commands.add_parser("create", help="create a key and print it (shown only once)")
    create.add_argument("--name", required=True)
    create.add_argument("--roles", required=True, help="comma-separated: admin,reviewer,compliance,oracle")
    create.set_defaults(handler=_create)
    listing = commands.add_parser("list", help="list keys (never the keys themselves)")
    listing.set_defaults(handler=_list)
    revoke = commands.add_parser("revoke", help="revoke a key by id")
    revoke.add_argument("key_id")
    revoke.set_defaults(handler=_revoke)


def _create(args: argparse.Namespace) -> int:
    from backend.auth.service import create_api_key
    from backend.db.session import session_scope

    with session_scope() as session:
        record, key = create_api_key(session, args.name, args.roles, CLI_ACTOR)
        print(f"id:    {record.id}\nname:  {record.name}\nroles: {record.roles}\nkey:   {key}")
    return 0


def _list(_args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from backend.auth.models import ApiKey
    from backend.db.session import session_scope

    with session_scope() as session:
        for record in session.scalars(select(ApiKey).order_by(ApiKey.created_at)):
            state = "revoked" if record.revoked_at else "active"
            print(f"{record.id}  {record.key_prefix}…  {record.roles:<28} {state:<8} {record.name}")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from backend.auth.service import revoke_api_key
    from backend.db.session import session_scope

    with session_scope() as session:
        revoke_api_key(session, args.key_id, CLI_ACTOR)
    print(f"revoked {args.key_id}")
    return 0
