"""The archivist's web app (``newsarchive web``): search, versions, syndication, replay, runs.

``index`` (the SQLite FTS5 search index) imports no web framework: the pipeline
updates the index at the end of each run through it.
"""
