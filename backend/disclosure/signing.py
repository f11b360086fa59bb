"""Detached signatures of regulator exports (backend/core/signatures.py), sent as X-Export-SHA256,
X-Export-Signature and X-Export-Signer.

The signing key is the disclosure key, whose address the deployment manifest publishes
(roles.DisclosureRegistry.PUBLISHER_ROLE, and accounts.disclosurePublisher). A recipient checks a file
with `peerlend disclosure verify-export FILE --signature S --signer A`, or any EIP-191 tool.
"""

from __future__ import annotations

from backend.core.signatures import DetachedSignature, sign_export, verify_export

HEADERS = "Export"  # X-Export-*

__all__ = ["HEADERS", "DetachedSignature", "sign_export", "verify_export"]
