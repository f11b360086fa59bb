"""Factories for service-level tests (after Netflix Dispatch's tests/factories.py): each builds the rows
one business rule needs, as the service or the indexer would have stored them, on the test's session.

- `wallets`: seeded eth_account keys (`account()`, `wallet()`).
- `identity`: KYC submissions that pass validation; KYC applications with personal data encrypted by
  the service's own keyring and record format.
- `suitability`: questionnaire answers and assessments (answers encrypted).
- `risk`: loan application bodies; scored applications and credit reports.
- `read_models`: the chain index: blocks, loans with schedules, notes, note offers, credit records.
- `clock`: NOW and CHAIN_NOW, and the fixed clock the `clock` fixture installs.

Nothing here is random: identifiers come from counters and keys from labels, so a test reads the same
data on every run.
"""
