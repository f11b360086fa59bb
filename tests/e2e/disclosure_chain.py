"""The platform disclosure's figures computed from the chain alone: the contracts' events (eth_getLogs) up
to the figures' block and their views read at that block (LoanMarket.getLoan, subjectOfLoan, the lens's
delinquency tier, the stablecoin's balanceOf), never the index. tests/e2e/test_lifecycle.py compares every
chain figure of GET /v2/disclosure/platform with these, to the base unit."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DRAWN, REPAID, DEFAULTED = 2, 3, 4  # LoanStatus
WINDOW = 30 * 86_400
ZERO_SUBJECT = b"\x00" * 32


@dataclass
class ChainFigures:
    block: int
    as_of: int
    loans: dict[int, Any] = field(default_factory=dict)  # loan id -> getLoan at block
    drawn_at: dict[int, int] = field(default_factory=dict)
    subject_of_loan: dict[int, bytes] = field(default_factory=dict)
    tiers: dict[int, int] = field(default_factory=dict)  # active loan -> lens delinquency tier
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    subjects: dict[str, bytes] = field(default_factory=dict)  # wallet -> identity subject
    reserve_balance: int = 0

    @classmethod
    def read(cls, chain: Any, block: int) -> ChainFigures:
        as_of = int(chain.w3.eth.get_block(block)["timestamp"])
        out = cls(block, as_of)
        times: dict[int, int] = {}

        def logs(contract: Any, name: str) -> list[dict[str, Any]]:
            rows = []
            for log in getattr(contract.events, name)().get_logs(from_block=0, to_block=block):
                number = log["blockNumber"]
                if number not in times:
                    times[number] = int(chain.w3.eth.get_block(number)["timestamp"])
                rows.append({**log["args"], "_t": times[number], "_pos": (number, log["logIndex"])})
            return rows

        names = ("LoanListed", "LoanFunded", "FundingWithdrawn", "LoanDrawn", "LoanRepaid", "LoanDefaulted")
        for name in (*names, "DefaultCovered", "NoteSold"):
            out.events[name] = logs(chain.market, name)
        for attested in logs(chain.registry, "IdentityAttested"):
            out.subjects[attested["wallet"]] = bytes(attested["subject"])
        market = chain.market.functions
        for listed in out.events["LoanListed"]:
            loan_id = listed["loanId"]
            out.loans[loan_id] = market.getLoan(loan_id).call(block_identifier=block)
            out.subject_of_loan[loan_id] = bytes(market.subjectOfLoan(loan_id).call(block_identifier=block))
        for drawn in out.events["LoanDrawn"]:
            out.drawn_at[drawn["loanId"]] = drawn["_t"]
        for loan_id in out.active:
            out.tiers[loan_id] = chain.lens.functions.delinquencyTier(loan_id).call(block_identifier=block)
        reserve = chain.reserve.address
        out.reserve_balance = chain.token.functions.balanceOf(reserve).call(block_identifier=block)
        return out

    # -- the book

    def status(self, loan_id: int) -> int:
        return int(self.loans[loan_id][4])  # Loan.status

    def principal(self, loan_id: int) -> int:
        return int(self.loans[loan_id][5])  # Loan.principal: the drawn amount from drawdown on

    def outstanding(self, loan_id: int) -> int:
        return int(self.loans[loan_id][20])  # Loan.principalOutstanding

    @property
    def drawn(self) -> list[int]:
        return sorted(i for i in self.loans if self.status(i) in (DRAWN, REPAID, DEFAULTED))

    @property
    def active(self) -> list[int]:
        return sorted(i for i in self.loans if self.status(i) == DRAWN)

    @property
    def defaulted(self) -> list[int]:
        return sorted(i for i in self.loans if self.status(i) == DEFAULTED)

    def person(self, wallet: str) -> str:
        subject = self.subjects.get(wallet)
        return f"person:{subject.hex()}" if subject and subject != ZERO_SUBJECT else f"wallet:{wallet}"

    def borrower(self, loan_id: int) -> str:
        return str(self.loans[loan_id][0])

    # -- the figures, as the schema defines them

    def volume(self) -> dict[str, Any]:
        recent = [i for i in self.drawn if self.drawn_at[i] > self.as_of - WINDOW]
        return {
            "cumulative": {"loans": len(self.drawn), "principal": sum(self.principal(i) for i in self.drawn)},
            "last30Days": {"loans": len(recent), "principal": sum(self.principal(i) for i in recent)},
        }

    def borrowers(self) -> dict[str, int]:
        wallets = {self.borrower(i) for i in self.drawn}
        return {"persons": len({self.person(w) for w in wallets}), "wallets": len(wallets)}

    def lenders(self) -> dict[str, int]:
        funders: dict[int, tuple[int, str]] = {}
        for funded in self.events["LoanFunded"]:
            funders[funded["noteId"]] = (funded["loanId"], funded["lender"])
        for withdrawn in self.events["FundingWithdrawn"]:
            funders.pop(withdrawn["noteId"], None)
        drawn = set(self.drawn)
        wallets = {lender for loan_id, lender in funders.values() if loan_id in drawn}
        wallets |= {sale["buyer"] for sale in self.events["NoteSold"]}
        return {"persons": len({self.person(w) for w in wallets}), "wallets": len(wallets)}

    def outstanding_total(self) -> int:
        return sum(self.outstanding(i) for i in self.active)

    def concentration(self, top: int) -> int:
        by_person: dict[str, int] = defaultdict(int)
        for loan_id in self.active:
            by_person[self.person(self.borrower(loan_id))] += self.outstanding(loan_id)
        return sum(sorted(by_person.values(), reverse=True)[:top])

    def delinquency(self) -> dict[int, tuple[int, int]]:
        """tier -> (loans, outstanding principal) of the active loans, by the lens at the block."""
        out = {tier: (0, 0) for tier in range(4)}
        for loan_id in self.active:
            loans, principal = out[self.tiers[loan_id]]
            out[self.tiers[loan_id]] = (loans + 1, principal + self.outstanding(loan_id))
        return out

    def defaults(self) -> dict[str, int]:
        at_default = {d["loanId"]: d for d in self.events["LoanDefaulted"]}
        principal = sum(at_default[i]["principalOutstanding"] for i in self.defaulted)
        credit_loss = sum(self.outstanding(i) for i in self.defaulted)
        covered = sum(c["covered"] for c in self.events["DefaultCovered"])
        reserve_recovered = sum(
            r["reserveShare"]
            for r in self.events["LoanRepaid"]
            if r["loanId"] in at_default and r["_pos"] > at_default[r["loanId"]]["_pos"]
        )
        return {
            "loans": len(self.defaulted),
            "principal": principal,
            "recovered": principal - credit_loss,
            "creditLoss": credit_loss,
            "reserveCovered": covered,
            "reserveRecovered": reserve_recovered,
            "lenderLoss": max(0, credit_loss - (covered - reserve_recovered)),
        }

    def fees(self) -> dict[str, int]:
        repaid = self.events["LoanRepaid"]
        fees = {
            "origination": sum(d["originationFee"] for d in self.events["LoanDrawn"]),
            "servicing": sum(r["servicingFee"] for r in repaid),
            "late": sum(r["lateFee"] for r in repaid),
            "resale": sum(s["fee"] for s in self.events["NoteSold"]),
        }
        return {**fees, "total": sum(fees.values())}

    def sales(self) -> dict[str, dict[str, int]]:
        sales = self.events["NoteSold"]
        recent = [s for s in sales if s["_t"] > self.as_of - WINDOW]
        return {
            "cumulative": {"sales": len(sales), "volume": sum(s["price"] for s in sales)},
            "last30Days": {"sales": len(recent), "volume": sum(s["price"] for s in recent)},
        }

    def cohorts(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(grade letter, yyyy-mm of drawdown) -> (loans, drawn principal)."""
        out: dict[tuple[str, str], tuple[int, int]] = {}
        for loan_id in self.drawn:
            grade = "ABCDEFG"[int(self.loans[loan_id][9]) - 1]  # Loan.grade
            cohort = datetime.fromtimestamp(self.drawn_at[loan_id], UTC).strftime("%Y-%m")
            loans, principal = out.get((grade, cohort), (0, 0))
            out[(grade, cohort)] = (loans + 1, principal + self.principal(loan_id))
        return out
