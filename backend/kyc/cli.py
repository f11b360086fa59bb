"""`peerlend kyc rewrap`: re-encrypt stored personal data under the current encryption key.

Rotation: set the new key as PEERLEND_ENCRYPTION_KEY / PEERLEND_ENCRYPTION_KEY_ID, keep the old one in
PEERLEND_ENCRYPTION_KEYS_RETIRED ({"k1": "..."}), run this command, then drop the retired key.
"""

from __future__ import annotations

import argparse

CLI_ACTOR = "system:cli"


def register(subparsers: argparse._SubParsersAction) -> None:
    kyc = subparsers.add_parser("kyc", help="KYC data maintenance")
    commands = kyc.add_subparsers(dest="kyc_command", required=True, metavar="ACTION")
    rewrap = commands.add_parser("rewrap", help="re-encrypt KYC and suitability data under the current key")
    rewrap.set_defaults(handler=_rewrap)


def _rewrap(_args: argparse.Namespace) -> int:
    from backend.core.audit import record_audit
    from backend.core.settings import get_settings
    from backend.db.session import session_scope
    from backend.kyc.models import KycApplication, pii_aad
    from backend.privacy.keys import keyring_from_settings
    from backend.privacy.rewrap import Sealed, rewrap_all
    from backend.suitability.models import SuitabilityAssessment

    settings = get_settings()
    keyring = keyring_from_settings(settings)
    targets = [
        Sealed(KycApplication, "pii_ciphertext", lambda row: pii_aad(row.id)),
        Sealed(
            SuitabilityAssessment,
            "answers_ciphertext",
            lambda row: f"suitability_assessment:{row.id}".encode(),
        ),
    ]
    with session_scope(settings) as session:
        counts = rewrap_all(session, keyring, targets)
        record_audit(session, CLI_ACTOR, "privacy.rewrapped", "keyring", keyring.current, None, counts)
    for table, changed in counts.items():
        print(f"{table}: {changed} record(s) re-encrypted under key {keyring.current}")
    return 0
