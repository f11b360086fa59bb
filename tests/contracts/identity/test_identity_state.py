"""Stateful test of IdentityRegistry against a Python model.

Random sequences of attest (valid and invalid), signed attest (right and wrong nonce), revoke,
signature invalidation, freeze, unfreeze and the passing of time. After every step the contract must
agree with the model:
  - identityOf(wallet) equals the modelled attestation (frozen flag, subject and entity included);
  - isEligible(wallet) == level >= 1 and not frozen and expiresAt > block time, and riskClassOf
    is the risk class exactly when eligible, else 0; isFrozen is the frozen flag;
  - nonces move through accepted attestations (direct or signed), revocations and invalidations only.
Every transaction is mined at a pinned timestamp, so the model knows the block time exactly.
"""

from helpers.builders import commitment, subject
from helpers.chain_time import latest_timestamp, mine_at, pin_next_block_time
from helpers.eip712 import attestation_tuple, sign_attestation
from helpers.reverts import call_expecting
from helpers.stateful import state_machine, stateful_settings
from hypothesis import strategies as st

WALLETS = (5, 6)  # accounts[5], accounts[6]: few wallets, so rules often hit the same one
ZERO32 = "0x" + "00" * 32
# Two people, and the zero subject the registry must refuse.
SUBJECTS = (subject("person-a"), subject("person-b"), ZERO32)


def _empty():
    return {
        "level": 0,
        "riskClass": 0,
        "jurisdiction": 0,
        "expiresAt": 0,
        "frozen": False,
        "entity": False,
        "commitment": ZERO32,
        "subject": ZERO32,
    }


