"""Chain indexer: follows every PeerLend contract event with confirmations, survives restarts and reorgs,
and projects the ordered event stream into read models (loans, notes, portfolios, identities, credit)."""
