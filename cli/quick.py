"""Run the common `criimages list` command lines without loading click.

Importing click takes longer than listing a small store, and `list` is the command scripts call
most. This module reads the command lines of `list` made of the global options, a command name
(list, images, image, img), the list options and at most one image name, and runs the action the
click command runs. It declines everything else: help, --version, --debug, other commands, unknown
or malformed options, "--", and values that click would check or reject. Declined command lines go
to click, which parses them and reports their errors. tests/test_quick.py checks these tables
against the click commands, and that click parses every accepted command line to the same values.
"""

import math
import os
from typing import Any, NamedTuple

# The global options that take a value, each with its parameter name and kind: a file, a directory,
# a name or a number of seconds (cli/main.py declares them for click).
GLOBAL_OPTIONS = {
    "--storage-conf": ("storage_conf", "file"),
    "--root": ("root", "directory"),
    "--storage-driver": ("storage_driver", "text"),
    "--crio-config": ("crio_config", "file"),
    "--crio-config-dir": ("crio_config_dir", "directory"),
    "--registries-conf": ("registries_conf", "file"),
    "--lock-timeout": ("lock_timeout", "seconds"),
}

LIST_NAMES = ("list", "images", "image", "img")

# The options of `list` (cli/images.py): flags, and the options that take a value.
LIST_FLAGS = {
    "-v": "verbose",
    "--verbose": "verbose",
    "-q": "quiet",
    "--quiet": "quiet",
    "--digests": "digests",
    "--no-trunc": "no_trunc",
    "--pinned": "pinned",
    "--skip-broken": "skip_broken",
}
LIST_VALUE_OPTIONS = {"-f": "filters", "--filter": "filters", "-o": "output", "--output": "output"}



class Declined(Exception):
    """The command line is not one this module reads; click handles it."""


class ListCommandLine(NamedTuple):
    """A parsed `list` command line, in the parameter names of the click commands."""

    global_values: dict[str, Any]
    list_values: dict[str, Any]
    images: tuple[str, ...]


def parse(arguments: list[str]) -> ListCommandLine:
    """Parse a `list` command line as click parses it; raises Declined for anything else."""
    global_values: dict[str, Any] = {}
    position = 0
    while position < len(arguments) and arguments[position].startswith("-"):
        name, value, position = _long_option(arguments, position, GLOBAL_OPTIONS)
        parameter, kind = GLOBAL_OPTIONS[name]
        global_values[parameter] = _convert(value, kind)
    if position == len(arguments) or arguments[position] not in LIST_NAMES:
        raise Declined
    position += 1

    list_values: dict[str, Any] = {"filters": []}
    images: list[str] = []
    while position < len(arguments):
        token = arguments[position]
        if token == "--":
            raise Declined
        if token == "-" or not token.startswith("-"):
            # click takes arguments between options, and "-" is an argument.
            images.append(token)
            position += 1
        elif token.startswith("--"):
            position = _list_long_option(arguments, position, list_values)
        else:
            position = _list_short_options(arguments, position, list_values)
    if len(images) > 1:
        raise Declined  # click prints the help for this, as crictl does
    list_values["filters"] = tuple(list_values["filters"])
    return ListCommandLine(global_values, list_values, tuple(images))


def _long_option(arguments: list[str], position: int, known: dict[str, Any]) -> tuple[str, str, int]:
    """Read "--name value" or "--name=value" at position; return the name, the value and the next position."""
    name, equals, value = arguments[position].partition("=")
    if name not in known:
        raise Declined
    if equals:
        return name, value, position + 1
    return name, _next_value(arguments, position), position + 2


def _next_value(arguments: list[str], position: int) -> str:
    # A missing value is click's error to report. A value that looks like an option is left to
    # click too, whatever it would make of it.
    if position + 1 >= len(arguments) or arguments[position + 1].startswith("-"):
        raise Declined
    return arguments[position + 1]


def _list_long_option(arguments: list[str], position: int, values: dict[str, Any]) -> int:
    token = arguments[position]
    if token in LIST_FLAGS:
        values[LIST_FLAGS[token]] = True
        return position + 1
    name, value, position = _long_option(arguments, position, LIST_VALUE_OPTIONS)
    _set_value(values, LIST_VALUE_OPTIONS[name], value)
    return position


def _list_short_options(arguments: list[str], position: int, values: dict[str, Any]) -> int:
    """Read a group of short options such as "-q", "-qv" or "-ojson"; return the next position."""
    token = arguments[position]
    for index in range(1, len(token)):
        option = "-" + token[index]
        if option in LIST_FLAGS:
            values[LIST_FLAGS[option]] = True
        elif option in LIST_VALUE_OPTIONS:
            # As in click: the rest of the group is the value, else the next argument is.
            rest = token[index + 1 :]
            if rest:
                _set_value(values, LIST_VALUE_OPTIONS[option], rest)
                return position + 1
            _set_value(values, LIST_VALUE_OPTIONS[option], _next_value(arguments, position))
            return position + 2
        else:
            raise Declined
    return position + 1


def _set_value(values: dict[str, Any], parameter: str, value: str) -> None:
    if parameter == "filters":
        values["filters"].append(value)
    else:
        values[parameter] = value  # the last one counts, as in click


def _convert(value: str, kind: str) -> Any:
    """Convert a global option's value as click does; raises Declined where click would check or reject it."""
    if not value:
        raise Declined  # click rejects an empty value with its own message
    if kind == "text":
        return value
    if kind == "seconds":
        # Plain decimals only; exponents, "nan", signs and spaces are click's to judge.
        whole, _, fraction = value.partition(".")
        if not (whole + fraction).isdigit() or not (whole + fraction).isascii():
            raise Declined
        seconds = float(value)
        if not math.isfinite(seconds):
            raise Declined  # 400 digits make an infinite float, which click rejects
        return seconds
    # click rejects a directory given for a file, with its own message.
    if kind == "file" and os.path.isdir(value):
        raise Declined
    from pathlib import Path

    return Path(value)


def run_list(arguments: list[str]) -> int | None:
    """Run a `list` command line without click and return its exit code, or None when it is declined."""
    try:
        command_line = parse(arguments)
    except Declined:
        return None

    from criimages import logs
    from criimages.cli.shared import Context, configure_logging, list_images_and_print, run_reporting_failures
    from criimages.config import Options
    from criimages.store import DEFAULT_LOCK_TIMEOUT

    # As the click group does without --debug, but only once a warning is written.
    logs.before_first_message = lambda: configure_logging(debug=False)
    global_values = dict(command_line.global_values)
    lock_timeout = global_values.pop("lock_timeout", DEFAULT_LOCK_TIMEOUT)
    state = Context(Options(**global_values), lock_timeout)
    flags = {name: command_line.list_values.get(name, False) for name in set(LIST_FLAGS.values())}
    output = command_line.list_values.get("output", "")
    name = command_line.images[0] if command_line.images else ""
    return run_reporting_failures(
        lambda: list_images_and_print(state, name, command_line.list_values["filters"], output, **flags)
    )
