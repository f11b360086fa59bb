"""Loan applications: validate -> score -> anti-fraud -> decide -> offer -> persist (-> oracle report).

Route functions are sync (FastAPI runs them in its thread pool): scoring and DB calls never block the
event loop."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.core.audit import record_audit
from backend.core.settings import Settings
from backend.db.types import utcnow
from backend.risk import decision as decision_mod
from backend.risk import fraud, gates, monitoring, problems, reports, signed_offers
from backend.risk.applicant import applicant_context
from backend.risk.config import RiskSettings
from backend.risk.features import check_attributes, model_input
from backend.risk.kyc_link import kyc_link
from backend.risk.models import LoanApplication
from backend.risk.schemas import BatchItem, LoanApplicationCreate
from backend.risk.scorecard import GRADE_LETTERS, Scorecard, ScorecardError

STATUS_FOR = {"approve": "approved", "review": "review", "decline": "declined"}


def validate_terms(body: LoanApplicationCreate, settings: RiskSettings) -> list[dict]:
    errors = []
    if not settings.min_amount <= body.amount <= settings.max_amount:
        errors.append(
            {
                "loc": ["body", "amount"],
                "type": "amount_out_of_range",
                "msg": f"amount must be between {settings.min_amount} and {settings.max_amount} base units "
                "(6 decimals)",
            }
        )
    if not settings.min_term_months <= body.term_months <= settings.max_term_months:
        errors.append(
            {
                "loc": ["body", "termMonths"],
                "type": "term_out_of_range",
                "msg": f"term must be between {settings.min_term_months} and {settings.max_term_months} "
                "months",
            }
        )
    if body.monthly_income > settings.max_monthly_income:
        errors.append(
            {
                "loc": ["body", "monthlyIncome"],
                "type": "income_out_of_range",
                "msg": f"monthly income above {settings.max_monthly_income} base units is not plausible",
            }
        )
    return errors


def _reason_dicts(result) -> list[dict]:
    return [{"code": r.code, "text": r.text, "points_lost": round(r.points_lost, 2)} for r in result.reasons]


def submit(
    session: Session,
    card: Scorecard,
    settings: RiskSettings,
    wallet: str,
    body: LoanApplicationCreate,
    app_settings: Settings,
) -> LoanApplication:
    errors = validate_terms(body, settings) + check_attributes(card, body.attributes)
    if errors:
        raise problems.invalid_application(errors)
    attributes = {k: (v.strip() if isinstance(v, str) else v) for k, v in body.attributes.items()}
    result = card.score(model_input(body.amount, body.term_months, body.purpose.value, attributes))

    # First statement of the transaction: later applications of this wallet wait here until this one
    # is stored, so every velocity count below sees all applications committed before it.
    gates.hold(session, f"wallet:{wallet}")
    link = kyc_link(session, wallet)
    if link.national_id_hash:
        gates.hold(session, f"identity:{link.national_id_hash}")
    since = utcnow() - timedelta(hours=settings.velocity_window_hours)
    by_wallet = (
        session.scalar(
            select(func.count())
            .select_from(LoanApplication)
            .where(LoanApplication.wallet == wallet, LoanApplication.created_at >= since)
        )
        or 0
    )
    by_identity = 0
    if link.national_id_hash:
        by_identity = (
            session.scalar(
                select(func.count())
                .select_from(LoanApplication)
                .where(
                    LoanApplication.identity_hash == link.national_id_hash,
                    LoanApplication.created_at >= since,
                )
            )
            or 0
        )
    ctx = applicant_context(
        session,
        wallet,
        link,
        body.monthly_income,
        attributes,
        recent_wallet_applications=by_wallet,
        recent_identity_applications=by_identity,
    )
    hits = fraud.evaluate(ctx, settings)
    decided = decision_mod.decide(
        card, settings, result, hits, body.amount, body.term_months, body.monthly_income
    )

    now = utcnow()
    app = LoanApplication(
        id=str(uuid.uuid4()),
        wallet=wallet,
        identity_hash=link.national_id_hash,
        amount=body.amount,
        term_months=body.term_months,
        purpose=body.purpose.value,
        repayment_source=body.repayment_source.value if body.repayment_source else None,
        monthly_income=body.monthly_income,
        attributes=attributes,
        model_name=card.name,
        model_version=card.version,
        score=result.score,
        score_raw=result.score_raw,
        pd_bps=result.pd_bps,
        grade=result.grade,
        bins=result.bins,
        reason_codes=_reason_dicts(result),
        fraud_hits=[h.as_dict() for h in hits],
        decision=decided.outcome,
        decision_reasons=decided.reasons,
        offer=decided.offer.as_dict() if decided.offer else None,
        status=STATUS_FOR[decided.outcome],
        created_at=now,
        updated_at=now,
    )
    session.add(app)
    session.flush()
    if app.status == "approved":
        reports.create_report(session, app, reports.report_time(session, app_settings))
    record_audit(
        session,
        f"wallet:{wallet}",
        f"risk.application.{app.status}",
        "loan_application",
        app.id,
        None,
        _audit_summary(app),
    )
    # The decision is committed before any chain call, so a slow or failing node cannot lose it.
    session.commit()
    if app.status == "approved":
        signed_offers.ensure_signed(session, app_settings, settings, app, "system:risk")
        session.commit()
    return app


def read_for_wallet(
    session: Session, app_settings: Settings, settings: RiskSettings, wallet: str, application_id: str
) -> LoanApplication:
    """The wallet's application; an approved one whose offer could not be signed yet is tried again."""
    app = get_for_wallet(session, wallet, application_id)
    if app.status == "approved" and (app.signed_offer or {}).get("status") != signed_offers.SIGNED:
        signed_offers.ensure_signed(session, app_settings, settings, app, "system:risk")
        session.commit()
    return app


