"""Exit codes, error reporting, output and the `list` action, shared by click and the quick path.

This module imports no click. It contains the one place where an error becomes a stderr line and
an exit code, the writing of output, the logging setup and the `list` action itself.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from criimages.errors import CriimagesError, ImageError
from criimages.terminal import escape_controls, escape_line

if TYPE_CHECKING:
    from criimages.config import Options, Settings
    from criimages.convert import SkippedImage

# crictl exits with 1 on every failure, usage errors included, and scripts may test for it.
FAILURE_EXIT_CODE = 1
# With --skip-broken: the output is complete except for the images reported on stderr.
SKIPPED_EXIT_CODE = 3
INTERRUPTED_EXIT_CODE = 130


class Context:
    """The resolved global options, passed to each command."""

    def __init__(self, options: Options, lock_timeout: float) -> None:
        self.options = options
        self.lock_timeout = lock_timeout

    def settings(self) -> Settings:
        """Read the configuration files; each command calls this, so --help reads none."""
        from criimages.config import load_settings

        return load_settings(self.options)


def run_reporting_failures(action: Callable[[], int]) -> int:
    """Run action and return its exit code; any failure becomes one stderr line and FAILURE_EXIT_CODE."""
    try:
        return action()
    except ImageError as error:
        return report_failure(f"{error} (--skip-broken lists the other images; criimages check reports all problems)")
    except CriimagesError as error:
        return report_failure(str(error))
    except BrokenPipeError:
        # The reader of stdout went away (`criimages list | head`). Point stdout at /dev/null so the
        # interpreter's final flush does not fail again, and stop without a message.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass  # stdout has no descriptor (click's test runner): nothing is flushed at exit.
        return FAILURE_EXIT_CODE
    except OSError as error:
        # Expected failures raise CriimagesError. This names the file of an OSError that escaped them.
        where = f" '{error.filename}'" if error.filename else ""
        hint = "; run criimages with sudo" if isinstance(error, PermissionError) else ""
        return report_failure(f"cannot read{where}: {error.strerror or error}{hint}")
    except KeyboardInterrupt:
        return INTERRUPTED_EXIT_CODE
    except Exception as error:  # noqa: BLE001 - the last line of defence against a traceback
        if _debugging():
            import traceback

            traceback.print_exc()
        return report_failure(f"internal error: {type(error).__name__}: {error}; rerun with --debug to see where")


def _debugging() -> bool:
    # Only --debug configures logging for debug messages; without logging loaded it cannot be on.
    logging = sys.modules.get("logging")
    return logging is not None and logging.getLogger().isEnabledFor(logging.DEBUG)


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


def report_skipped(skipped: Sequence[SkippedImage]) -> int:
    """Print one stderr line per skipped image; return SKIPPED_EXIT_CODE when there is any, else 0."""
    for image in skipped:
        print(escape_line(f"criimages: skipped image {image.id}: {image.reason}"), file=sys.stderr)
    return SKIPPED_EXIT_CODE if skipped else 0


def emit(text: str) -> None:
    """Write command output to stdout: as it is for a pipe or file, with control characters escaped for a terminal."""
    if sys.stdout.isatty():
        text = escape_controls(text)
    # Not click.echo: it strips ANSI sequences on the way to a pipe, and pipes get crictl's exact bytes.
    # Flushing here makes a closed pipe or a full disk fail inside the command, where the failure is reported.
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


def configure_logging(debug: bool) -> None:
    """Send log messages to stderr as "criimages: LEVEL: message" lines: warnings, and debug ones with --debug."""
    import logging

    class EscapingFormatter(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            return escape_line(super().format(record))

    handler = logging.StreamHandler()
    handler.setFormatter(EscapingFormatter("criimages: %(levelname)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.WARNING)


def split_filter_options(values: Sequence[str]) -> list[str]:
    """Split each --filter value on commas and trim spaces, as urfave/cli's string slice flag does.

    A regular expression that contains a comma is split too, exactly as crictl splits it.
    """
    return [piece.strip() for value in values for piece in value.split(",")]


def list_images_and_print(
    state: Context,
    name: str,
    filters: Sequence[str],
    output: str,
    quiet: bool,
    verbose: bool,
    digests: bool,
    no_trunc: bool,
    pinned: bool,
    skip_broken: bool,
) -> int:
    """Run `list`: print the images as crictl does and return the exit code."""
    from criimages.listing import list_images
    from criimages.output import render_images

    skipped: list[SkippedImage] | None = [] if skip_broken else None
    images = list_images(state.settings(), state.lock_timeout, name=name, filters=split_filter_options(filters), skipped=skipped)
    emit(render_images(images, output=output, quiet=quiet, verbose=verbose, digests=digests, no_trunc=no_trunc, pinned=pinned))
    return report_skipped(skipped or [])
