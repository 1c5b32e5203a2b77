"""Bucket layout, local and S3 backends, WARC writing and reading, indexes, state.

This package imports nothing else of the project.
"""
