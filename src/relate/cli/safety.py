"""safety commands (being written)."""
