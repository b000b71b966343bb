"""Berth: render, validate and operate the Berth platform charts."""

__version__ = "0.1.0"
