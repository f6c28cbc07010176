"""The criimages command group, its global options and the one place where errors become exit codes."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from criimages.config import DEFAULT_CRIO_CONFIG, DEFAULT_CRIO_CONFIG_DIR, Options, Settings, load_settings
from criimages.errors import CriimagesError, ImageError
from criimages.store import DEFAULT_LOCK_TIMEOUT
from criimages.terminal import escape_controls, escape_line

if TYPE_CHECKING:
    from criimages.convert import SkippedImage

# crictl exits with 1 on every failure, usage errors included, and scripts may test for it.
FAILURE_EXIT_CODE = 1
# With --skip-broken: the output is complete except for the images reported on stderr.
SKIPPED_EXIT_CODE = 3
INTERRUPTED_EXIT_CODE = 130

# crictl's names for `images` and `inspecti`.
COMMAND_ALIASES = {"images": "list", "image": "list", "img": "list", "inspecti": "inspect"}

# criimages checks the paths itself, so that every problem gets its own message and the sudo hint.
_FILE = click.Path(path_type=Path, dir_okay=False, readable=False)
_DIRECTORY = click.Path(path_type=Path)


class CommandGroup(click.Group):
    """A click group that accepts crictl's command aliases and reports every failure as one line."""

    def get_command(self, context: click.Context, name: str) -> click.Command | None:
        return super().get_command(context, COMMAND_ALIASES.get(name, name))

    def main(self, args: Any = None, prog_name: str | None = None, **extra: Any) -> Any:
        """Run the command line and exit: 0 on success, 1 with one line on stderr on any failure."""
        extra["standalone_mode"] = False
        try:
            result = super().main(args, prog_name or "criimages", **extra)
        except click.exceptions.Exit as stop:
            sys.exit(stop.exit_code)
        except click.exceptions.NoArgsIsHelpError as error:
            # `criimages` alone prints the help, as crictl does.
            click.echo(error.ctx.get_help() if error.ctx else self.get_help(click.Context(self)))
            sys.exit(0)
        except click.UsageError as error:
            sys.exit(report_failure(_usage_message(error)))
        except click.ClickException as error:
            sys.exit(report_failure(error.format_message()))
        except click.Abort:
            sys.exit(report_failure("aborted"))
        except ImageError as error:
            sys.exit(report_failure(f"{error} (--skip-broken lists the other images; criimages check reports all problems)"))
        except CriimagesError as error:
            sys.exit(report_failure(str(error)))
        except BrokenPipeError:
            # The reader of stdout went away (`criimages list | head`). Point stdout at /dev/null so the
            # interpreter's final flush does not fail again, and stop without a message.
            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except (OSError, ValueError):
                pass  # stdout has no descriptor (click's test runner): nothing is flushed at exit.
            sys.exit(FAILURE_EXIT_CODE)
        except OSError as error:
            # Expected failures raise CriimagesError. This names the file of an OSError that escaped them.
            where = f" '{error.filename}'" if error.filename else ""
            hint = "; run criimages with sudo" if isinstance(error, PermissionError) else ""
            sys.exit(report_failure(f"cannot read{where}: {error.strerror or error}{hint}"))
        except KeyboardInterrupt:
            sys.exit(INTERRUPTED_EXIT_CODE)
        except Exception as error:  # noqa: BLE001 - the last line of defence against a traceback
            if logging.getLogger().isEnabledFor(logging.DEBUG):
                traceback.print_exc()
            sys.exit(report_failure(f"internal error: {type(error).__name__}: {error}; rerun with --debug to see where"))
        sys.exit(result if isinstance(result, int) else 0)


def _usage_message(error: click.UsageError) -> str:
    message = error.format_message()
    if isinstance(error, click.NoSuchOption) and error.ctx is not None and error.ctx.parent is not None:
        if any(error.option_name in parameter.opts for parameter in error.ctx.parent.command.params):
            return f"{message.rstrip('.')}: {error.option_name} is a global option, so it goes before the command name"
    if not message.endswith((".", "?")):
        message += "."
    hint = f" See '{error.ctx.command_path} --help'." if error.ctx is not None else ""
    return message + hint


