"""Detached signatures of suspicious-transaction report exports (backend/core/signatures.py), sent as
X-Report-SHA256, X-Report-Signature and X-Report-Signer.

The signing key is the report signing key (`PEERLEND_AML_REPORT_SIGNING_KEY`, by default the service's
attester key, whose address the deployment manifest publishes under roles.IdentityRegistry.ATTESTER_ROLE).
"""

from __future__ import annotations

from backend.core.signatures import DetachedSignature, sign_export, verify_export

HEADERS = "Report"  # X-Report-*

__all__ = ["HEADERS", "DetachedSignature", "sign_export", "verify_export"]
