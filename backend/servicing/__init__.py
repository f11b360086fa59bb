"""Loan servicing (贷后管理): repayment reminders before each due date and late notices to note holders,
on the chain's clock, from the chain index (README "Repayment reminders")."""
