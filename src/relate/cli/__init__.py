"""The command line: Typer apps that parse arguments, call services and render."""
