"""Monthly snapshots at the service level: the month's document is the figures at its end, the same bytes
however far the index has moved on, stored once per month; canonical JSON refuses what it cannot write
exactly."""

from __future__ import annotations

import json

import pytest

from backend.core.problems import Problem
from backend.disclosure.canonical import canonical_bytes, sha256_hex
from backend.disclosure.config import DisclosureSettings
from backend.disclosure.models import DisclosureSnapshot
from backend.disclosure.publishing import due_periods, publish_due
from backend.disclosure.service import month_document
from tests.backend.disclosure.book_story import DAY, FEB_1, MAR_1, USD, store

SETTINGS = DisclosureSettings(env="test")


def test_a_months_document_is_its_figures_at_its_end(session):
    store(session, MAR_1 + DAY)
    document = month_document(session, 2027, 1, 31337)
    figures = document["figures"]
    assert (document["period"], document["chainId"], figures["asOf"]) == (
        "2027-01",
        31337,
        "2027-02-01T00:00:00Z",
    )
    # January: four loans drawn, loan 4 repaid, nothing late yet, no sale yet (it is in February)
    assert figures["volume"]["cumulative"] == {"loans": 4, "principal": str(3_800 * USD)}
    assert figures["outstanding"]["loans"] == 3 and figures["secondaryMarket"]["cumulative"]["sales"] == 0
    assert figures["delinquency"]["overdue"] == {"loans": 0, "principal": "0"}


def test_the_same_month_gives_the_same_bytes_once_the_index_has_moved_on(session):
    store(session, FEB_1 + DAY)
    before = canonical_bytes(month_document(session, 2027, 1, 31337))
    store(session, MAR_1 + 100 * DAY, since=FEB_1 + DAY)  # a sale, lateness and a default since
    assert canonical_bytes(month_document(session, 2027, 1, 31337)) == before


def test_a_month_the_index_has_not_passed_has_no_document(session):
    store(session, FEB_1 - 1)
    with pytest.raises(Problem) as early:
        month_document(session, 2027, 1, 31337)
    assert (early.value.status, early.value.type) == (409, "disclosure-period-not-ended")


def test_every_month_from_the_first_event_to_the_last_ended_one_is_due(session):
    assert due_periods(session, SETTINGS) == []  # an empty index
    store(session, MAR_1 + DAY)
    assert due_periods(session, SETTINGS) == [(2027, 1), (2027, 2)]
    assert due_periods(session, DisclosureSettings(env="test", first_period="2027-02")) == [(2027, 2)]


def test_each_month_is_stored_once_with_the_hash_of_its_bytes(session, sessions, db_engine):
    store(session, MAR_1 + DAY)
    session.commit()
    first = publish_due(sessions, db_engine, 31337, SETTINGS, None)
    assert (first.computed, first.waiting, first.failed) == (
        ["2027-01", "2027-02"],
        ["2027-01", "2027-02"],
        [],
    )
    again = publish_due(sessions, db_engine, 31337, SETTINGS, None)
    assert (again.computed, again.work) == ([], 0)
    row = session.get(DisclosureSnapshot, 202701)
    assert row.sha256 == sha256_hex(row.content.encode()) and row.period_end == FEB_1
    assert row.content.encode() == canonical_bytes(json.loads(row.content))


def test_canonical_json_sorts_keys_and_refuses_floats():
    assert (
        canonical_bytes({"b": [1, {"d": "é", "c": None}], "a": True})
        == '{"a":true,"b":[1,{"c":null,"d":"é"}]}'.encode()
    )
    with pytest.raises(TypeError):
        canonical_bytes({"rate": [0.5]})
