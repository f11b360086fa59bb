"""Complaints (投诉): filings by wallets, their SLA clock on business days, the operators' queue,
escalation to mediation, and the figures public disclosure publishes."""
