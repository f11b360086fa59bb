"""Customer risk level and decision rules, and the sandbox provider's documented behaviour."""

from datetime import date

import pytest

from backend.kyc.jurisdictions import JURISDICTIONS, lookup
from backend.kyc.provider import IdentityClaim, ProviderUnavailable, SandboxProvider, get_provider
from backend.kyc.risk import assess, level_for
from backend.kyc.screening import ScreeningResult, load_list


def claim(name="Alice Smith", phone="+8613800138000") -> IdentityClaim:
    return IdentityClaim(name, "11010519491231002X", phone, "4111111111111111", "CN")


def verified(name="Alice Smith", phone="+8613800138000", liveness="ok"):
    return SandboxProvider().verify(claim(name, phone), liveness)


CLEAR = ScreeningResult("clear", "t")


def run(**overrides):
    args = {
        "jurisdiction": lookup("CN"),
        "age": 35,
        "screening": CLEAR,
        "verification": verified(),
        "duplicate_identity": False,
    }
    args.update(overrides)
    return assess(**args)


def test_sandbox_all_clear_with_liveness():
    result = verified()
    assert result.four_element_match and result.liveness_performed and result.liveness_passed
    assert result.provider == "sandbox" and result.reference.startswith("sandbox-")


@pytest.mark.parametrize(
    ("name", "phone", "liveness", "match", "failed", "live_passed"),
    [
        ("Bob MISMATCH", "+8613800138000", "ok", False, ["name"], True),
        ("Bob", "+8613800130000", "ok", False, ["phone"], True),
        ("Bob Spoof", "+8613800138000", "ok", True, [], False),
        ("Bob", "+8613800138000", "sandbox-fail", True, [], False),
        ("Bob", "+8613800138000", None, True, [], False),
    ],
)
def test_sandbox_rules(name, phone, liveness, match, failed, live_passed):
    result = SandboxProvider().verify(claim(name, phone), liveness)
    assert result.four_element_match is match
    assert result.failed_elements == failed
    assert result.liveness_passed is live_passed
    assert result.liveness_performed is (liveness is not None)


def test_sandbox_outage():
    with pytest.raises(ProviderUnavailable):
        get_provider("sandbox").verify(claim("Carol Unavailable"), None)


def test_unknown_provider_is_refused():
    with pytest.raises(LookupError):
        get_provider("nope")


def test_clean_low_risk_applicant_is_approved():
    result = run()
    assert (result.level, result.decision, result.edd_required) == ("low", "approve", False)


def test_no_liveness_and_young_age_make_medium_but_still_approve():
    result = run(verification=verified(liveness=None), age=19)
    assert result.factors == {"no_liveness": 1, "age": 1}
    assert (result.level, result.decision) == ("medium", "approve")


def test_high_risk_jurisdiction_requires_edd_and_review():
    result = run(jurisdiction=lookup("NG"))
    assert result.level == "high" and result.edd_required
    assert result.decision == "review" and "high_risk" in result.review_reasons


def test_sanctions_hit_goes_to_review_with_high_risk():
    screening = load_list().screen("Viktor Drozdov", date(1968, 3, 14))
    result = run(screening=screening)
    assert result.decision == "review"
    assert "sanctions_hit" in result.review_reasons and result.level == "high"


def test_near_match_goes_to_review():
    screening = load_list().screen("Wiktor Drozd", date(1968, 3, 14))
    result = run(screening=screening)
    assert result.decision == "review" and result.review_reasons[0] == "sanctions_near_match"
    assert result.level == "medium"


def test_pep_goes_to_review_with_edd():
    result = run(screening=load_list().screen("Hendrik van der Molen", date(1962, 4, 21)))
    assert result.review_reasons[:1] == ["pep_match"] and result.edd_required


def test_duplicate_identity_goes_to_review():
    result = run(duplicate_identity=True)
    assert result.decision == "review" and "duplicate_identity" in result.review_reasons


def test_provider_outage_goes_to_review():
    result = run(verification=None)
    assert result.decision == "review" and result.review_reasons == ["provider_unavailable"]


@pytest.mark.parametrize(
    ("name", "liveness", "reason"),
    [("Bob MISMATCH", "ok", "four_element_mismatch"), ("Bob", "sandbox-fail", "liveness_failed")],
)
def test_provider_failures_reject(name, liveness, reason):
    result = run(verification=verified(name=name, liveness=liveness))
    assert result.decision == "reject" and result.reject_reasons == [reason]


def test_reject_wins_over_review():
    result = run(verification=verified(name="Bob MISMATCH"), duplicate_identity=True)
    assert result.decision == "reject"


@pytest.mark.parametrize(
    ("points", "level"), [(0, "low"), (1, "low"), (2, "medium"), (3, "medium"), (4, "high")]
)
def test_level_bands(points, level):
    assert level_for(points) == level


def test_jurisdiction_table_is_consistent():
    numerics = [j.numeric for j in JURISDICTIONS.values()]
    assert len(numerics) == len(set(numerics))
    assert lookup("cn").numeric == 156 and lookup("US").numeric == 840 and lookup("NL").numeric == 528
    assert lookup("KP").risk == "prohibited"
    assert all(0 < n < 1000 for n in numerics)


def test_sandbox_provider_is_refused_in_production():
    from pydantic import ValidationError

    from backend.kyc.config import KycSettings

    with pytest.raises(ValidationError, match="sandbox"):
        KycSettings(env="production")
    assert KycSettings(env="production", provider="bank-gateway").provider == "bank-gateway"
    assert KycSettings(env="development").attestation_mode == "direct"


def test_custom_providers_can_be_registered():
    from backend.kyc.provider import VerificationResult, register_provider

    class AlwaysMatches:
        name = "always-matches-test"

        def verify(self, claim, liveness_token):
            return VerificationResult(self.name, "ref", four_element_match=True)

    register_provider(AlwaysMatches())
    assert get_provider("always-matches-test").verify(claim(), None).four_element_match
