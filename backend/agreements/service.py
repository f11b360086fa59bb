"""Loan agreements: rendering for an approved offer, the borrower's signature, and the verification of
a listed loan's agreement against the chain index.

The flow: the borrower asks for the agreement of its signed offer and intended listing (`prepare`: the
rendered text, its hash and the EIP-712 typed data), signs the typed data with its wallet and posts the
signature (`sign`: recovered and checked against the agreement's borrower), then lists with
`list(params, offer, signature, agreementHash)`. The market emits AgreementBound at listing and
AgreementAccepted at every funding (backend/agreements/projections.py); `loan_agreement` puts them
together with the signature, recovered again on every read.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_checksum_address
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.agreements import problems, render
from backend.agreements.config import AgreementSettings
from backend.agreements.models import (
    DRAFT,
    SIGNED,
    AgreementAcceptanceView,
    AgreementBindingView,
    LoanAgreement,
)
from backend.agreements.render import ZERO_ADDRESS, Fees
from backend.agreements.schemas import (
    Acceptance,
    AgreementIn,
    AgreementOut,
    Binding,
    BorrowerSignature,
    LoanAgreementOut,
)
from backend.loans.models import LoanView
from backend.risk.models import LoanApplication

FeeSource = Callable[[], Fees]


def market_fees(settings: Any) -> Fees:
    """The market's current fees, read from the chain (`config()`)."""
    from backend.chain.client import deployment_reader

    if not settings.rpc_url:
        raise problems.fees_unavailable("no RPC endpoint configured (PEERLEND_RPC_URL)")
    try:
        config = deployment_reader(settings).contract("LoanMarket").functions.config().call()
    except Exception as exc:  # any failure to read is the same 503 to the borrower
        raise problems.fees_unavailable(f"{type(exc).__name__}: {exc}"[:300]) from exc
    return Fees(int(config[0]), int(config[1]), int(config[2]), int(config[3]))


def _same(a: str, b: str) -> bool:
    return a.lower() == b.lower()


def _offer_of(session: Session, wallet: str, application_id: str) -> tuple[LoanApplication, dict[str, Any]]:
    app = session.get(LoanApplication, application_id)
    if app is None or not _same(app.wallet, wallet) or app.status != "approved":
        raise problems.application_not_found()
    signed = app.signed_offer or {}
    if signed.get("status") != "signed" or not signed.get("typed_data"):
        raise problems.offer_not_signed()
    return app, signed


def listing_terms(
    app: LoanApplication,
    signed: dict[str, Any],
    body: AgreementIn,
    fees: Fees,
    options: AgreementSettings,
) -> dict[str, Any]:
    """The terms an agreement is rendered from: the intended listing, checked against the offer as the
    market will check it, and the fees in force."""
    offer = signed["typed_data"]["message"]
    principal, min_fill = body.principal, body.min_fill
    periods = body.num_periods if body.num_periods is not None else int(offer["maxPeriods"])
    if principal == 0 or principal > int(offer["maxPrincipal"]):
        raise problems.outside_offer("principal", f"the offer allows 1 to {offer['maxPrincipal']} base units")
    if min_fill > principal:
        raise problems.outside_offer("minFill", "the minimum fill is at most the principal")
    if periods > int(offer["maxPeriods"]):
        raise problems.outside_offer("numPeriods", f"the offer allows at most {offer['maxPeriods']}")
    token: str = to_checksum_address(body.collateral_token)
    offered_token = str(offer["collateralToken"])
    if body.collateral_amount == 0 and (
        int(offer["minCollateral"]) or not _same(offered_token, ZERO_ADDRESS)
    ):
        raise problems.outside_offer("collateralAmount", "the offer requires collateral")
    if body.collateral_amount and not _same(offered_token, ZERO_ADDRESS):
        if not _same(token, offered_token) or body.collateral_amount < int(offer["minCollateral"]):
            raise problems.outside_offer(
                "collateral", f"the offer asks for at least {offer['minCollateral']} of {offered_token}"
            )
    if body.collateral_amount == 0:
        token = ZERO_ADDRESS
    person = app.identity_hash or app.wallet.lower()
    return {
        "templateVersion": options.template_version,
        "applicationId": app.id,
        "borrower": to_checksum_address(app.wallet),
        # a pseudonym of the person (the KYC keyed hash of its ID), stable across its wallets
        "borrowerRef": keccak(text=f"agreement-borrower:{person}").hex()[:16],
        "market": to_checksum_address(signed["market"]),
        "chainId": int(signed["chain_id"]),
        "grade": int(offer["grade"]),
        "currency": options.currency,
        "decimals": options.decimals,
        "principal": str(principal),
        "minFill": str(min_fill if min_fill else principal),
        "aprBps": int(offer["aprBps"]),
        "numPeriods": periods,
        "periodLength": int(offer["periodLength"]),
        "listingDeadline": body.listing_deadline,
        "collateralToken": token,
        "collateralAmount": str(body.collateral_amount),
        "originationFeeBps": fees.origination_fee_bps,
        "servicingFeeBps": fees.servicing_fee_bps,
        "reserveShareBps": fees.reserve_share_bps,
        "lateFeeBpsPerDay": fees.late_fee_bps_per_day,
    }


