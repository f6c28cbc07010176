"""The criimages command line; installed as the package criimages.cli."""

from criimages.cli import images as _images  # noqa: F401  (registers the commands)
from criimages.cli import inspect as _inspect  # noqa: F401
from criimages.cli import check as _check  # noqa: F401
from criimages.cli.main import group, run

__all__ = ["group", "run"]
