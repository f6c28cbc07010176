"""Run criimages as `python -m criimages`."""

import sys

try:
    from criimages.cli import run
except ModuleNotFoundError as error:
    if error.name != "criimages.cli":
        raise
    # setup.cfg installs the top-level cli/ folder as criimages.cli. From a source checkout with a
    # plain install, the checkout's criimages/ folder shadows the installed package and lacks it.
    sys.exit(
        "criimages: cannot import criimages.cli: this directory holds the criimages sources; "
        "run from another directory, or install with pip install -e ."
    )

run()