class IdentityMachine:
    st_wallet = st.sampled_from(list(WALLETS))
    # Mostly valid values (so state builds up), with the invalid edges mixed in.
    st_level = st.sampled_from([1, 2, 1, 2, 0, 3])
    st_risk = st.sampled_from([1, 3, 5, 2, 4, 0, 6])
    st_expiry = st.one_of(st.integers(min_value=1, max_value=3000), st.integers(min_value=-50, max_value=0))
    st_gap = st.integers(min_value=1, max_value=2000)
    st_reason = st.integers(min_value=0, max_value=255)
    st_nonce_skew = st.sampled_from([0, 0, 0, 1, -1])
    st_subject = st.sampled_from([0, 1, 0, 1, 2])  # index into SUBJECTS
    st_entity = st.booleans()

    def __init__(cls, accounts, registry, attester, compliance, attester_key):
        cls.accounts = accounts
        cls.registry = registry
        cls.attester = attester
        cls.compliance = compliance
        cls.attester_key = attester_key

    def setup(self):
        self.model = {w: _empty() for w in WALLETS}
        self.nonces = {w: 0 for w in WALLETS}

    # ------------------------------------------------------------------ helpers

    def _attest_error(self, wallet, level, risk, expires_at, person, now):
        if level == 0 or level > 2:
            return ("InvalidLevel", level)
        if risk == 0 or risk > 5:
            return ("InvalidRiskClass", risk)
        if expires_at <= now:
            return ("ExpiryNotInFuture", expires_at, now)
        if person == ZERO32:
            return ("InvalidSubject", self.accounts[wallet])
        return None

    def _record(self, wallet, level, risk, expires_at, tag, person, entity):
        frozen = self.model[wallet]["frozen"]  # a re-attestation never lifts a freeze
        self.model[wallet] = {
            "level": level,
            "riskClass": risk,
            "jurisdiction": 840,
            "expiresAt": expires_at,
            "frozen": frozen,
            "entity": entity,
            "commitment": commitment(tag),
            "subject": person,
        }

    # ------------------------------------------------------------------ rules

    def rule_attest(self, st_wallet, st_level, st_risk, st_expiry, st_subject, st_entity):
        wallet = self.accounts[st_wallet]
        now = pin_next_block_time()
        expires_at = max(0, now + st_expiry)
        tag = f"{st_wallet}:{now}"
        person = SUBJECTS[st_subject]
        error = self._attest_error(st_wallet, st_level, st_risk, expires_at, person, now)
        call_expecting(
            lambda: self.registry.attest(
                wallet,
                st_level,
                st_risk,
                840,
                expires_at,
                commitment(tag),
                person,
                st_entity,
                {"from": self.attester},
            ),
            error,
        )
        if error is None:
            self.nonces[st_wallet] += 1  # a direct attestation voids any signature issued before it
            self._record(st_wallet, st_level, st_risk, expires_at, tag, person, st_entity)

    def rule_attest_with_signature(
        self, st_wallet, st_level, st_risk, st_expiry, st_nonce_skew, st_subject, st_entity
    ):
        wallet = self.accounts[st_wallet]
        now = pin_next_block_time()
        expires_at = max(0, now + st_expiry)
        tag = f"sig:{st_wallet}:{now}"
        nonce = max(0, self.nonces[st_wallet] + st_nonce_skew)
        person = SUBJECTS[st_subject]
        a = {
            "wallet": str(wallet),
            "level": st_level,
            "riskClass": st_risk,
            "jurisdiction": 840,
            "expiresAt": expires_at,
            "commitment": commitment(tag),
            "subject": person,
            "entity": st_entity,
            "nonce": nonce,
            "deadline": now + 60,
        }
        signature = sign_attestation(self.attester_key, self.registry, a)
        if nonce != self.nonces[st_wallet]:
            error = ("InvalidNonce", wallet, self.nonces[st_wallet], nonce)
        else:
            error = self._attest_error(st_wallet, st_level, st_risk, expires_at, person, now)
        call_expecting(
            lambda: self.registry.attestWithSignature(attestation_tuple(a), signature, {"from": wallet}),
            error,
        )
        if error is None:
            self.nonces[st_wallet] += 1
            self._record(st_wallet, st_level, st_risk, expires_at, tag, person, st_entity)

    def rule_revoke(self, st_wallet, st_reason):
        wallet = self.accounts[st_wallet]
        pin_next_block_time()
        error = ("NotAttested", wallet) if self.model[st_wallet]["level"] == 0 else None
        call_expecting(lambda: self.registry.revoke(wallet, st_reason, {"from": self.attester}), error)
        if error is None:
            frozen = self.model[st_wallet]["frozen"]
            self.model[st_wallet] = dict(_empty(), frozen=frozen)
            self.nonces[st_wallet] += 1

    def rule_invalidate_signatures(self, st_wallet):
        pin_next_block_time()
        self.registry.invalidateSignatures(self.accounts[st_wallet], {"from": self.attester})
        self.nonces[st_wallet] += 1

    def rule_freeze(self, st_wallet, st_reason):
        wallet = self.accounts[st_wallet]
        pin_next_block_time()
        error = ("AlreadyFrozen", wallet) if self.model[st_wallet]["frozen"] else None
        call_expecting(lambda: self.registry.freeze(wallet, st_reason, {"from": self.compliance}), error)
        self.model[st_wallet]["frozen"] = True

    def rule_unfreeze(self, st_wallet, st_reason):
        wallet = self.accounts[st_wallet]
        pin_next_block_time()
        error = None if self.model[st_wallet]["frozen"] else ("NotFrozen", wallet)
        call_expecting(lambda: self.registry.unfreeze(wallet, st_reason, {"from": self.compliance}), error)
        self.model[st_wallet]["frozen"] = False

    def rule_time_passes(self, st_gap):
        mine_at(latest_timestamp() + st_gap)

    # ------------------------------------------------------------------ invariants

    def invariant_matches_model(self):
        now = latest_timestamp()
        for w in WALLETS:
            wallet = self.accounts[w]
            m = self.model[w]
            stored = {
                k: (str(v) if k in ("commitment", "subject") else v)
                for k, v in self.registry.identityOf(wallet).dict().items()
            }
            assert stored == m, f"wallet {w}: contract {stored} != model {m}"
            assert self.registry.isFrozen(wallet) == m["frozen"]
            eligible = m["level"] >= 1 and not m["frozen"] and m["expiresAt"] > now
            assert self.registry.isEligible(wallet) == eligible
            assert self.registry.riskClassOf(wallet) == (m["riskClass"] if eligible else 0)
            assert self.registry.nonces(wallet) == self.nonces[w]


def test_identity_registry_matches_model(accounts, registry, attester, compliance, attester_key):
    state_machine(
        IdentityMachine,
        accounts,
        registry,
        attester,
        compliance,
        attester_key,
        # derandomize: the same sequences every run, so CI results are reproducible.
        settings=stateful_settings(20, 10),
    )
