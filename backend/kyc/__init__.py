"""Know-your-customer: identity submission, validation, verification provider, sanctions screening,
customer risk level, manual review and on-chain attestation."""
