"""The `list` command (crictl's `images`) and the `node-status` command."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from criimages.cli.main import GLOBAL_OPTIONS_EPILOG, SKIP_BROKEN_HELP, group
from criimages.cli.shared import Context, emit, list_images_and_print, report_skipped

if TYPE_CHECKING:
    from criimages.convert import SkippedImage

# The library is imported inside each command, so that a command loads only the modules it uses.
# `list` also runs without click, through criimages/cli/quick.py; both call list_images_and_print.

FILTER_HELP = (
    "Filter output based on provided conditions; repeat or separate with commas. Available filters: "
    "dangling=(true|false), reference=/regular expression/ (RE2, matched against the repository of the first "
    "repo digest), before=<image-name>[:<tag>]|<image id>|<image@digest>, "
    "since=<image-name>[:<tag>]|<image id>|<image@digest>."
)


@group.command("list", epilog=GLOBAL_OPTIONS_EPILOG, short_help="List images, as `crictl images` does (aliases: images, image, img).")
@click.argument("image", nargs=-1, metavar="[REPOSITORY[:TAG]]")
@click.option("-v", "--verbose", is_flag=True, help="Show verbose info for images.")
@click.option("-q", "--quiet", is_flag=True, help="Only show image IDs.")
@click.option("-f", "--filter", "filters", multiple=True, metavar="FILTER", help=FILTER_HELP)
@click.option("-o", "--output", default="", metavar="FORMAT", help="Output format, one of: json|yaml|table. Any other value prints the table, as crictl does.")
@click.option("--digests", is_flag=True, help="Show digests.")
@click.option("--no-trunc", is_flag=True, help="Show output without truncating the image ID and digest.")
@click.option("--pinned", is_flag=True, help="Show whether the image is pinned or not.")
@click.option("--skip-broken", is_flag=True, help=SKIP_BROKEN_HELP)
@click.pass_context
def list_command(
    context: click.Context,
    image: tuple[str, ...],
    verbose: bool,
    quiet: bool,
    filters: tuple[str, ...],
    output: str,
    digests: bool,
    no_trunc: bool,
    pinned: bool,
    skip_broken: bool,
) -> None:
    """List images, as `crictl images` does.

    REPOSITORY[:TAG] selects at most one image, resolved as CRI-O resolves it. It may be a full image
    ID, an ID prefix of 3 or more characters, repository@digest, or a fully qualified name (":latest"
    when no tag is given). A short name goes through the aliases and the unqualified-search
    registries of registries.conf (see --registries-conf).
    """
    if len(image) > 1:
        # crictl prints the command's help and succeeds when given more than one image.
        click.echo(context.get_help())
        return
    name = image[0] if image else ""
    code = list_images_and_print(
        context.obj, name, filters, output, quiet=quiet, verbose=verbose, digests=digests, no_trunc=no_trunc, pinned=pinned, skip_broken=skip_broken
    )
    context.exit(code)


@group.command("node-status", epilog=GLOBAL_OPTIONS_EPILOG, short_help="Print the node's .status.images as the kubelet reports it.")
@click.option(
    "--max-images",
    type=click.IntRange(min=-1),
    default=50,
    show_default=True,
    metavar="N",
    help="Report at most N images, as the kubelet's nodeStatusMaxImages; -1 reports all.",
)
@click.option("--skip-broken", is_flag=True, help=SKIP_BROKEN_HELP)
@click.pass_context
def node_status_command(context: click.Context, max_images: int, skip_broken: bool) -> None:
    """Print what `kubectl get node NAME -o json | jq .status.images` shows for this node.

    Images come largest first, then by ID descending; names are the repo digests, then the repo
    tags, at most 5 per image.
    """
    from criimages.listing import node_images
    from criimages.output import node_status_json

    state: Context = context.obj
    skipped: list[SkippedImage] | None = [] if skip_broken else None
    images = node_images(state.settings(), state.lock_timeout, max_images=max_images, skipped=skipped)
    emit(node_status_json(images))
    context.exit(report_skipped(skipped or []))
