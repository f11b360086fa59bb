"""Signed electronic loan agreements: rendered from versioned templates, signed by the borrower (EIP-712),
bound on-chain at listing and accepted by every funding."""
