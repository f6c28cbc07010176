"""The quick `list` path reads a command line exactly as click does, or leaves it to click."""

import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any, Optional

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from criimages.cli import load_group, quick
from criimages.cli.main import COMMAND_ALIASES
from tests.conftest import CONFORMANCE_STORE, isolated_options

GROUP = load_group()
LIST_COMMAND = GROUP.commands["list"]
# Options that only click handles: the quick path declines them.
CLICK_ONLY = {"debug", "version", "help"}


def click_options(command: click.Command) -> dict[str, click.Option]:
    return {opt: parameter for parameter in command.params if isinstance(parameter, click.Option) for opt in parameter.opts}


def test_global_options_match_the_click_group() -> None:
    options = click_options(GROUP)
    handled = {opt for opt, parameter in options.items() if parameter.name not in CLICK_ONLY}
    assert handled == set(quick.GLOBAL_OPTIONS)
    for opt, (name, kind) in quick.GLOBAL_OPTIONS.items():
        parameter = options[opt]
        assert parameter.name == name
        assert not parameter.is_flag
        assert not parameter.multiple
        if isinstance(parameter.type, click.Path):
            expected_kind = "directory" if parameter.type.dir_okay else "file"
        else:
            expected_kind = parameter.type.name
        assert kind == expected_kind, opt


def test_list_options_match_the_click_command() -> None:
    options = click_options(LIST_COMMAND)
    flags = {opt: parameter.name for opt, parameter in options.items() if parameter.is_flag and parameter.name not in CLICK_ONLY}
    values = {opt: parameter.name for opt, parameter in options.items() if not parameter.is_flag}
    assert flags == quick.LIST_FLAGS
    assert values == quick.LIST_VALUE_OPTIONS
    assert set(quick.LIST_NAMES) == {"list"} | {alias for alias, target in COMMAND_ALIASES.items() if target == "list"}


def click_parse(arguments: list[str]) -> Optional[tuple[dict[str, Any], dict[str, Any]]]:
    """Return click's values for the group and the list command, or None when click would not list."""
    try:
        context = GROUP.make_context("criimages", list(arguments))
        # click keeps the command name in protected_args (deprecated, and still where it is in click 8).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            rest = [*context.protected_args, *context.args]
        if not rest:
            return None
        name, command, command_arguments = GROUP.resolve_command(context, rest)
        if command is not LIST_COMMAND:
            return None
        list_context = command.make_context(name, command_arguments, parent=context)
    except click.exceptions.Exit:
        return None  # --help or --version
    except click.UsageError:
        return None
    return context.params, list_context.params


def quick_values(command_line: quick.ListCommandLine) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the quick path's values with click's defaults filled in, in click's parameter names."""
    defaults = click_parse(["list"])
    assert defaults is not None
    global_values = {**defaults[0], **command_line.global_values}
    list_values = {**defaults[1], **command_line.list_values, "image": command_line.images}
    return global_values, list_values


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("quick")
    (folder / "file.conf").write_text("")
    return {"folder": str(folder), "file": str(folder / "file.conf"), "missing": str(folder / "missing")}


def command_lines(places: dict[str, str]) -> st.SearchStrategy[list[str]]:
    values = st.sampled_from(["", "-", "--", "1", "0.5", ".5", "5.", "1e3", "9" * 400, "nan", "-1", " 2", "vfs", "json", "yaml", "dangling=true,reference=/x/", *places.values()])
    global_tokens = st.one_of(
        st.tuples(st.sampled_from([*quick.GLOBAL_OPTIONS, "-D", "--debug", "--help", "--version", "--bogus"]), values).map(list),
        st.tuples(st.sampled_from(list(quick.GLOBAL_OPTIONS)), values).map(lambda pair: [f"{pair[0]}={pair[1]}"]),
    )
    names = st.sampled_from(["list", "images", "image", "img", "inspect", "node-status", "check", "lst", "-q"])
    list_tokens = st.one_of(
        st.sampled_from(["-v", "-q", "-qv", "-vq", "--digests", "--no-trunc", "--pinned", "--skip-broken", "--verbose", "--quiet",
                         "-ojson", "-o=yaml", "-qojson", "-qo", "--output=table", "--digests=1", "-x", "-h", "--help", "--", "-",
                         "alpine", "registry.k8s.io/pause:3.10", "-f", "-fdangling=false", "--filter=dangling=true", "--root"]),
        values,
    ).map(lambda token: [token])
    return st.tuples(st.lists(global_tokens, max_size=3), names, st.lists(list_tokens, max_size=5)).map(
        lambda parts: [token for group in parts[0] for token in group] + [parts[1]] + [token for group in parts[2] for token in group]
    )


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_accepted_command_lines_parse_as_in_click(places: dict[str, str], data: st.DataObject) -> None:
    arguments = data.draw(command_lines(places))
    try:
        command_line = quick.parse(arguments)
    except quick.Declined:
        return
    expected = click_parse(arguments)
    assert expected is not None, f"click would not list {arguments}"
    assert quick_values(command_line) == expected


@pytest.mark.parametrize(
    "arguments",
    [
        ["list", "--help"],
        ["--version"],
        ["-D", "list"],
        ["list", "a", "b"],
        ["list", "--", "-q"],
        ["list", "-o"],
        ["--root", "", "list"],
        ["--lock-timeout", "1e3", "list"],
        ["--lock-timeout", "9" * 400, "list"],
        ["list", "--root", "x"],
        ["inspect"],
        [],
    ],
    ids=lambda arguments: " ".join(arguments) or "nothing",
)
def test_declines_what_click_must_handle(arguments: list[str]) -> None:
    with pytest.raises(quick.Declined):
        quick.parse(arguments)


def test_reads_interleaved_options_and_image() -> None:
    command_line = quick.parse(["--root", "/r", "img", "-qojson", "busybox", "--filter", "dangling=true", "-f", "x"])
    assert command_line.global_values == {"root": Path("/r")}
    assert command_line.list_values == {"filters": ("dangling=true", "x"), "quiet": True, "output": "json"}
    assert command_line.images == ("busybox",)


def run_criimages(arguments: list[str]) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", "from criimages.cli import run; run()", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def quiet_options(tmp_path: Path) -> list[str]:
    """Global options for the conformance store that read no configuration of this machine."""
    (tmp_path / "crio.conf").write_text("")
    return [*isolated_options(CONFORMANCE_STORE, tmp_path), "--crio-config", str(tmp_path / "crio.conf"), "--crio-config-dir", str(tmp_path / "none")]


def test_quick_path_loads_no_click(tmp_path: Path) -> None:
    code = (
        "import sys; from criimages.cli import run\n"
        f"sys.argv = ['criimages', *{quiet_options(tmp_path)!r}, 'list']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print('click' in sys.modules, 'logging' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stderr == "False False\n"
    assert result.stdout.startswith("IMAGE ")


def test_quick_path_warning_format(tmp_path: Path) -> None:
    options = [*isolated_options(CONFORMANCE_STORE, tmp_path), "--crio-config", str(tmp_path / "typo.conf"), "--crio-config-dir", str(tmp_path / "none")]
    quick_result = run_criimages([*options, "list", "-q"])
    click_result = run_criimages([*options, "-D", "list", "-q"])
    warning = f"criimages: WARNING: CRI-O configuration file '{tmp_path / 'typo.conf'}' does not exist; using CRI-O's defaults\n"
    assert quick_result.returncode == 0
    assert quick_result.stderr == warning
    assert warning in click_result.stderr
    assert quick_result.stdout == click_result.stdout
