"""Offline scorecard training. The only place that imports optbinning, scikit-learn, pandas and matplotlib;
the service scores from the exported JSON artifact (backend/risk/scorecard.py) with plain Python."""
