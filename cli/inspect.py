"""The `inspect` command: crictl's `inspecti`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from criimages.cli.main import GLOBAL_OPTIONS_EPILOG, SKIP_BROKEN_HELP, group
from criimages.cli.shared import Context, emit, report_skipped

if TYPE_CHECKING:
    from criimages.convert import SkippedImage


@group.command("inspect", epilog=GLOBAL_OPTIONS_EPILOG, short_help="Show the status of one or more images, as `crictl inspecti` does (alias: inspecti).")
@click.argument("images", nargs=-1, metavar="[IMAGE...]")
@click.option("-o", "--output", default="json", show_default=True, metavar="FORMAT", help="Output format, one of: json|yaml|table.")
@click.option("-q", "--quiet", is_flag=True, help="Do not show verbose information: print only the status, without the image config.")
@click.option("--skip-broken", is_flag=True, help=SKIP_BROKEN_HELP)
@click.pass_context
def inspect_command(context: click.Context, images: tuple[str, ...], output: str, quiet: bool, skip_broken: bool) -> None:
    """Show the status of images, as `crictl inspecti` does.

    Each IMAGE is resolved as in `criimages list IMAGE`; without IMAGE, every image is shown in
    crictl's order. One image prints a JSON object, several print an array.
    """
    from criimages.listing import inspect_images
    from criimages.status import render_statuses

    state: Context = context.obj
    skipped: list[SkippedImage] | None = [] if skip_broken else None
    statuses = inspect_images(state.settings(), state.lock_timeout, names=images, skipped=skipped)
    emit(render_statuses(statuses, output=output, verbose=not quiet))
    context.exit(report_skipped(skipped or []))
