"""Loans API: the loan book, schedules and repayments, and wallet portfolios, read from the chain index."""
