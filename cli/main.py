"""The criimages command group, its global options and the one place where errors become exit codes."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import click

from criimages.cli.shared import (
    SKIPPED_EXIT_CODE,
    Context,
    configure_logging,
    report_failure,
    run_reporting_failures,
)
from criimages.config import DEFAULT_CRIO_CONFIG, DEFAULT_CRIO_CONFIG_DIR, Options
from criimages.store import DEFAULT_LOCK_TIMEOUT

# crictl's names for `images` and `inspecti`.
COMMAND_ALIASES = {"images": "list", "image": "list", "img": "list", "inspecti": "inspect"}


class _PathType(click.Path):
    """click's Path, which rejects an empty path: click would read it as the current directory."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value:
            self.fail("the path is empty.", param, ctx)
        return super().convert(value, param, ctx)


class _NameType(click.ParamType):
    """A name that must not be empty, such as a storage driver."""

    name = "text"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value:
            self.fail("the name is empty.", param, ctx)
        return value


class _SecondsType(click.ParamType):
    """A finite number of seconds, 0 or more."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, float):
            return value
        try:
            seconds = float(value)
        except ValueError:
            self.fail(f"{value!r} is not a number of seconds.", param, ctx)
        if not math.isfinite(seconds) or seconds < 0:
            self.fail(f"{value!r} is not a finite number of seconds, 0 or more.", param, ctx)
        return seconds


# criimages checks the paths itself, so that every problem gets its own message and the sudo hint.
_FILE = _PathType(path_type=Path, dir_okay=False, readable=False)
_DIRECTORY = _PathType(path_type=Path)


class CommandGroup(click.Group):
    """A click group that accepts crictl's command aliases and reports every failure as one line."""

    def get_command(self, context: click.Context, name: str) -> click.Command | None:
        return super().get_command(context, COMMAND_ALIASES.get(name, name))

    def main(self, args: Any = None, prog_name: str | None = None, **extra: Any) -> Any:
        """Run the command line and exit: 0 on success, 1 with one line on stderr on any failure."""
        sys.exit(run_reporting_failures(lambda: self._run(args, prog_name, extra)))

    def _run(self, args: Any, prog_name: str | None, extra: dict[str, Any]) -> int:
        extra["standalone_mode"] = False
        try:
            result = super().main(args, prog_name or "criimages", **extra)
        except click.exceptions.Exit as stop:
            return stop.exit_code
        except click.exceptions.NoArgsIsHelpError as error:
            # `criimages` alone prints the help, as crictl does.
            click.echo(error.ctx.get_help() if error.ctx else self.get_help(click.Context(self)))
            return 0
        except click.UsageError as error:
            return report_failure(_usage_message(error))
        except click.ClickException as error:
            return report_failure(error.format_message())
        except click.Abort:
            return report_failure("aborted")
        return result if isinstance(result, int) else 0


def _usage_message(error: click.UsageError) -> str:
    message = error.format_message()
    if isinstance(error, click.NoSuchOption) and error.ctx is not None and error.ctx.parent is not None:
        if any(error.option_name in parameter.opts for parameter in error.ctx.parent.command.params):
            return f"{message.rstrip('.')}: {error.option_name} is a global option, so it goes before the command name"
    if not message.endswith((".", "?")):
        message += "."
    command_path = error.ctx.command_path if error.ctx is not None else "criimages"
    return f"{message} See '{command_path} --help'."


@click.group("criimages", cls=CommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--storage-conf",
    type=_FILE,
    help="storage.conf to read.  [default: $CONTAINERS_STORAGE_CONF, else /etc/containers/storage.conf, "
    "else /usr/share/containers/storage.conf]",
)
@click.option("--root", type=_DIRECTORY, help="Storage root (graphroot) to read, in place of the configured one.")
@click.option("--storage-driver", type=_NameType(), metavar="NAME", help="Storage driver whose NAME-images folder to read: overlay, vfs, ...")
@click.option("--crio-config", type=_FILE, help=f"CRI-O configuration file.  [default: {DEFAULT_CRIO_CONFIG}, if it exists]")
@click.option(
    "--crio-config-dir",
    type=_DIRECTORY,
    help=f"CRI-O drop-in directory; its files apply after --crio-config, in lexical order.  [default: {DEFAULT_CRIO_CONFIG_DIR}, if it exists]",
)
@click.option("--registries-conf", type=_FILE, help="registries.conf for resolving short image names.")
@click.option(
    "--lock-timeout",
    type=_SecondsType(),
    default=DEFAULT_LOCK_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Seconds to wait while another process holds the store's locks for writing.",
)
@click.option("-D", "--debug", is_flag=True, help="Log debug messages to stderr.")
@click.version_option(package_name="criimages", message="criimages %(version)s")
@click.pass_context
def group(context: click.Context, storage_conf, root, storage_driver, crio_config, crio_config_dir, registries_conf, lock_timeout, debug) -> None:
    """List the images of a CRI-O node by reading its containers/storage store directly.

    Prints what `crictl images` prints, needs no running CRI-O, and never changes the store.
    """
    configure_logging(debug)
    options = Options(
        storage_conf=storage_conf,
        root=root,
        storage_driver=storage_driver,
        crio_config=crio_config,
        crio_config_dir=crio_config_dir,
        registries_conf=registries_conf,
    )
    context.obj = Context(options, lock_timeout)


GLOBAL_OPTIONS_EPILOG = (
    "The store and the configuration files are chosen with global options, which go before the "
    "command name: criimages --root DIR --storage-driver NAME COMMAND. See 'criimages --help'."
)

SKIP_BROKEN_HELP = (
    "List every image that can be converted and report the others on stderr, exiting with status "
    f"{SKIPPED_EXIT_CODE} if any was skipped. Without it, one broken image fails the command, as in CRI-O."
)
