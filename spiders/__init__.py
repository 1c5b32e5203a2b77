"""Outlet registry, Scrapy spiders and the WARC-recording extension.

Imports flow one way: ``spiders`` may import ``storage``, never ``flows``.
"""
