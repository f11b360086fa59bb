"""Fuzzy matching and sanctions screening against the vendored sample list."""

from datetime import date

import pytest

from backend.kyc.fuzzy import (
    jaro,
    jaro_winkler,
    name_similarity,
    normalize_name,
    token_alignment,
    token_set_ratio,
)
from backend.kyc.screening import NEAR, STRONG, ScreeningList, load_list


def test_normalization_folds_case_diacritics_punctuation_and_order():
    assert normalize_name("José Ramón QUINTERO-Ávila") == "avila jose quintero ramon"
    assert normalize_name("Drozdov, Viktor") == normalize_name("viktor  DROZDOV")
    assert normalize_name("Straße") == "strasse"


def test_jaro_winkler_reference_values():
    # Classic values from Winkler (1990) as quoted in the literature.
    assert jaro("martha", "marhta") == pytest.approx(0.9444, abs=1e-4)
    assert jaro_winkler("martha", "marhta") == pytest.approx(0.9611, abs=1e-4)
    assert jaro_winkler("dwayne", "duane") == pytest.approx(0.84, abs=1e-2)
    assert jaro_winkler("dixon", "dicksonx") == pytest.approx(0.8133, abs=1e-4)
    assert jaro("abc", "xyz") == 0.0
    assert jaro("", "abc") == 0.0


def test_token_set_ratio_is_one_for_subset_names():
    assert token_set_ratio("ivan petrov", "ivan petrov sergeyevich") == 1.0


@pytest.mark.parametrize(
    ("a", "b", "low"),
    [
        ("Viktor Drozdov", "DROZDOV Viktor", 1.0),
        ("Jose Ramon Quintero", "José Ramón Quintero", 1.0),
        ("Victor Drozdof", "Viktor Drozdov", 0.9),
        ("Alexandra Berezniak", "Oleksandra Bereznyak", NEAR),
        ("Farid Hadad", "Farid Haddad", 0.93),
    ],
)
def test_similar_names_score_high(a, b, low):
    assert name_similarity(a, b) >= low


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Alice Smith", "Viktor Drozdov"),
        ("Wang Fang", "Zhang Wenhao"),
        ("Li Wei", "Wei Zhang"),
        ("Maria Garcia", "Marcus Pryce"),
    ],
)
def test_different_names_score_below_near(a, b):
    assert name_similarity(a, b) < NEAR


@pytest.fixture(scope="module")
def sample_list() -> ScreeningList:
    return load_list()


def test_sample_list_is_marked_as_fictional(sample_list):
    import json

    from backend.kyc.screening import DEFAULT_LIST

    assert "FICTIONAL" in json.loads(DEFAULT_LIST.read_text())["notice"]
    assert len(sample_list.entries) >= 5


def test_exact_name_and_dob_is_a_hit(sample_list):
    result = sample_list.screen("Viktor Aleksandrovich Drozdov", date(1968, 3, 14))
    assert result.outcome == "hit"
    assert result.matches[0].entry_id == "SAMPLE-UN-0001"
    assert result.matches[0].dob_match == "match"


def test_alias_reordered_with_typo_is_a_hit(sample_list):
    result = sample_list.screen("drozdoff victor", date(1968, 3, 14))
    assert result.outcome == "hit"


def test_alias_in_other_script_is_a_hit(sample_list):
    assert sample_list.screen("张文浩", date(1975, 11, 2)).outcome == "hit"


def test_same_name_different_dob_is_a_near_match(sample_list):
    result = sample_list.screen("Viktor Drozdov", date(1991, 6, 1))
    assert result.outcome == "near_match"
    assert result.matches[0].dob_match == "mismatch"


def test_token_alignment_survives_a_different_sort_order():
    # Sorted, "alexandra berezniak" and "bereznyak oleksandra" start differently; aligned they are close.
    assert token_alignment("alexandra berezniak", "bereznyak oleksandra") >= NEAR


def test_single_shared_token_is_not_a_subset_match():
    assert name_similarity("Wei", "Zhang Wei") < 1.0


def test_similar_but_not_strong_name_is_a_near_match(sample_list):
    result = sample_list.screen("Wiktor Drozd", date(1968, 3, 14))
    assert result.outcome == "near_match", result
    assert NEAR <= result.matches[0].score < STRONG


def test_list_entry_without_dob_hits_on_name(sample_list):
    result = sample_list.screen("Thanh Hoa Nguyen", date(1980, 1, 1))
    assert result.outcome == "hit"
    assert result.matches[0].dob_match == "unknown"


def test_unrelated_name_is_clear(sample_list):
    result = sample_list.screen("Alice Smith", date(1990, 1, 1))
    assert result.outcome == "clear"
    assert result.matches == []


def test_pep_entries_are_reported_with_their_program(sample_list):
    result = sample_list.screen("Henk van der Molen", date(1962, 4, 21))
    assert result.outcome == "hit"
    assert result.programs == {"pep"}
