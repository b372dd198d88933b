"""interchange commands (being written)."""
