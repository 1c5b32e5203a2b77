"""Prefect flows, the CLI, extraction and dedup steps.

May import ``spiders`` and ``storage``; nothing imports ``flows``.
"""
