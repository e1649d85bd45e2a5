"""Helpers every layer may use: Vietnamese formatting, progress bars, core counts, the one cache key."""