def _out(a: LoanAgreement) -> AgreementOut:
    t = a.terms
    return AgreementOut(
        id=a.id,
        application_id=a.application_id,
        borrower=a.wallet,
        template_version=a.template_version,
        status=a.status,  # type: ignore[arg-type]
        text=a.text,
        agreement_hash=a.agreement_hash,
        typed_data=render.typed_data(t, a.agreement_hash, wire=True),
        signature=a.signature,
        signed_at=a.signed_at,
        listing_params={
            "principal": t["principal"],
            # the market reads 0 as "the principal"; the text states the effective one
            "minFill": "0" if t["minFill"] == t["principal"] else t["minFill"],
            "numPeriods": t["numPeriods"],
            "periodLength": t["periodLength"],
            "listingDeadline": t["listingDeadline"],
            "collateralToken": t["collateralToken"],
            "collateralAmount": t["collateralAmount"],
            "agreementHash": a.agreement_hash,
        },
    )


def prepare(
    session: Session, options: AgreementSettings, wallet: str, body: AgreementIn, fees: FeeSource
) -> AgreementOut:
    """The agreement for `wallet`'s approved application and intended listing; the same terms give the
    same agreement (text, hash, id) again."""
    app, signed = _offer_of(session, wallet, body.application_id)
    terms = listing_terms(app, signed, body, fees(), options)
    text = render.render_text(terms)
    digest = render.agreement_hash(text)
    existing = session.scalar(select(LoanAgreement).where(LoanAgreement.agreement_hash == digest))
    if existing is not None:
        return _out(existing)
    agreement = LoanAgreement(
        id=str(uuid.uuid4()),
        application_id=app.id,
        wallet=terms["borrower"],
        template_version=terms["templateVersion"],
        terms=terms,
        text=text,
        agreement_hash=digest,
        status=DRAFT,
    )
    session.add(agreement)
    session.commit()
    return _out(agreement)


def recover(agreement: LoanAgreement, signature: str) -> str:
    """The wallet whose EIP-712 signature of `agreement`'s typed data `signature` is."""
    message = encode_typed_data(
        full_message=render.typed_data(agreement.terms, agreement.agreement_hash, wire=False)
    )
    try:
        return str(Account.recover_message(message, signature=bytes.fromhex(signature[2:])))
    except Exception as exc:  # eth_keys raises several kinds for a malformed signature
        raise problems.bad_signature(f"no signer recovers from it: {type(exc).__name__}") from exc


