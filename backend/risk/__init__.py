"""Credit risk: scorecard training (training/, offline), scoring, grades, pricing, anti-fraud,
loan applications."""
