"""Collections (催收): a case per episode of a loan's lateness, worked by tier of days past due on the
chain's clock: 1-30 gentle reminders, finding out why and a repayment plan; 31-90 formal notice; over 90
legal action and recovery (README "Collections").

The domain reads the loan book the indexer keeps (backend/loans: chain_loans, their schedules and
repayments) and projects no event of its own: a case's state is a function of that book and of the
chain's time, which only a pass of its worker (`python -m backend.collections.worker`) can see move.
"""
