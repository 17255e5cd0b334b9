"""Kindling: a reference implementation of the PySpark runtime architecture (Python side)."""

__version__ = "0.1.0"
