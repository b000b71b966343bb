"""Fixtures for every test: see scripts/berth/testing.py (render, render_error, helm)."""

pytest_plugins = ["berth.testing"]
