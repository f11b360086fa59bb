"""Sanctions, PEP and internal blacklist screening of an applicant's name and date of birth.

Thresholds (name similarity from ``fuzzy.name_similarity``, 0..1):

- ``hit``: similarity >= 0.93 and the list's date of birth equals the applicant's or the list has none.
  A strong hit is never auto-cleared; it goes to review with enhanced due diligence.
- ``near_match``: similarity >= 0.85, or >= 0.93 with a different date of birth (a namesake). Review.
- below 0.85: clear.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from backend.kyc.fuzzy import name_similarity

DEFAULT_LIST = Path(__file__).parent / "data" / "sanctions.json"
STRONG = 0.93
NEAR = 0.85

Outcome = Literal["clear", "near_match", "hit"]
_RANK = {"clear": 0, "near_match": 1, "hit": 2}


@dataclass(frozen=True)
class ListEntry:
    id: str
    list: str
    program: str
    name: str
    aliases: tuple[str, ...]
    dob: date | None


@dataclass(frozen=True)
class ScreeningMatch:
    entry_id: str
    list: str
    program: str
    kind: Outcome
    score: float
    # Which of the entry's names matched (0 = primary, n = alias n). An index rather than the string: when
    # the match is exact, the list's spelling *is* the applicant's name, and results are stored.
    matched_alias: int
    dob_match: Literal["match", "mismatch", "unknown"]


@dataclass(frozen=True)
class ScreeningResult:
    outcome: Outcome
    list_version: str
    matches: list[ScreeningMatch] = field(default_factory=list)

    @property
    def programs(self) -> set[str]:
        return {m.program for m in self.matches}

    def as_dict(self) -> dict[str, object]:
        return {
            "outcome": self.outcome,
            "list_version": self.list_version,
            "matches": [asdict(m) for m in self.matches],
        }


class ScreeningList:
    def __init__(self, version: str, entries: list[ListEntry]) -> None:
        self.version = version
        self.entries = entries

    @classmethod
    def load(cls, path: str | Path = DEFAULT_LIST) -> ScreeningList:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        entries = [
            ListEntry(
                id=e["id"],
                list=e["list"],
                program=e.get("program", "sanctions"),
                name=e["name"],
                aliases=tuple(e.get("aliases", [])),
                dob=date.fromisoformat(e["dob"]) if e.get("dob") else None,
            )
            for e in data["entries"]
        ]
        return cls(str(data.get("version", "unknown")), entries)

    def entry(self, entry_id: str) -> ListEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def screen(self, name: str, dob: date | None) -> ScreeningResult:
        matches: list[ScreeningMatch] = []
        for entry in self.entries:
            candidates = (entry.name, *entry.aliases)
            score, matched = max((name_similarity(name, c), -i) for i, c in enumerate(candidates))
            matched = -matched
            if score < NEAR:
                continue
            if entry.dob is None or dob is None:
                dob_match: Literal["match", "mismatch", "unknown"] = "unknown"
            else:
                dob_match = "match" if entry.dob == dob else "mismatch"
            kind: Outcome = "hit" if score >= STRONG and dob_match != "mismatch" else "near_match"
            matches.append(
                ScreeningMatch(entry.id, entry.list, entry.program, kind, round(score, 4), matched, dob_match)
            )
        matches.sort(key=lambda m: (-_RANK[m.kind], -m.score))
        outcome: Outcome = matches[0].kind if matches else "clear"
        return ScreeningResult(outcome, self.version, matches)


@lru_cache(maxsize=4)
def load_list(path: str | None = None) -> ScreeningList:
    return ScreeningList.load(path or DEFAULT_LIST)
