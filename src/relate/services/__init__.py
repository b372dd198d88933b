"""Use cases: plain functions over an open ``Database``, with ``now``/``today`` passed in.

No Typer and no Rich here: the CLI parses, calls a service, and renders.
"""