def _audit_summary(app: LoanApplication) -> dict[str, Any]:
    return {
        "status": app.status,
        "decision": app.decision,
        "score": app.score,
        "pd_bps": app.pd_bps,
        "grade": app.grade,
        "model_version": app.model_version,
        "fraud_rules": [h["rule_id"] for h in app.fraud_hits],
    }


def list_for_wallet(session: Session, wallet: str, limit: int, offset: int) -> list[LoanApplication]:
    return list(
        session.scalars(
            select(LoanApplication)
            .where(LoanApplication.wallet == wallet)
            .order_by(LoanApplication.created_at.desc(), LoanApplication.id)
            .limit(limit)
            .offset(offset)
        )
    )


def get_for_wallet(session: Session, wallet: str, application_id: str) -> LoanApplication:
    app = session.get(LoanApplication, application_id)
    # Another wallet's application is "not found": its existence is not disclosed.
    if app is None or app.wallet != wallet:
        raise problems.application_not_found()
    return app


def review_queue(session: Session, limit: int, offset: int) -> list[LoanApplication]:
    return list(
        session.scalars(
            select(LoanApplication)
            .where(LoanApplication.status == "review")
            .order_by(LoanApplication.created_at, LoanApplication.id)
            .limit(limit)
            .offset(offset)
        )
    )


def review(
    session: Session,
    application_id: str,
    outcome: str,
    note: str,
    actor: str,
    app_settings: Settings,
    settings: RiskSettings,
) -> LoanApplication:
    app = session.get(LoanApplication, application_id)
    if app is None:
        raise problems.application_not_found()
    if app.status != "review":
        raise problems.not_in_review(app.status)
    if outcome == "approve" and app.offer is None:
        raise problems.no_offer_to_approve()
    before = _audit_summary(app)
    now = utcnow()
    app.status = "approved" if outcome == "approve" else "declined"
    app.reviewed_by, app.reviewed_at, app.review_note, app.updated_at = actor, now, note, now
    if app.status == "approved":
        reports.create_report(session, app, reports.report_time(session, app_settings))
    record_audit(
        session,
        actor,
        f"risk.review.{app.status}",
        "loan_application",
        app.id,
        before,
        {**_audit_summary(app), "note": note},
    )
    session.commit()
    if app.status == "approved":
        signed_offers.ensure_signed(session, app_settings, settings, app, actor)
        session.commit()
    return app


def score_batch(card: Scorecard, items: list[BatchItem]) -> list[dict]:
    """Score raw attribute sets; one bad item never stops the batch (its errors are returned instead)."""
    out = []
    for i, item in enumerate(items):
        errors = check_attributes(
            card, item.attributes, derived=set(), loc=("body", "items", i, "attributes")
        )
        if errors:
            out.append({"index": i, "ref": item.ref, "errors": errors})
            continue
        try:
            result = card.score(item.attributes)
        except ScorecardError as exc:
            out.append({"index": i, "ref": item.ref, "errors": [{"msg": str(exc), "type": "unscorable"}]})
            continue
        outcome, _ = decision_mod.credit_outcome(card, result.pd)
        out.append(
            {
                "index": i,
                "ref": item.ref,
                "score": result.score,
                "pd_bps": result.pd_bps,
                "grade": result.grade,
                "grade_letter": GRADE_LETTERS[result.grade - 1],
                "credit_outcome": outcome,
                "reasons": _reason_dicts(result),
            }
        )
    return out


def model_card(card: Scorecard) -> dict[str, Any]:
    a = card.artifact
    return {
        "name": card.name,
        "version": card.version,
        "created_at": a.get("created_at"),
        "format": a.get("format"),
        "target": a.get("target"),
        "training_data": a.get("training_data"),
        "libraries": a.get("libraries"),
        "hyperparameters": a.get("hyperparameters"),
        "metrics": a.get("metrics"),
        "training_seconds": a.get("training_seconds"),
        "scaling": a.get("scaling"),
        "base_points": round(card.base_points, 4),
        "grades": [
            {"grade": i + 1, "letter": GRADE_LETTERS[i], "pd_max": b} for i, b in enumerate(card.grade_bands)
        ],
        "decision": {k: v for k, v in card.decision.items() if k != "verification"},
        "features": [
            {
                "name": f.name,
                "type": f.type,
                "label": f.label,
                **({"categories": f.categories} if f.type == "categorical" else {}),
            }
            for f in card.features
        ],
        "scorecard": card.table(),
    }


def stability(session: Session, card: Scorecard, days: int) -> dict[str, Any]:
    since = utcnow() - timedelta(days=days)
    rows = session.execute(
        select(LoanApplication.score_raw, LoanApplication.bins).where(
            LoanApplication.created_at >= since,
            LoanApplication.model_name == card.name,
            LoanApplication.model_version == card.version,
        )
    ).all()
    out = monitoring.population_stability(card, [r[0] for r in rows], [r[1] for r in rows])
    return {
        "model_name": card.name,
        "model_version": card.version,
        "window_days": days,
        "since": since,
        **out,
    }
