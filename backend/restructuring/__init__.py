"""Loan restructuring (贷后管理): a borrower's proposed new schedule, the note holders' approvals by
principal, and what a front end needs to approve or execute it on-chain (README "Restructuring")."""
