"""Turning records into output: Rich tables for people, CSV/JSON for scripts."""
