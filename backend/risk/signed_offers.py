"""The signed loan offer of an approved application: the EIP-712 `LoanOffer` LoanMarket.list requires.

Terms, from the application's priced offer (backend/risk/pricing.py `Offer`):

  borrower         the applicant's wallet
  maxPrincipal     the offered principal          maxPeriods   the offered term (monthly installments)
  periodLength     the period the platform lists with (PEERLEND_RISK_OFFER_PERIOD_SECONDS)
  grade, aprBps    the application's grade, at the APR the pricing table (backend/risk/pricing_table.json,
                   what the deploy writes into LoanMarket) gives it; refused when the quote, the table or
                   the market on-chain disagree, since LoanMarket lists only at the grade's current APR
  collateralToken  for a grade whose pricing entry requires collateral, the first collateral token of the
                   deployment's CollateralVault parameters (none known: any enabled token); else none
  minCollateral    0 (the vault's loan-to-value rule sets the amount)
  expiry           the chain's clock (latest block) + PEERLEND_RISK_OFFER_TTL_SECONDS
  nonce            keccak256 of the application id: unique per offer, and the same if signing is retried

The offer is signed with PEERLEND_OFFER_SIGNER_PRIVATE_KEY (LoanMarket's OFFER_SIGNER_ROLE) and stored
on the application, so every later read returns the same offer. When it cannot be signed (no chain
configured or reachable, a pricing mismatch, a signer without the role) the application carries an
offer marked unavailable, with the reason; a later read of the application tries again.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_utils import keccak, to_checksum_address
from sqlalchemy.orm import Session
from web3.exceptions import Web3Exception

from backend.chain.client import ChainClient, deployment_reader
from backend.chain.errors import ChainError
from backend.core.audit import record_audit
from backend.core.settings import Settings
from backend.db.types import utcnow
from backend.risk.config import PRICING_TABLE_PATH, RiskSettings
from backend.risk.models import LoanApplication
from backend.risk.offers import offer_digest, offer_typed_data, sign_offer

logger = logging.getLogger("peerlend.risk.offers")

SIGNED = "signed"
UNAVAILABLE = "unavailable"
ZERO_ADDRESS = "0x" + "00" * 20
MARKET = "LoanMarket"
OFFER_SIGNER_ROLE = keccak(text="OFFER_SIGNER_ROLE")
# What a failing chain client or node may raise: the service's own hierarchy, web3's (a call to an
# address without code, an RPC error) and transport errors below them.
_CHAIN_FAILURES = (ChainError, Web3Exception, OSError, ValueError)


class OfferUnavailable(Exception):
    """No offer can be signed now; `reason` is a short code clients may branch on."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def offer_nonce(application_id: str) -> int:
    """The offer's uint256 nonce: derived from the application id, so unique per offer (one offer per
    application) and the same whenever signing is retried."""
    return int.from_bytes(keccak(text=f"PeerLend LoanOffer:{application_id}"), "big")


@lru_cache(maxsize=4)
def _pricing(path: Path) -> dict[int, dict[str, Any]]:
    return {int(g["grade"]): g for g in json.loads(path.read_text())["grades"]}


def pricing_entry(grade: int, path: Path = PRICING_TABLE_PATH) -> dict[str, Any]:
    entry = _pricing(path).get(int(grade))
    if entry is None:
        raise OfferUnavailable("grade-not-priced", f"the pricing table has no grade {grade}")
    return entry


def collateral_token_for(chain: ChainClient, collateral_required: bool) -> str:
    if not collateral_required:
        return ZERO_ADDRESS
    accepted = (chain.manifest.parameters.get("CollateralVault") or {}).get("collateral") or []
    return to_checksum_address(accepted[0]["token"]) if accepted else ZERO_ADDRESS


def offer_terms(
    app: LoanApplication, risk: RiskSettings, chain_now: int, collateral_token: str
) -> dict[str, Any]:
    """The LoanOffer message for `app` (integers as the contract takes them)."""
    quoted = app.offer or {}
    priced = pricing_entry(quoted["grade"])
    if not priced["allowed"]:
        raise OfferUnavailable("grade-not-lendable", f"grade {priced['letter']} may not borrow")
    if int(quoted["apr_bps"]) != int(priced["aprBps"]):
        raise OfferUnavailable(
            "pricing-changed",
            f"the application was priced at {quoted['apr_bps']} bps, grade {priced['letter']} is now "
            f"{priced['aprBps']} bps; apply again",
        )
    return {
        "borrower": to_checksum_address(app.wallet),
        "maxPrincipal": int(quoted["principal"]),
        "maxPeriods": int(quoted["term_months"]),
        "periodLength": risk.offer_period_seconds,
        "grade": int(quoted["grade"]),
        "aprBps": int(priced["aprBps"]),
        "collateralToken": collateral_token,
        "minCollateral": 0,
        "expiry": int(chain_now) + risk.offer_ttl_seconds,
        "nonce": offer_nonce(app.id),
    }


