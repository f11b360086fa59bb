"""`peerlend aml backfill --from-block N`: run the rules again over the stored events from block N (new
alerts only; backend/aml/backfill.py). `peerlend aml verify FILE --signature S --signer A`: check a
report export's detached signature (backend/aml/signing.py)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    aml = subparsers.add_parser("aml", help="anti-money-laundering monitoring")
    commands = aml.add_subparsers(dest="aml_command", required=True, metavar="ACTION")
    backfill = commands.add_parser("backfill", help="run the monitoring rules over stored chain events")
    backfill.add_argument("--from-block", type=int, required=True, help="first block to judge again")
    backfill.set_defaults(handler=_backfill)
    verify = commands.add_parser("verify", help="verify a report export against its detached signature")
    verify.add_argument("file", type=Path)
    verify.add_argument("--signature", required=True, help="X-Report-Signature (0x..., 65 bytes)")
    verify.add_argument("--signer", required=True, help="the address expected to have signed")
    verify.add_argument("--sha256", help="X-Report-SHA256, checked too if given")
    verify.set_defaults(handler=_verify)


def _backfill(args: argparse.Namespace) -> int:
    from backend.aml.backfill import backfill
    from backend.core.audit import record_audit
    from backend.core.settings import get_settings
    from backend.db.session import get_engine, make_sessionmaker, session_scope

    settings = get_settings()
    result = backfill(make_sessionmaker(get_engine(settings)), args.from_block)
    with session_scope(settings) as session:
        record_audit(
            session,
            "system:cli",
            "aml.backfilled",
            "chain_events",
            str(args.from_block),
            None,
            {"events": result.events, "alerts": result.alerts, "last_block": result.last_block},
        )
    print(f"judged {result.events} events from block {args.from_block}: {result.alerts} new alert(s)")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from backend.aml.signing import verify_export

    ok = verify_export(args.file.read_bytes(), args.signature, args.signer, args.sha256)
    print(f"{args.file}: {'signature valid' if ok else 'SIGNATURE INVALID'} for {args.signer}")
    return 0 if ok else 1
