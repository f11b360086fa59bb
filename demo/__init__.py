"""PeerLend's scripted lifecycle: KYC, scoring, oracle, listing, funding, repayment, default and recovery,
through the public HTTP API and wallet-signed contract calls only. `python -m demo` (or `make demo`)
runs it against the stack `make up` started; tests/e2e/test_lifecycle.py runs the same steps."""
