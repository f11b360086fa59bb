"""`peerlend disclosure ...`:

- `verify 2026-11 [--api URL] [--rpc URL] [--registry ADDRESS]`: check a month's published disclosure
  against its on-chain anchor (backend/disclosure/verify.py); exit 1 when it does not verify.
- `verify-export FILE --signature S --signer A [--sha256 H]`: check a regulator export's detached
  signature (backend/disclosure/signing.py).
- `publish`: one publishing pass, as the worker runs it (backend/disclosure/publishing.py).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    disclosure = subparsers.add_parser("disclosure", help="public disclosure and regulator exports")
    commands = disclosure.add_subparsers(dest="disclosure_command", required=True, metavar="ACTION")
    verify = commands.add_parser("verify", help="verify a month's disclosure against its on-chain anchor")
    verify.add_argument("period", help="the month, yyyy-mm")
    verify.add_argument("--api", default=os.environ.get("PEERLEND_API_URL", "http://127.0.0.1:8000"))
    verify.add_argument("--rpc", default=None, help="JSON-RPC URL (default: PEERLEND_RPC_URL)")
    verify.add_argument("--registry", default=None, help="DisclosureRegistry address (default: manifest)")
    verify.set_defaults(handler=_verify)
    export = commands.add_parser("verify-export", help="verify a regulator export's detached signature")
    export.add_argument("file", type=Path)
    export.add_argument("--signature", required=True, help="X-Export-Signature (0x..., 65 bytes)")
    export.add_argument("--signer", required=True, help="the disclosure key's address (the manifest's)")
    export.add_argument("--sha256", help="X-Export-SHA256, checked too if given")
    export.set_defaults(handler=_verify_export)
    publish = commands.add_parser("publish", help="store and anchor every ended month not published yet")
    publish.set_defaults(handler=_publish)


def _manifest_registry() -> str | None:
    from backend.chain.errors import ChainError
    from backend.chain.manifest import load_manifest
    from backend.core.settings import get_settings

    try:
        return load_manifest(get_settings().resolved_manifest_path).address("DisclosureRegistry")
    except (ChainError, ValueError):
        return None


def _verify(args: argparse.Namespace) -> int:
    from backend.core.settings import get_settings
    from backend.disclosure.verify import verify

    rpc = args.rpc or get_settings().rpc_url or "http://127.0.0.1:8545"
    result = verify(args.period, args.api, rpc, args.registry or _manifest_registry())
    for line in result.lines():
        print(line)
    return 0 if result.ok else 1


def _verify_export(args: argparse.Namespace) -> int:
    from backend.disclosure.signing import verify_export

    ok = verify_export(args.file.read_bytes(), args.signature, args.signer, args.sha256)
    print(f"{args.file}: {'signature valid' if ok else 'SIGNATURE INVALID'} for {args.signer}")
    return 0 if ok else 1


def _publish(_args: argparse.Namespace) -> int:
    from backend.chain.client import ChainClient
    from backend.core.settings import get_settings
    from backend.db.session import get_engine, make_sessionmaker
    from backend.disclosure.config import disclosure_settings
    from backend.disclosure.publishing import publish_due

    settings = get_settings()
    engine = get_engine(settings)
    chain = ChainClient.from_settings(settings) if settings.rpc_url else None
    result = publish_due(
        make_sessionmaker(engine), engine, settings.chain_id, disclosure_settings(settings.env), chain
    )
    print(
        f"computed {result.computed or '-'}; anchored now {result.sent or '-'}; "
        f"waiting {result.waiting or '-'}; anchored {result.anchored or '-'}; failed {result.failed or '-'}"
    )
    return 1 if result.failed else 0
