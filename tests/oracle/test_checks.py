"""Node checks: ranges, grade vs PD band, model allow-list, time and rate-of-change limits."""

from oracle.checks import Policy, check_batch_frame, check_report, duplicate_borrowers
from oracle.signing import CreditReport

BANDS = (200, 400, 700, 1100, 1600, 2500, 10000)
POLICY = Policy(
    pd_bands_bps=BANDS, allowed_model_versions=frozenset({3}), max_score_change=100, max_grade_change=2
)
NOW = 1_800_000_000


def report(**kw) -> CreditReport:
    base = {
        "borrower": "0x" + "ab" * 20,
        "score": 650,
        "grade": 3,
        "pdBps": 500,
        "modelVersion": 3,
        "asOf": NOW - 10,
        "reasonsHash": "0x" + "00" * 32,
    }
    return CreditReport.from_dict({**base, **kw})


def test_valid_report_passes():
    assert check_report(report(), None, POLICY, NOW) == []


def test_ranges():
    assert check_report(report(score=5000), None, POLICY, NOW)
    assert check_report(report(grade=0), None, POLICY, NOW)
    assert check_report(report(grade=8), None, POLICY, NOW)
    assert check_report(report(pdBps=10_001, grade=7), None, POLICY, NOW)


def test_grade_must_match_pd_band():
    assert check_report(report(grade=1, pdBps=150), None, POLICY, NOW) == []
    assert check_report(report(grade=1, pdBps=201), None, POLICY, NOW) == []  # rounding tolerance
    assert check_report(report(grade=1, pdBps=450), None, POLICY, NOW)
    assert check_report(report(grade=3, pdBps=300), None, POLICY, NOW)
    assert check_report(report(grade=7, pdBps=9000), None, POLICY, NOW) == []


def test_model_version_allow_list():
    assert "model version 4 not allowed" in check_report(report(modelVersion=4), None, POLICY, NOW)


def test_time_and_change_limits_against_the_chain_record():
    record = {"score": 640, "grade": 3, "pdBps": 500, "modelVersion": 3, "asOf": NOW - 100}
    assert check_report(report(), record, POLICY, NOW) == []
    assert check_report(report(asOf=NOW - 100), record, POLICY, NOW)  # not increasing
    assert check_report(report(asOf=NOW + 3600), None, POLICY, NOW)  # future
    assert check_report(report(score=800), record, POLICY, NOW)  # +160 > 100
    assert check_report(report(grade=6, pdBps=2000), record, POLICY, NOW)  # 3 grades > 2
    empty = {"score": 0, "grade": 0, "pdBps": 0, "modelVersion": 0, "asOf": 0}
    assert check_report(report(score=100, grade=7, pdBps=9000), empty, POLICY, NOW) == []  # first record


def test_batch_frame():
    reports = [report()]
    assert check_batch_frame(5, NOW + 60, reports, 4, NOW, POLICY) == []
    assert check_batch_frame(4, NOW + 60, reports, 4, NOW, POLICY)
    assert check_batch_frame(5, NOW - 1, reports, 4, NOW, POLICY)
    assert check_batch_frame(5, NOW + 7200, reports, 4, NOW, POLICY)
    assert check_batch_frame(5, NOW + 60, [], 4, NOW, POLICY)
    assert duplicate_borrowers([report(), report(), report(borrower="0x" + "cd" * 20)]) == {report().borrower}
