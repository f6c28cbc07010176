"""The criimages command group, its global options and the one place where errors become exit codes."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from criimages.config import DEFAULT_CRIO_CONFIG, DEFAULT_CRIO_CONFIG_DIR, Options, load_settings
from criimages.errors import CriimagesError
from criimages.store import DEFAULT_LOCK_TIMEOUT

# crictl exits with 1 on every failure, usage errors included, and scripts may test for it.
FAILURE_EXIT_CODE = 1

_FILE = click.Path(path_type=Path, dir_okay=False)
_DIRECTORY = click.Path(path_type=Path, file_okay=False)


class Context:
    """What the global options resolve to, handed to each command."""

    def __init__(self, options: Options, lock_timeout: float) -> None:
        self.options = options
        self.lock_timeout = lock_timeout

    def settings(self):
        """Read the configuration files; done by each command so that --help never reads them."""
        return load_settings(self.options)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--storage-conf", type=_FILE, help="storage.conf to read [default: $CONTAINERS_STORAGE_CONF, else /etc/containers/storage.conf, else /usr/share/containers/storage.conf]")
@click.option("--root", type=_DIRECTORY, help="Storage root (graphroot) to read, replacing the configured one.")
@click.option("--storage-driver", metavar="NAME", help="Storage driver whose <NAME>-images folder to read (vfs, overlay, ...).")
@click.option("--crio-config", type=_FILE, default=DEFAULT_CRIO_CONFIG, show_default=True, help="CRI-O configuration file.")
@click.option("--crio-config-dir", type=_DIRECTORY, default=DEFAULT_CRIO_CONFIG_DIR, show_default=True, help="CRI-O drop-in directory, read in lexical order after --crio-config.")
@click.option("--registries-conf", type=_FILE, help="registries.conf for short-name resolution.")
@click.option("--lock-timeout", type=click.FloatRange(min=0), default=DEFAULT_LOCK_TIMEOUT, show_default=True, metavar="SECONDS", help="How long to wait for a writer to release the store's locks.")
@click.option("-D", "--debug", is_flag=True, help="Log debug messages to stderr.")
@click.pass_context
def group(context: click.Context, storage_conf, root, storage_driver, crio_config, crio_config_dir, registries_conf, lock_timeout, debug) -> None:
    """List the images of a CRI-O node by reading its containers/storage store directly.

    Prints what `crictl images` prints, without a running CRI-O, and never changes the store.
    """
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="criimages: %(levelname)s: %(message)s")
    options = Options(
        storage_conf=storage_conf,
        root=root,
        storage_driver=storage_driver,
        crio_config=crio_config,
        crio_config_dir=crio_config_dir,
        registries_conf=registries_conf,
    )
    context.obj = Context(options, lock_timeout)


def main(argv: list[str] | None = None) -> int:
    """Run the command line and turn every failure into one line on stderr and exit status 1."""
    # Imported here so that the commands register themselves on the group.
    from criimages.cli import images  # noqa: F401

    try:
        group.main(args=argv, prog_name="criimages", standalone_mode=False)
    except click.exceptions.Exit as stop:
        return stop.exit_code
    except click.UsageError as error:
        hint = f" (see '{error.ctx.command_path} --help')" if error.ctx is not None else ""
        return _fail(error.format_message() + hint)
    except click.ClickException as error:
        return _fail(error.format_message())
    except click.Abort:
        return _fail("aborted")
    except CriimagesError as error:
        return _fail(str(error))
    except BrokenPipeError:
        # The reader of stdout went away (`criimages list | head`); stop quietly as Go programs do.
        sys.stderr.close()
        return FAILURE_EXIT_CODE
    except KeyboardInterrupt:
        return 130
    return 0


def _fail(message: str) -> int:
    text = " ".join(message.split("\n"))
    if sys.stderr.isatty():
        # rich is imported only on this path: it costs more to load than a whole listing of a small store.
        from rich.console import Console
        from rich.text import Text

        Console(stderr=True, highlight=False).print(Text("criimages: ", style="bold red") + Text(text))
    else:
        print(f"criimages: {text}", file=sys.stderr)
    return FAILURE_EXIT_CODE


def run() -> None:
    """Entry point of the criimages console script."""
    sys.exit(main())
