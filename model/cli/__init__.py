"""The ``finmodel`` command line."""

from model.cli.commands import main

__all__ = ["main"]