def _check_market(chain: ChainClient, market: Any, offer: dict[str, Any], signer: str) -> None:
    """What the market will check against the offer and can be known now: the grade's APR and the
    signer's role. An offer it would refuse is not worth signing."""
    apr_bps, _max_principal, allowed = chain.call(market.functions.gradeTerms(offer["grade"]))[:3]
    if not allowed or int(apr_bps) != offer["aprBps"]:
        raise OfferUnavailable(
            "pricing-mismatch",
            f"LoanMarket lists grade {offer['grade']} at {apr_bps} bps (allowed: {allowed}), the pricing "
            f"table at {offer['aprBps']} bps",
        )
    if not chain.call(market.functions.hasRole(OFFER_SIGNER_ROLE, signer)):
        raise OfferUnavailable(
            "offer-signer-not-authorized", f"{signer} does not hold LoanMarket's OFFER_SIGNER_ROLE"
        )


def json_typed_data(offer: dict[str, Any], chain_id: int, market: str) -> dict[str, Any]:
    """The typed data as the API returns it: the uint256 nonce as decimal text (a JSON number that large
    loses precision in JavaScript); EIP-712 signers and eth_account take either form."""
    typed = offer_typed_data(offer, chain_id, market)
    typed["message"] = {**typed["message"], "nonce": str(offer["nonce"])}
    return typed


def sign(settings: Settings, risk: RiskSettings, app: LoanApplication) -> dict[str, Any]:
    """Builds and signs `app`'s offer against the live deployment; raises OfferUnavailable."""
    if not settings.rpc_url:
        raise OfferUnavailable("chain-not-configured", "no RPC endpoint configured (PEERLEND_RPC_URL)")
    key = settings.offer_signer_private_key.get_secret_value()
    try:
        signer = Account.from_key(key).address
    except (ValueError, TypeError) as exc:
        raise OfferUnavailable(
            "offer-signer-invalid", "PEERLEND_OFFER_SIGNER_PRIVATE_KEY is not a private key"
        ) from exc
    try:
        chain = deployment_reader(settings, interactive=False)
        market = chain.contract(MARKET)
        secured = bool(pricing_entry((app.offer or {})["grade"])["collateralRequired"])
        offer = offer_terms(app, risk, chain.latest_timestamp(), collateral_token_for(chain, secured))
        _check_market(chain, market, offer, signer)
    except _CHAIN_FAILURES as exc:
        raise OfferUnavailable("chain-unavailable", f"{type(exc).__name__}: {exc}"[:300]) from exc
    chain_id, address = chain.chain_id, market.address
    signature = sign_offer(offer, chain_id, address, key)
    return {
        "status": SIGNED,
        "market": address,
        "chain_id": chain_id,
        "typed_data": json_typed_data(offer, chain_id, address),
        "signature": "0x" + signature.hex(),
        "digest": "0x" + offer_digest(offer, chain_id, address).hex(),
        "signer": signer,
        "expires_at": offer["expiry"],
    }


def ensure_signed(
    session: Session, settings: Settings, risk: RiskSettings, app: LoanApplication, actor: str
) -> dict[str, Any] | None:
    """The approved application's signed offer: the stored one, else signed now and stored (or stored as
    unavailable, with the reason). The caller commits."""
    if app.status != "approved" or app.offer is None:
        return None
    if app.signed_offer is not None and app.signed_offer.get("status") == SIGNED:
        return app.signed_offer
    try:
        signed = sign(settings, risk, app)
    except OfferUnavailable as exc:
        logger.warning("offer for application %s not signed: %s (%s)", app.id, exc.reason, exc.detail)
        app.signed_offer = {
            "status": UNAVAILABLE,
            "reason": exc.reason,
            "detail": exc.detail,
            "checked_at": utcnow().isoformat(timespec="seconds"),
        }
        return app.signed_offer
    app.signed_offer = signed
    app.offer_nonce = signed["typed_data"]["message"]["nonce"]
    record_audit(
        session,
        actor,
        "risk.offer.signed",
        "loan_application",
        app.id,
        None,
        {
            "nonce": app.offer_nonce,
            "digest": signed["digest"],
            "expires_at": signed["expires_at"],
            "signer": signed["signer"],
            "market": signed["market"],
        },
    )
    return signed
