"""The criimages command line; installed as the package criimages.cli.

Importing this package loads no click: `run` tries the quick `list` path first (cli/quick.py), and
the click group is loaded on first use of `group`.
"""

from __future__ import annotations

import gc
import sys
from typing import Any

__all__ = ["group", "run"]


def run() -> None:
    """Entry point of the criimages console script."""
    # A large listing makes hundreds of thousands of objects that live until the process exits,
    # and the cyclic garbage collector would scan them over and over: about a tenth of the time
    # of listing 10,000 images (bench/run.py). One run leaves no cycles worth collecting.
    gc.disable()

    from criimages.cli.quick import run_list

    code = run_list(sys.argv[1:])
    if code is None:
        group = load_group()
        group.main()
    sys.exit(code)


def load_group() -> Any:
    """Return the click group with every command registered."""
    from criimages.cli import check, images, inspect  # noqa: F401  (registers the commands)
    from criimages.cli.main import group

    return group


def __getattr__(name: str) -> Any:
    if name == "group":
        return load_group()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
