"""Investor suitability: questionnaire → risk class 1 (most cautious) .. 5 (most risk-tolerant)."""
