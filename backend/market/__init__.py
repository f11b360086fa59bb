"""Resale and auto-invest: the note market's and the mandates' read side, and the auto-invest keeper."""
