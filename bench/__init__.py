"""Benchmarks: every figure measured beside its baseline in the same run (``python -m bench``)."""