def report_failure(message: str) -> int:
    """Print message as one "criimages: ..." line on stderr and return the failure exit code.

    Control characters from the store are escaped whether or not stderr is a terminal, so that the
    message is always one line and never drives a terminal.
    """
    text = escape_line(message)
    if sys.stderr.isatty():
        # rich is imported only here: loading it costs more than listing a small store.
        from rich.console import Console
        from rich.text import Text

        Console(stderr=True, highlight=False, soft_wrap=True).print(Text("criimages: ", style="bold red") + Text(text))
    else:
        print(f"criimages: {text}", file=sys.stderr)
    return FAILURE_EXIT_CODE


class Context:
    """The resolved global options, passed to each command."""

    def __init__(self, options: Options, lock_timeout: float) -> None:
        self.options = options
        self.lock_timeout = lock_timeout

    def settings(self) -> Settings:
        """Read the configuration files; each command calls this, so --help reads none."""
        return load_settings(self.options)


@click.group("criimages", cls=CommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--storage-conf",
    type=_FILE,
    help="storage.conf to read.  [default: $CONTAINERS_STORAGE_CONF, else /etc/containers/storage.conf, "
    "else /usr/share/containers/storage.conf]",
)
@click.option("--root", type=_DIRECTORY, help="Storage root (graphroot) to read, in place of the configured one.")
@click.option("--storage-driver", metavar="NAME", help="Storage driver whose NAME-images folder to read: overlay, vfs, ...")
@click.option("--crio-config", type=_FILE, help=f"CRI-O configuration file.  [default: {DEFAULT_CRIO_CONFIG}, if it exists]")
@click.option(
    "--crio-config-dir",
    type=_DIRECTORY,
    help=f"CRI-O drop-in directory; its files apply after --crio-config, in lexical order.  [default: {DEFAULT_CRIO_CONFIG_DIR}, if it exists]",
)
@click.option("--registries-conf", type=_FILE, help="registries.conf for resolving short image names.")
@click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
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
    _configure_logging(debug)
    options = Options(
        storage_conf=storage_conf,
        root=root,
        storage_driver=storage_driver,
        crio_config=crio_config,
        crio_config_dir=crio_config_dir,
        registries_conf=registries_conf,
    )
    context.obj = Context(options, lock_timeout)


SKIP_BROKEN_HELP = (
    "List every image that can be converted and report the others on stderr, exiting with status "
    f"{SKIPPED_EXIT_CODE} if any was skipped. Without it, one broken image fails the command, as in CRI-O."
)


def report_skipped(skipped: list[SkippedImage]) -> None:
    """Print one stderr line per skipped image and exit with SKIPPED_EXIT_CODE when there is any."""
    for image in skipped:
        print(escape_line(f"criimages: skipped image {image.id}: {image.reason}"), file=sys.stderr)
    if skipped:
        raise click.exceptions.Exit(SKIPPED_EXIT_CODE)


def emit(text: str) -> None:
    """Write command output to stdout: as it is for a pipe or file, with control characters escaped for a terminal."""
    if sys.stdout.isatty():
        text = escape_controls(text)
    # Not click.echo: it strips ANSI sequences on the way to a pipe, and pipes get crictl's exact bytes.
    # Flushing here makes a closed pipe or a full disk fail inside the command, where main() reports it.
    try:
        _write_all(text)
    except BrokenPipeError:
        raise
    except OSError as error:
        raise CriimagesError(f"cannot write to standard output: {error.strerror or error}") from None


def _write_all(text: str) -> None:
    # Python's buffered stdout was seen to drop the rest of a large write after a short write to a
    # pipe whose reader left, and exit 0 with the output cut. Writing to the descriptor in a loop
    # makes a closed pipe raise BrokenPipeError instead (tests/test_terminal.py checks it).
    sys.stdout.flush()
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        # A stream without a descriptor, such as click's test runner.
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    remaining = memoryview(text.encode(sys.stdout.encoding or "utf-8"))
    while remaining:
        written = os.write(descriptor, remaining)
        remaining = remaining[written:]


class _EscapingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return escape_line(super().format(record))


def _configure_logging(debug: bool) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(_EscapingFormatter("criimages: %(levelname)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.WARNING)


def run() -> None:
    """Entry point of the criimages console script."""
    group.main()
