"""Bundled data: the offline snapshot and the roster (files, read with importlib.resources)."""
