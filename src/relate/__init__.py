"""relate: a command-line personal relationship tracker."""

__version__ = "0.1.0"
