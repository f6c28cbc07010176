"""Run criimages as `python -m criimages`."""

from criimages.cli import run

run()
