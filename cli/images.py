"""The `list` command: crictl's `images`."""

from __future__ import annotations

import sys

import click

from criimages.cli.main import Context, group
from criimages.listing import list_images
from criimages.output import render_images


@group.command("list")
@click.option("--digests", is_flag=True, help="Show digests.")
@click.option("--no-trunc", is_flag=True, help="Show output without truncating the ID.")
@click.option("-q", "--quiet", is_flag=True, help="Only show image IDs.")
@click.option("-o", "--output", default="", metavar="FORMAT", help="Output format, one of: json|yaml|table. Any other value prints the table, as crictl does.")
@click.pass_obj
def list_command(context: Context, digests: bool, no_trunc: bool, quiet: bool, output: str) -> None:
    """List images, as `crictl images` does."""
    images = list_images(context.settings(), context.lock_timeout)
    sys.stdout.write(render_images(images, output=output, quiet=quiet, digests=digests, no_trunc=no_trunc))

