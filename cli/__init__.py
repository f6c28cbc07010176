"""The criimages command line; installed as criimages.cli."""

from criimages.cli.main import main, run

__all__ = ["main", "run"]
