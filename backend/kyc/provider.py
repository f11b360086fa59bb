"""Identity verification providers: four-element match (name, ID number, phone, bank card) and liveness.

Production providers (a bank-card authentication gateway, a carrier check, a liveness vendor) implement
``VerificationProvider``; the service only sees ``VerificationResult``, which carries no personal data.

``SandboxProvider`` is the default outside production. It is deterministic so tests and demos can drive
every branch. Sandbox rules (matched case-insensitively on the submitted full name unless stated):

- name contains ``MISMATCH``        → the four-element match fails (``name`` element), application rejected
- phone number ends in ``0000``     → the four-element match fails (``phone`` element), application rejected
- name contains ``SPOOF``           → liveness fails, application rejected
- liveness token ``sandbox-fail``   → liveness fails, application rejected
- name contains ``UNAVAILABLE``     → the provider raises ``ProviderUnavailable``; the application goes to
                                      manual review with reason ``provider_unavailable``
- no liveness token                 → liveness not performed (the attestation is level 1, basic)
- anything else                     → all four elements match and, with a token, liveness passes (level 2)
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class IdentityClaim:
    full_name: str
    national_id_number: str
    phone: str
    bank_card_number: str
    jurisdiction: str


@dataclass(frozen=True)
class VerificationResult:
    provider: str
    reference: str
    four_element_match: bool
    failed_elements: list[str] = field(default_factory=list)
    liveness_performed: bool = False
    liveness_passed: bool = False
    liveness_score: float | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class ProviderUnavailable(RuntimeError):
    """The provider could not give an answer (timeout, outage); the application needs a human."""


class VerificationProvider(Protocol):
    name: str

    def verify(self, claim: IdentityClaim, liveness_token: str | None) -> VerificationResult: ...


class SandboxProvider:
    name = "sandbox"

    def verify(self, claim: IdentityClaim, liveness_token: str | None) -> VerificationResult:
        upper = claim.full_name.upper()
        if "UNAVAILABLE" in upper:
            raise ProviderUnavailable("sandbox provider simulated an outage")
        failed = []
        if "MISMATCH" in upper:
            failed.append("name")
        if claim.phone.endswith("0000"):
            failed.append("phone")
        performed = liveness_token is not None
        passed = performed and liveness_token != "sandbox-fail" and "SPOOF" not in upper  # noqa: S105
        return VerificationResult(
            provider=self.name,
            reference=f"sandbox-{uuid.uuid4().hex[:16]}",
            four_element_match=not failed,
            failed_elements=failed,
            liveness_performed=performed,
            liveness_passed=passed,
            liveness_score=(0.99 if passed else 0.12) if performed else None,
        )


_PROVIDERS: dict[str, VerificationProvider] = {"sandbox": SandboxProvider()}


def register_provider(provider: VerificationProvider) -> None:
    _PROVIDERS[provider.name] = provider


def get_provider(name: str = "sandbox") -> VerificationProvider:
    try:
        return _PROVIDERS[name]
    except KeyError:
        raise LookupError(f"unknown KYC provider {name!r}; registered: {sorted(_PROVIDERS)}") from None
