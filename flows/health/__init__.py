"""Extraction health: signals per run and outlet (``signals``), drift against the outlet's baseline (``drift``)."""