def _own(session: Session, wallet: str, agreement_id: str) -> LoanAgreement:
    agreement = session.get(LoanAgreement, agreement_id)
    if agreement is None or not _same(agreement.wallet, wallet):
        raise problems.agreement_not_found()
    return agreement


def get_own(session: Session, wallet: str, agreement_id: str) -> AgreementOut:
    return _out(_own(session, wallet, agreement_id))


def sign(session: Session, wallet: str, agreement_id: str, signature: str, now: datetime) -> AgreementOut:
    """Stores the borrower's signature of its agreement once it recovers to the borrower. Only the
    borrower reaches its agreement; another wallet's is a 404."""
    agreement = _own(session, wallet, agreement_id)
    recovered = recover(agreement, signature)
    if not _same(recovered, agreement.wallet):
        raise problems.wrong_signer(agreement.wallet, recovered)
    if agreement.status == SIGNED:
        if agreement.signature == signature.lower():
            return _out(agreement)
        raise problems.already_signed()
    agreement.signature, agreement.status, agreement.signed_at = signature.lower(), SIGNED, now
    session.commit()
    return _out(agreement)


def signed_by(session: Session, digest: str, borrower: str | None) -> bool:
    """`digest` is that of an agreement `borrower` signed."""
    agreement = session.scalar(select(LoanAgreement).where(LoanAgreement.agreement_hash == digest.lower()))
    return (
        agreement is not None
        and agreement.status == SIGNED
        and borrower is not None
        and agreement.wallet.lower() == borrower.lower()
    )


def loan_agreement(session: Session, loan_id: int) -> LoanAgreementOut:
    """A listed loan's agreement with its signatures, each verified: the borrower's EIP-712 signature
    recovered and matched with the loan's borrower, the hash bound on-chain equal to the signed one, and
    every funding's acceptance of that hash."""
    binding = session.get(AgreementBindingView, loan_id)
    loan = session.get(LoanView, loan_id)
    if binding is None or loan is None:
        raise problems.loan_agreement_not_found(loan_id)
    agreement = session.scalar(
        select(LoanAgreement).where(LoanAgreement.agreement_hash == binding.agreement_hash)
    )
    recovered: str | None = None
    if agreement is not None and agreement.signature:
        try:
            recovered = recover(agreement, agreement.signature)
        except Exception:  # a stored signature that no longer recovers is reported as such
            recovered = None
    text_ok = agreement is not None and render.agreement_hash(agreement.text) == binding.agreement_hash
    signature_ok = recovered is not None and _same(recovered, loan.borrower) and text_ok
    rows = session.scalars(
        select(AgreementAcceptanceView)
        .where(AgreementAcceptanceView.loan_id == loan_id)
        .order_by(AgreementAcceptanceView.note_id)
    ).all()
    acceptances = [
        Acceptance(
            note_id=r.note_id,
            lender=r.lender,
            agreement_hash=r.agreement_hash,
            verified=r.agreement_hash == binding.agreement_hash,
            tx_hash=r.tx_hash,
            block_number=r.block_number,
            accepted_at=r.accepted_at,
        )
        for r in rows
    ]
    matches_signed = signed_by(session, binding.agreement_hash, loan.borrower)
    return LoanAgreementOut(
        loan_id=loan_id,
        agreement_id=agreement.id if agreement is not None else None,
        template_version=agreement.template_version if agreement is not None else None,
        borrower=loan.borrower,
        agreement_hash=binding.agreement_hash,
        text=agreement.text if agreement is not None else "",
        borrower_signature=BorrowerSignature(
            signature=agreement.signature if agreement is not None else None,
            recovered=recovered,
            verified=signature_ok,
        ),
        binding=Binding(
            agreement_hash=binding.agreement_hash,
            matches_signed=matches_signed,
            tx_hash=binding.tx_hash,
            block_number=binding.block_number,
            bound_at=binding.bound_at,
        ),
        acceptances=acceptances,
        verified=signature_ok and matches_signed and all(a.verified for a in acceptances),
    )
