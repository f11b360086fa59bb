"""Jurisdictions the platform onboards: ISO 3166-1 alpha-2 (API) → numeric (on-chain), calling codes, risk.

The risk tier is platform policy maintained by compliance, loosely following the FATF lists: "prohibited"
jurisdictions (FATF call for action) are refused at submission; "high" ones raise the customer risk level
and send the application to enhanced due diligence. The table is deliberately explicit rather than the
full ISO list: onboarding a new country is a compliance decision, not a lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RiskTier = Literal["low", "medium", "high", "prohibited"]


@dataclass(frozen=True)
class Jurisdiction:
    alpha2: str
    numeric: int
    calling_codes: tuple[str, ...]
    risk: RiskTier


def _j(alpha2: str, numeric: int, codes: str, risk: RiskTier = "low") -> Jurisdiction:
    return Jurisdiction(alpha2, numeric, tuple(codes.split(",")), risk)


_TABLE = [
    _j("AE", 784, "971", "medium"),
    _j("AR", 32, "54", "medium"),
    _j("AT", 40, "43"),
    _j("AU", 36, "61"),
    _j("BE", 56, "32"),
    _j("BG", 100, "359", "medium"),
    _j("BR", 76, "55", "medium"),
    _j("CA", 124, "1"),
    _j("CH", 756, "41"),
    _j("CL", 152, "56"),
    _j("CN", 156, "86"),
    _j("CO", 170, "57", "medium"),
    _j("CY", 196, "357", "medium"),
    _j("CZ", 203, "420"),
    _j("DE", 276, "49"),
    _j("DK", 208, "45"),
    _j("EE", 233, "372"),
    _j("EG", 818, "20", "medium"),
    _j("ES", 724, "34"),
    _j("FI", 246, "358"),
    _j("FR", 250, "33"),
    _j("GB", 826, "44"),
    _j("GR", 300, "30"),
    _j("HK", 344, "852"),
    _j("HR", 191, "385", "medium"),
    _j("HU", 348, "36"),
    _j("ID", 360, "62", "medium"),
    _j("IE", 372, "353"),
    _j("IL", 376, "972"),
    _j("IN", 356, "91", "medium"),
    _j("IS", 352, "354"),
    _j("IT", 380, "39"),
    _j("JP", 392, "81"),
    _j("KE", 404, "254", "high"),
    _j("KR", 410, "82"),
    _j("LI", 438, "423"),
    _j("LT", 440, "370"),
    _j("LU", 442, "352"),
    _j("LV", 428, "371"),
    _j("MA", 504, "212", "medium"),
    _j("MO", 446, "853", "medium"),
    _j("MT", 470, "356", "medium"),
    _j("MX", 484, "52", "medium"),
    _j("MY", 458, "60"),
    _j("NG", 566, "234", "high"),
    _j("NL", 528, "31"),
    _j("NO", 578, "47"),
    _j("NZ", 554, "64"),
    _j("PE", 604, "51", "medium"),
    _j("PH", 608, "63", "high"),
    _j("PL", 616, "48"),
    _j("PT", 620, "351"),
    _j("RO", 642, "40"),
    _j("SA", 682, "966", "medium"),
    _j("SE", 752, "46"),
    _j("SG", 702, "65"),
    _j("SI", 705, "386"),
    _j("SK", 703, "421"),
    _j("TH", 764, "66", "medium"),
    _j("TR", 792, "90", "medium"),
    _j("TW", 158, "886"),
    _j("UA", 804, "380", "medium"),
    _j("US", 840, "1"),
    _j("VN", 704, "84", "high"),
    _j("ZA", 710, "27", "high"),
    # FATF "call for action": never onboarded.
    _j("IR", 364, "98", "prohibited"),
    _j("KP", 408, "850", "prohibited"),
    _j("MM", 104, "95", "prohibited"),
]

JURISDICTIONS: dict[str, Jurisdiction] = {j.alpha2: j for j in _TABLE}


def lookup(alpha2: str) -> Jurisdiction | None:
    return JURISDICTIONS.get(alpha2.upper())


def calling_codes_for(alpha2: str) -> tuple[str, ...]:
    found = lookup(alpha2)
    return found.calling_codes if found else ()
